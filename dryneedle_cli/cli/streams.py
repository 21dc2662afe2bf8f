"""Standard streams fit for one run, before any command (the fast path and Typer's alike)."""

import contextlib
import os
import sys

_closed: list = []  # one entry when the process started with stdout closed (`>&-`)


def stdout_closed() -> bool:
    """Whether the process started with stdout closed (``standard`` gave it a refusing one)."""
    return bool(_closed)


def standard() -> None:
    """Give a closed stdin an empty one, and a closed stdout one that refuses every write.

    Without this Python leaves ``sys.stdout`` as None (and the next file opened would take
    descriptor 1). Writing to it then fails like a full disk and is reported as exit 4.
    """
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives for the process
    if sys.stdout is None:
        _closed.append(True)
        sink = "/dev/full" if os.path.exists("/dev/full") else os.devnull
        fd = os.open(sink, os.O_WRONLY)
        if fd != 1:
            os.dup2(fd, 1)
            os.close(fd)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stderr is None:  # closed stderr: messages go nowhere, exit codes stay the same
        fd = os.open(os.devnull, os.O_WRONLY)
        if fd != 2:
            os.dup2(fd, 2)
            os.close(fd)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        # A terminal or locale that cannot show every character (PYTHONIOENCODING=ascii, LC_ALL=C
        # without UTF-8 mode) gets '?' for those, never a crash; JSON then escapes them itself.
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf_8") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")
    if sys.stdin is not None and hasattr(sys.stdin, "reconfigure"):
        # undecodable bytes in a query become U+FFFD: every record stays valid UTF-8
        with contextlib.suppress(ValueError, OSError):
            sys.stdin.reconfigure(errors="replace")
