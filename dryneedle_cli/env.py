"""Where things live: the built-in knowledge files and the cache."""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The built-in knowledge folder, in an installed wheel or in a source checkout.

    The wheel carries ``data/`` inside the package (``dryneedle_cli/data``); a checkout or an
    editable install keeps it at the repository's top level, beside the package.
    ``DRYNEEDLE_DATA_DIR`` replaces the built-in folder as a whole (for tests and for clinics
    that keep a full copy of the knowledge base).
    """
    configured = os.environ.get("DRYNEEDLE_DATA_DIR")
    if configured:
        return Path(configured)
    for candidate in (_HERE / "data", _HERE.parent / "data"):
        if (candidate / "references.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"dryneedle's knowledge files are missing (looked in {_HERE})")


def cache_dir() -> Path | None:
    """Folder for the parsed-content cache, or None when caching is switched off."""
    configured = os.environ.get("DRYNEEDLE_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("dryneedle", appauthor=False))


def user_content_dir() -> Path | None:
    """The user's own content folder (platformdirs user config, ``content/``)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("dryneedle", appauthor=False)) / "content"


def site_content_dir() -> Path | None:
    """The site-wide content folder (platformdirs site config, ``content/``)."""
    import platformdirs

    return Path(platformdirs.site_config_dir("dryneedle", appauthor=False)) / "content"
