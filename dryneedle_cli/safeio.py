"""Reading a file that someone else may have made hostile: regular files only, and bounded.

The file is opened without blocking (a FIFO cannot hang the open), checked with ``fstat`` on
the open descriptor (so a swap between a check and the open changes nothing), refused unless
it is a regular file, and read up to ``limit + 1`` bytes, so a wrong ``st_size`` (``/proc``,
a file still growing) cannot make the read unbounded.

Writing is the other half (``write_atomic``), the one way every file is written (sheets, forms,
a clinic's starter files, the cache): a temporary file created exclusively (``mkstemp``:
``O_CREAT | O_EXCL``, a random name, so a planted link is never followed) in the target's own
folder, then linked or renamed into place, so no partial file is ever seen and nothing outside
that folder is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from dryneedle_cli.errors import FileWriteError


class NotRegular(OSError):
    """The path is a FIFO, socket, device or folder, not a regular file."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class TooLarge(OSError):
    """The file is over the limit; ``size`` is what was seen (at least ``limit + 1``)."""

    def __init__(self, size: int):
        super().__init__(f"{size} bytes")
        self.size = size


def is_dir(path: Path | str) -> bool:
    """``Path.is_dir`` that is False, not an error, for a path the system cannot look at (a
    name too long, a link loop, no permission): the caller then says the folder is missing."""
    try:
        return Path(path).is_dir()
    except (OSError, ValueError):
        return False


def is_file(path: Path | str) -> bool:
    """``Path.is_file``, False for a path that cannot be looked at."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def exists(path: Path | str) -> bool:
    """``Path.exists`` for a link too (``lexists``); False for a path that cannot be looked at."""
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


def kind(mode: int) -> str:
    """A few words for a file type, for messages."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_limited(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises ``NotRegular``, ``TooLarge`` or another ``OSError`` (``FileNotFoundError``...).
    """
    fd, _ = open_limited(path, limit)
    try:
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise TooLarge(total)
        return b"".join(chunks)
    finally:
        os.close(fd)


def open_limited(path: Path | str, limit: int) -> tuple[int, int]:
    """(open descriptor, size) of a regular file of at most ``limit`` bytes, for reading parts
    of it with ``os.pread``; the caller closes the descriptor. The same checks as
    ``read_limited``; a file that changes size later is the caller's to notice."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(kind(st.st_mode))
        if st.st_size > limit:
            raise TooLarge(st.st_size)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def write_atomic(path: Path, data: bytes, force: bool, create_folder: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    An existing file is kept unless ``force``; after any error no partial file is left.
    Without ``create_folder`` a missing folder is an error that says so (a mistyped ``-o``
    should not leave a new folder behind).
    """
    taken = "it already exists; use --force to replace it"
    if is_dir(path):
        raise FileWriteError(f"{path} is a folder; give a file name", "it is a folder")
    if exists(path) and not force:
        raise FileWriteError(f"{path} already exists; use --force to replace it", taken)
    folder = path.parent
    if not create_folder and not is_dir(folder):
        raise FileWriteError(
            f"the folder {folder} does not exist; create it first or give another -o",
            "the folder does not exist",
        )
    import tempfile  # here: reading (every run) needs none of it

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise FileWriteError(f"cannot write to {folder}: {e.strerror}", e.strerror) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            os.fchmod(f.fileno(), 0o666 & ~_umask())  # on the open file, never through a name
        if not force:
            # link() fails if the name appeared meanwhile: no race with another writer.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileWriteError(
                    f"{path} already exists; use --force to replace it", taken
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
