"""The environment in one place: the built-in data folder, the config, cache and site folders,
and the ``DRYNEEDLE_*`` variables.

Variables: ``DRYNEEDLE_DATA_DIR`` (replaces the built-in knowledge folder),
``DRYNEEDLE_CACHE_DIR`` (the cache folder; empty switches the cache off),
``DRYNEEDLE_CONTENT_DIR`` (clinic content folders, a path list, the first one highest).

On Linux the folders follow the XDG base directory rules read straight from the environment
(``XDG_CONFIG_HOME``, ``XDG_CACHE_HOME``, ``XDG_CONFIG_DIRS``), exactly as platformdirs reads
them: importing platformdirs costs about 4 ms of every start. Elsewhere platformdirs decides;
``tests/test_env.py`` checks both give the same folders on Linux.

Every function takes the variables as a Mapping (``environ``); left out, it reads the process's
own ``os.environ``. A face builds one ``session.Environment`` (``Environment.from_process``) and
the session passes its variables down; ``content/`` and ``status.py`` still call these with
no argument (they read ``os.environ``: one place to change when they take an Environment).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP = "dryneedle"
PROFILE_NAME = "clinic.yaml"  # the clinic profile in the user config folder
_HERE = Path(__file__).resolve().parent


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The built-in knowledge folder, in an installed wheel or in a source checkout.

    The wheel carries ``data/`` inside the package (``dryneedle_cli/data``); a checkout or an
    editable install keeps it at the repository's top level, beside the package.
    ``DRYNEEDLE_DATA_DIR`` replaces the built-in folder as a whole (for tests and for clinics
    that keep a full copy of the knowledge base).
    """
    configured = _env(environ).get("DRYNEEDLE_DATA_DIR")
    if configured:
        return Path(configured)
    for candidate in (_HERE / "data", _HERE.parent / "data"):
        if (candidate / "references.yaml").is_file():
            return candidate
    from dryneedle_cli.errors import ContentError

    raise ContentError(
        str(_HERE / "data"),
        "dryneedle's built-in knowledge files are missing; reinstall dryneedle "
        "(or set DRYNEEDLE_DATA_DIR to a full copy of them)",
    )


def content_dirs(environ: Mapping[str, str] | None = None) -> list[str]:
    """The folders in ``DRYNEEDLE_CONTENT_DIR``, as given (the first one highest)."""
    return [p for p in _env(environ).get("DRYNEEDLE_CONTENT_DIR", "").split(os.pathsep) if p]


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """Folder for the parsed-content cache, or None when caching is switched off."""
    configured = _env(environ).get("DRYNEEDLE_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    return user_cache_dir(environ)


def user_content_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The user's own content folder (user config folder, ``content/``)."""
    return user_config_dir(environ) / "content"


def site_content_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The site-wide content folder (site config folder, ``content/``)."""
    return site_config_dir(environ) / "content"


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


# --------------------------------------------------------------------------- folders


def _linux() -> bool:
    return sys.platform.startswith("linux")


def _xdg(name: str, environ: Mapping[str, str] | None) -> str | None:
    """An XDG variable, used only when it is an absolute path (as the XDG rules say)."""
    value = _env(environ).get(name, "")
    return value if os.path.isabs(value) else None


def _home(environ: Mapping[str, str] | None) -> str:
    home = _env(environ).get("HOME")
    if home is not None and not os.path.isabs(home):  # an empty or relative HOME is unset
        import pwd

        return pwd.getpwuid(os.getuid()).pw_dir.rstrip("/") or "/"
    if home is not None:  # as os.path.expanduser("~") reads it
        return home.rstrip("/") or "/"
    return os.path.expanduser("~")  # no HOME: the password database


def user_config_dir(environ: Mapping[str, str] | None = None) -> Path:
    if _linux():
        return (
            Path(_xdg("XDG_CONFIG_HOME", environ) or os.path.join(_home(environ), ".config")) / APP
        )
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def user_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    if _linux():
        return Path(_xdg("XDG_CACHE_HOME", environ) or os.path.join(_home(environ), ".cache")) / APP
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def site_config_dir(environ: Mapping[str, str] | None = None) -> Path:
    if _linux():
        dirs = _env(environ).get("XDG_CONFIG_DIRS", "").split(os.pathsep)
        first = next((d for d in dirs if os.path.isabs(d)), "/etc/xdg")
        return Path(first) / APP
    import platformdirs

    return Path(platformdirs.site_config_dir(APP, appauthor=False))


def locate_profile(
    flag: str | None, environ=None, config: Path | None = None
) -> tuple[Path | None, str]:
    """The clinic profile in force and where it came from (flag, env, config or none).

    ``environ``: the variables (default ``os.environ``); ``config``: the user config folder
    (default ``user_config_dir()``): a ``session.Environment`` passes both."""
    if flag:
        return Path(flag), "flag"
    env = (os.environ if environ is None else environ).get("DRYNEEDLE_CLINIC")
    if env:
        return Path(env), "env"
    default = (user_config_dir() if config is None else config) / PROFILE_NAME
    from dryneedle_cli import safeio

    return (default, "config") if safeio.is_file(default) else (None, "none")
