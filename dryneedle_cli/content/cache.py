"""Loading the knowledge base of the active layers through a cache.

The cache holds the merged, checked knowledge base (msgpack), each topic and condition as its
own blob that is decoded only when used, and the search index, with a fingerprint of every
file and folder of every layer (path, mode, size, modification and change times, inode, and
the names in each folder), plus the program version. A run compares the fingerprint exactly,
so the cache is never stale; only on a miss are PyYAML and the checks imported. A build that
skipped a clinic file is not cached, so its warnings are never replayed from the cache.
Writes go to a temporary file and are renamed into place, so two runs at
once never see half a cache. What is cached, and which folders are listed, follows
``kinds.KINDS``.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from pathlib import Path

import msgspec

from dryneedle_cli import __version__
from dryneedle_cli.content import kinds
from dryneedle_cli.content.layers import Layer, discover
from dryneedle_cli.model import KnowledgeBase, Lazy

_FORMAT = "4"

# cli.py calls ``store.layers``; the CLI half of issue 11 should call ``layers.discover``.
layers = discover


def _cached_type(kind: kinds.Kind):
    """How one kind is stored: items of a folder as raw blobs, decoded when first used."""
    if kind.folder:
        return dict[str, msgspec.Raw]
    if kind.merge is kinds.Merge.ITEMS:
        return dict[str, kind.item]
    return kind.model


_Cached = msgspec.defstruct(
    "_Cached",
    [
        ("fingerprint", str),
        *[(k.kb, _cached_type(k)) for k in kinds.KINDS],
        ("sources", dict[str, str]),
        ("index", dict[str, tuple[str, str]]),
        ("codes", dict[str, list[str]]),
        ("warnings", list[str]),
        ("provenance", dict[str, list[str]]),
    ],
    array_like=True,
)
_EXTRA = ("sources", "index", "codes", "warnings", "provenance")


def _stat(path: str) -> str:
    """What identifies one version of a file or folder: any write, chmod, rename or retarget
    changes at least one of these (ctime changes on every write, chmod and utime, and cannot
    be set back by a user)."""
    try:
        st = os.stat(path)
        own = os.lstat(path)
    except OSError as e:
        return f"{path}:error {e.errno}"
    link = f":link {own.st_ino}:{own.st_ctime_ns}" if own.st_ino != st.st_ino else ""
    return f"{path}:{st.st_mode:o}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}{link}"


def _listing(folder: Path) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(e.path for e in entries)
    except OSError as e:
        return [f"{folder}:error {e.errno}"]


def fingerprint(found: list[Layer]) -> str:
    """Every layer folder, every name in it and in its knowledge folders, and every file's
    metadata: a folder or file that appears, goes, is rewritten or changes mode is seen."""
    parts = [_FORMAT, __version__]
    for name, root, _ in found:
        parts.append(f"layer {name} {_stat(str(root))}")
        top = _listing(root)
        parts += top
        for sub in kinds.subfolders():
            if str(root / sub) in top:
                parts += [_stat(f) for f in _listing(root / sub)]
        parts += [_stat(f) for f in top if f.endswith(kinds.YAML_SUFFIXES)]
    return "\n".join(parts)


# A cache is a few MB even for a clinic with 100,000 files; anything larger is not ours.
MAX_CACHE_BYTES = 256 * 1024 * 1024


def load(content_dirs: list[str] | None = None, cache: Path | None = None) -> KnowledgeBase:
    """The merged knowledge base of every active layer; from ``cache`` when it is current.

    A ContentError if the built-in files are broken; problems in a clinic's files are left out
    and listed in ``kb.warnings``.
    """
    found = layers(content_dirs)
    key = fingerprint(found) if cache is not None else ""
    path = None
    if cache is not None:
        path = cache / f"kb-{zlib.crc32(str([str(r) for _, r, _ in found]).encode()):08x}.msgpack"
        try:
            from dryneedle_cli.safeio import read_limited

            c = msgspec.msgpack.decode(read_limited(path, MAX_CACHE_BYTES), type=_Cached)
            if c.fingerprint == key:
                content = {k.kb: getattr(c, k.kb) for k in kinds.KINDS}
                for k in kinds.item_folders():
                    content[k.kb] = Lazy(content[k.kb], k.model)
                return KnowledgeBase(**content, **{n: getattr(c, n) for n in _EXTRA})
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            pass
    from dryneedle_cli.content.build import build

    result = build(found)
    if result.errors:
        raise result.errors[0]
    kb = result.kb
    # Not cached while a clinic file is skipped: the warning is then worked out afresh on every
    # run, so it goes away the moment its cause does (a chmod, a folder that appears).
    if path is not None and not kb.warnings:
        encode = msgspec.msgpack.encode
        content = {k.kb: getattr(kb, k.kb) for k in kinds.KINDS}
        for k in kinds.item_folders():
            content[k.kb] = {i: msgspec.Raw(encode(v)) for i, v in content[k.kb].items()}
        extra = {n: getattr(kb, n) for n in _EXTRA}
        cached = _Cached(fingerprint=key, **content, **{**extra, "warnings": list(kb.warnings)})
        _write_atomic(path, encode(cached))
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
