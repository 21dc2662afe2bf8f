"""Atomic file writes: never a partial file, never over an existing file without --force."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from dryneedle_cli.errors import FileWriteError


def write_atomic(path: Path, data: bytes, force: bool, create_folder: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    An existing file is kept unless ``force``; after any error no partial file is left.
    Without ``create_folder`` a missing folder is an error that says so (a mistyped ``-o``
    should not leave a new folder behind).
    """
    exists = "it already exists; use --force to replace it"
    if path.is_dir():
        raise FileWriteError(f"{path} is a folder; give a file name", "it is a folder")
    if path.exists() and not force:
        raise FileWriteError(f"{path} already exists; use --force to replace it", exists)
    folder = path.parent
    if not create_folder and not folder.is_dir():
        raise FileWriteError(
            f"the folder {folder} does not exist; create it first or give another -o",
            "the folder does not exist",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise FileWriteError(f"cannot write to {folder}: {e.strerror}", e.strerror) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        if not force:
            # link() fails if the name appeared meanwhile: no race with another writer.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileWriteError(
                    f"{path} already exists; use --force to replace it", exists
                ) from None
            except OSError:  # a file system without hard links
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
    except OSError as e:
        raise FileWriteError(f"cannot write {path}: {e.strerror}", e.strerror) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
