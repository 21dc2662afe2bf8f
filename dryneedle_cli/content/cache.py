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
from dryneedle_cli.model import KnowledgeBase, Later, Lazy, Sharded

_FORMAT = "5"

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
        # Decoded when first used: most runs look up one name and never ask where items came
        # from, and a clinic with 10,000 conditions makes these large.
        ("index", list[msgspec.Raw]),  # Sharded
        ("sources", msgspec.Raw),
        ("codes", msgspec.Raw),
        ("provenance", msgspec.Raw),
        ("warnings", list[str]),
    ],
    array_like=True,
)
_LATER = {
    "sources": dict[str, str],
    "codes": dict[str, list[str]],
    "provenance": dict[str, list[str]],
}


def _meta(own: os.stat_result, st: os.stat_result) -> str:
    """What identifies one version of a file or folder: any write, chmod, rename or retarget
    changes at least one of these (ctime changes on every write, chmod and utime, and cannot
    be set back by a user). ``own`` is the name's own (``lstat``), ``st`` what it leads to."""
    link = f":link {own.st_ino}:{own.st_ctime_ns}" if own.st_ino != st.st_ino else ""
    return f"{st.st_mode:o}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}{link}"


def _stat(path: str) -> str:
    try:
        return f"{path}:{_meta(os.lstat(path), os.stat(path))}"
    except OSError as e:
        return f"{path}:error {e.errno}"


def _folder(folder: str) -> list[str]:
    """The folder's name, then one line per name in it with its metadata, sorted.

    One ``lstat`` per name (``DirEntry.stat``); a second ``stat`` only for a symbolic link, to
    see what it leads to. For 10,000 clinic files this is most of a warm run's extra time, so
    the loop is kept flat.
    """
    lines = []
    try:
        with os.scandir(folder) as found:
            for e in found:
                try:
                    own = e.stat(follow_symlinks=False)
                    if e.is_symlink():
                        lines.append(f"{e.name}:{_meta(own, os.stat(e.path))}")
                        continue
                except OSError as err:
                    lines.append(f"{e.name}:error {err.errno}")
                    continue
                lines.append(
                    f"{e.name}:{own.st_mode:o}:{own.st_size}:{own.st_mtime_ns}:"
                    f"{own.st_ctime_ns}:{own.st_ino}"
                )
    except OSError as e:
        return [f"{folder}:error {e.errno}"]
    lines.sort()
    return [folder, *lines]


def fingerprint(found: list[Layer]) -> str:
    """Every layer folder, every name in it and in its knowledge folders, and every name's
    metadata: a folder or file that appears, goes, is rewritten or changes mode is seen."""
    parts = [_FORMAT, __version__]
    for name, root, _ in found:
        parts.append(f"layer {name} {_stat(str(root))}")
        top = _folder(str(root))
        parts += top
        names = {line.partition(":")[0] for line in top[1:]}
        parts += [line for sub in kinds.subfolders() if sub in names
                  for line in _folder(str(root / sub))]  # fmt: skip
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
                later = {n: Later(getattr(c, n), t) for n, t in _LATER.items()}
                index = Sharded(c.index, tuple[str, str])
                return KnowledgeBase(**content, **later, index=index, warnings=c.warnings)
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
        later = {n: msgspec.Raw(encode(getattr(kb, n))) for n in _LATER}
        index = [msgspec.Raw(encode(part)) for part in Sharded.split(kb.index)]
        cached = _Cached(
            fingerprint=key, **content, **later, index=index, warnings=list(kb.warnings)
        )
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
