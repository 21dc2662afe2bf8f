"""Writing a sheet: to a file through ``safeio.write_atomic`` (never a partial file, never
over an existing file without --force), or to stdout."""

from __future__ import annotations

import sys

from dryneedle_cli.safeio import write_atomic

__all__ = ["write_atomic", "write_stdout"]


def write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
