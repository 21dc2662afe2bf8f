"""Writing sheet files: one sheet (``write``), its format (``resolve_format``) and its default
name (``default_name``, which the session uses too).

The sheet's bytes come from ``session.Session.sheet`` (format, profile, logo and paper decided
there, once); here they are written: atomically, to -o FILE, a folder under the default name,
or stdout. A batch of them, one per CSV row, is ``dryneedle_cli.batch`` (over the session).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from dryneedle_cli import safeio
from dryneedle_cli.dates import today
from dryneedle_cli.errors import FileWriteError, OutputError, UsageError
from dryneedle_cli.handouts.files import write_atomic, write_stdout
from dryneedle_cli.render import DOCUMENTS, EXTENSIONS
from dryneedle_cli.safe import short

if TYPE_CHECKING:  # the session makes the sheet; here it is only written
    from dryneedle_cli.session import Sheet


def write(sheet: Sheet, output: str | None, force: bool = False, cwd: Path | None = None):
    """Write ``sheet`` where -o says: '-' is stdout (None returned), a file (never over one
    unless ``force``, its folder must exist), a folder (or None: ``cwd``) under the default
    name, numbered so no other sheet is replaced. The path written."""
    if output == "-":
        write_stdout(sheet.data)
        return None
    if output and not is_folder(output):
        path = Path(output)
        write_atomic(path, sheet.data, force, create_folder=False)
        return path
    folder = Path(output) if output else (cwd or Path.cwd())
    return write_new(folder, sheet.filename, sheet.data)


def is_folder(output: str) -> bool:
    """-o names a folder (one that exists, or any path ending in /): the sheet goes there
    under its default name."""
    return output.endswith(("/", os.sep)) or safeio.is_dir(output)


def write_new(folder: Path, filename: str, data: bytes) -> Path:
    """Write under the default name (the kind, the date and the patient's name as a slug),
    never over another sheet: then -2, -3 ... while a file of that name exists."""
    stem, dot, ext = filename.rpartition(".")
    for n in range(1, 10_000):
        path = folder / (filename if n == 1 else f"{stem}-{n}{dot}{ext}")
        if path.exists():
            continue
        try:
            write_atomic(path, data, force=False, create_folder=False)
        except FileWriteError:
            if path.exists():  # another writer took the name meanwhile
                continue
            raise
        return path
    raise OutputError(f"too many sheets named {stem} in {folder}; give -o FILE")


def resolve_format(fmt: str | None, output: str | None) -> str:
    """--format wins; else the output file's extension; else PDF."""
    if fmt:
        if fmt not in DOCUMENTS:
            raise UsageError(f"unknown format '{short(fmt)}'; use one of {', '.join(DOCUMENTS)}")
        return fmt
    if output and output != "-" and not is_folder(output):
        ext = Path(output).suffix.lower()
        if ext not in EXTENSIONS:
            raise UsageError(
                f"cannot tell the format from '{short(output)}'; add --format "
                f"({', '.join(DOCUMENTS)})"
            )
        return EXTENSIONS[ext]
    return "pdf"


def default_name(which: str, date: str, fmt: str, patient: str | None = None) -> str:
    stamp = re.sub(r"[^0-9A-Za-z-]+", "-", date).strip("-") or today()
    name = slug(patient) if patient else ""
    if name and name != "patient":  # a name with no Latin letters: the counter tells them apart
        return f"{which}-{stamp}-{name}.{fmt}"
    return f"{which}-{stamp}.{fmt}"


def slug(text: str) -> str:
    """A file-name-safe form of a name ('Zoë Nguyễn' -> 'zoe-nguyen')."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "patient"
