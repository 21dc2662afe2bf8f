"""Reading a file that someone else may have made hostile: regular files only, and bounded.

The file is opened without blocking (a FIFO cannot hang the open), checked with ``fstat`` on
the open descriptor (so a swap between a check and the open changes nothing), refused unless
it is a regular file, and read up to ``limit + 1`` bytes, so a wrong ``st_size`` (``/proc``,
a file still growing) cannot make the read unbounded.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


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
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(kind(st.st_mode))
        if st.st_size > limit:
            raise TooLarge(st.st_size)
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
