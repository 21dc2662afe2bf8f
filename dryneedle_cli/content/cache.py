"""Where knowledge files come from (the layers), and loading them through a cache.

Layers, lowest first: the built-in ``data/``; the site folder (platformdirs site config,
``content/``); the user folder (platformdirs user config, ``content/``); the folders in
``DRYNEEDLE_CONTENT_DIR`` (a path list, the first one highest); ``--content-dir`` (repeatable,
the first one highest). Same layout and schema in every layer.

The cache holds the merged, checked knowledge base (msgpack), each topic and condition as its
own blob that is decoded only when used, and the search index, with a fingerprint of every
file and folder of every layer (path, mode, size, modification and change times, inode, and
the names in each folder), plus the program version. A run compares the fingerprint exactly,
so the cache is never stale; only on a miss are PyYAML and the checks imported. A build that
skipped a clinic file is not cached, so its warnings are never replayed from the cache.
Writes go to a temporary file and are renamed into place, so two runs at
once never see half a cache.
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
    KnowledgeBase,
    Labels,
    Lazy,
    Reference,
    Region,
    Sheet,
    Term,
    Topic,
)

_FORMAT = "3"
_SINGLES = (
    "labels.yaml", "references.yaml", "glossary.yaml", "regions.yaml",
    "sheets/prepare.yaml", "sheets/aftercare.yaml",
)  # fmt: skip
_FOLDERS = ("topics", "conditions")


class _Cached(msgspec.Struct, array_like=True):
    fingerprint: str
    topics: dict[str, msgspec.Raw]
    conditions: dict[str, msgspec.Raw]
    prepare: Sheet
    aftercare: Sheet
    regions: dict[str, Region]
    glossary: dict[str, Term]
    references: dict[str, Reference]
    labels: Labels
    sources: dict[str, str]
    index: dict[str, tuple[str, str]]
    codes: dict[str, list[str]]
    warnings: list[str]
    provenance: dict[str, list[str]]


def layers(content_dirs: list[str] | None = None, absent: bool = False):
    """(name, folder, built-in?) for every active layer, lowest first.

    The site and user folders count only when they exist, unless ``absent``.
    """
    from dryneedle_cli import env

    found = [("built-in", env.data_dir(), True)]
    for name, folder in (("site", env.site_content_dir()), ("user", env.user_content_dir())):
        if folder is not None and (absent or folder.is_dir()):
            found.append((name, folder, False))
    env = [p for p in os.environ.get("DRYNEEDLE_CONTENT_DIR", "").split(os.pathsep) if p]
    found += [("DRYNEEDLE_CONTENT_DIR", Path(p), False) for p in reversed(env)]
    found += [("--content-dir", Path(p), False) for p in reversed(content_dirs or [])]
    return found


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


def fingerprint(found: list[tuple[str, Path, bool]]) -> str:
    """Every layer folder, every name in it and in its knowledge folders, and every file's
    metadata: a folder or file that appears, goes, is rewritten or changes mode is seen."""
    parts = [_FORMAT, __version__]
    for name, root, _ in found:
        parts.append(f"layer {name} {_stat(str(root))}")
        top = _listing(root)
        parts += top
        for sub in (*_FOLDERS, "sheets"):
            if str(root / sub) in top:
                parts += [_stat(f) for f in _listing(root / sub)]
        parts += [_stat(f) for f in top if f.endswith((".yaml", ".yml"))]
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
                return KnowledgeBase(
                    topics=Lazy(c.topics, Topic),
                    conditions=Lazy(c.conditions, Condition),
                    prepare=c.prepare,
                    aftercare=c.aftercare,
                    regions=c.regions,
                    glossary=c.glossary,
                    references=c.references,
                    labels=c.labels,
                    sources=c.sources,
                    index=c.index,
                    codes=c.codes,
                    warnings=c.warnings,
                    provenance=c.provenance,
                )
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            pass
    from dryneedle_cli.content.build import Layer, build

    result = build([Layer(name, root, builtin) for name, root, builtin in found])
    if result.errors:
        raise result.errors[0]
    kb = result.kb
    # Not cached while a clinic file is skipped: the warning is then worked out afresh on every
    # run, so it goes away the moment its cause does (a chmod, a folder that appears).
    if path is not None and not kb.warnings:
        encode = msgspec.msgpack.encode
        cached = _Cached(
            fingerprint=key,
            topics={k: msgspec.Raw(encode(v)) for k, v in kb.topics.items()},
            conditions={k: msgspec.Raw(encode(v)) for k, v in kb.conditions.items()},
            prepare=kb.prepare,
            aftercare=kb.aftercare,
            regions=kb.regions,
            glossary=kb.glossary,
            references=kb.references,
            labels=kb.labels,
            sources=kb.sources,
            index=kb.index,
            codes=kb.codes,
            warnings=list(kb.warnings),
            provenance=kb.provenance,
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
