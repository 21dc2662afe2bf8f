"""Which files make a knowledge base, and loading them through a cache that cannot go stale.

The cache holds the validated model (msgpack) together with a fingerprint of every file: its
path, size, modification time and inode, plus the program version. A run compares the
fingerprint exactly; any change to any file means a miss, and only then are PyYAML and the
validator (``loader``) imported. Writes go to a temporary file and are renamed into place, so
two runs at once never see half a cache.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from pathlib import Path

import msgspec

from dryneedle_cli import __version__
from dryneedle_cli.model import (
    Condition,
    Glossary,
    KnowledgeBase,
    Labels,
    References,
    Regions,
    Sheet,
    Topic,
)

SINGLE_FILES: dict[str, type] = {
    "labels.yaml": Labels,
    "references.yaml": References,
    "glossary.yaml": Glossary,
    "regions.yaml": Regions,
    "sheets/prepare.yaml": Sheet,
    "sheets/aftercare.yaml": Sheet,
}
FOLDERS: dict[str, type] = {"topics": Topic, "conditions": Condition}
_FORMAT = "2"


class _Cached(msgspec.Struct, array_like=True):
    fingerprint: str
    kb: KnowledgeBase


def content_files(root: Path) -> list[Path]:
    """Every knowledge file under ``root`` in a stable order."""
    files = [root / name for name in SINGLE_FILES]
    for folder in FOLDERS:
        d = root / folder
        if d.is_dir():
            files.extend(sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


def fingerprint(files: list[Path]) -> str:
    parts = [_FORMAT, __version__]
    for f in files:
        try:
            st = f.stat()
            parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}")
        except OSError:
            parts.append(f"{f}:missing")
    return "\n".join(parts)


def load(root: Path, cache: Path | None = None) -> KnowledgeBase:
    """The validated knowledge base in ``root``, from ``cache`` when it is current."""
    files = content_files(root)
    if cache is None:
        from dryneedle_cli.loader import build

        return build(root, files)
    key = fingerprint(files)
    path = cache / f"kb-{zlib.crc32(str(root.resolve()).encode()):08x}.msgpack"
    try:
        cached = msgspec.msgpack.decode(path.read_bytes(), type=_Cached)
        if cached.fingerprint == key:
            return cached.kb
    except (OSError, msgspec.DecodeError):
        pass
    from dryneedle_cli.loader import build

    kb = build(root, files)
    _write_atomic(path, msgspec.msgpack.encode(_Cached(key, kb)))
    return kb


def _write_atomic(path: Path, data: bytes) -> None:
    """Best effort: a cache that cannot be written is simply not used."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
