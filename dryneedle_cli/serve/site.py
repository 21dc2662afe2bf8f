"""``dryneedle export site DIR``: every page in every language as a static, accessible site,
made by the service's own HTML renderer (``render.web``) for a clinic's website or intranet.

    DIR/index.html            the languages
    DIR/desk.css              the one style sheet
    DIR/<lang>/index.html     every page of that language, by topic, body area and word
    DIR/<lang>/<id>.html      one page
    DIR/.dryneedle-site       what the last export wrote (so the next one may replace it)

It writes only inside DIR, never through a link, and into a folder that is empty, new, or an
earlier export (which it replaces: the files that export listed are removed first). A page
not translated into a language, or not approved under the profile's require_approval, is left
out of that language, and the count says so. Needs no web server library.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from dryneedle_cli.errors import NotFound, OutputError
from dryneedle_cli.render import web
from dryneedle_cli.safeio import write_atomic
from dryneedle_cli.status import NotApproved

MARKER = ".dryneedle-site"
_NAME = re.compile(r"(?:[a-z]{2,3}/)?[a-z0-9][a-z0-9-]{0,99}\.(?:html|css)")


class Written:
    def __init__(self):
        self.files: list[str] = []
        self.left_out: dict[str, int] = {}


def export(service, folder: Path) -> Written:
    """Write the site of ``service`` (a ``state.Service``) into ``folder``."""
    folder = Path(folder)
    previous = _check_folder(folder)
    files = _files(service)
    result = Written()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in previous:
            if name not in files[0]:
                _remove(folder, name)
        for name, data in files[0].items():
            _write(folder, name, data)
            result.files.append(name)
        _write(folder, MARKER, json.dumps({"files": result.files}, indent=1).encode())
    except OSError as e:
        raise OutputError(f"cannot write the site in {folder}: {e.strerror or e}") from None
    result.left_out = files[1]
    return result


def _check_folder(folder: Path) -> list[str]:
    """The files of an earlier export in ``folder`` ([] for a new or empty folder); any other
    folder is refused, saying how to go on."""
    if os.path.islink(folder):
        raise OutputError(f"{folder} is a link; give the folder itself")
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder")
    entries = os.listdir(folder)
    if not entries:
        return []
    marker = folder / MARKER
    if MARKER not in entries or os.path.islink(marker) or not marker.is_file():
        raise OutputError(
            f"{folder} is not empty and holds no earlier export ({MARKER}); give a new or "
            "empty folder (dryneedle export site never writes among other files)"
        )
    try:
        listed = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputError(
            f"{marker} is not one dryneedle wrote; give a new or empty folder"
        ) from None
    return [n for n in listed if isinstance(n, str) and _NAME.fullmatch(n)]


def _files(service) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every file of the site by its name inside the folder; pages left out per language."""
    out: dict[str, bytes] = {"desk.css": web.css()}
    left_out: dict[str, int] = {}
    links = web.SiteLinks()
    for lang in service.languages:
        frame = _frame(service.frames[lang], links)
        index = service.indexes[lang]
        shown: set[str] = set()
        for hit in [*index.topics, *(h for _, hits in index.regions for h in hits), *index.terms]:
            try:
                view = service.page(lang, hit.ident)
            except (NotFound, NotApproved):  # not translated, or not approved here
                left_out[lang] = left_out.get(lang, 0) + 1
                continue
            if view.lang != lang:
                left_out[lang] = left_out.get(lang, 0) + 1
                continue
            out[f"{lang}/{hit.ident}.html"] = web.page(view, frame).encode()
            shown.add(hit.ident)
        out[f"{lang}/index.html"] = web.desk(frame, _only(index, shown)).encode()
    first = service.frames[service.default_lang]
    out["index.html"] = web.languages_page(_frame(first, web.TopLinks())).encode()
    return out, left_out


def _frame(frame: web.Frame, links: web.Links) -> web.Frame:
    from dataclasses import replace

    return replace(frame, links=links)


def _only(index: web.Index, shown: set[str]) -> web.Index:
    """The index with only the pages written."""
    from dataclasses import replace

    keep = lambda hits: tuple(h for h in hits if h.ident in shown)  # noqa: E731
    regions = tuple((name, keep(hits)) for name, hits in index.regions if keep(hits))
    return replace(index, topics=keep(index.topics), regions=regions, terms=keep(index.terms))


def _inside(folder: Path, name: str) -> Path:
    """``folder/name`` for a name this module made, with no link on the way."""
    if not _NAME.fullmatch(name) and name != MARKER:
        raise OutputError(f"refusing to write '{name}'")
    path = folder / name
    if path.parent != folder:
        if os.path.islink(path.parent):
            raise OutputError(f"{path.parent} is a link; the site is written only inside {folder}")
        path.parent.mkdir(exist_ok=True)
    return path


def _write(folder: Path, name: str, data: bytes) -> None:
    path = _inside(folder, name)
    if os.path.islink(path):
        path.unlink()  # replaced by a file, never followed
    write_atomic(path, data, force=True, create_folder=False)


def _remove(folder: Path, name: str) -> None:
    path = _inside(folder, name)
    if os.path.lexists(path) and (os.path.islink(path) or path.is_file()):
        path.unlink()
