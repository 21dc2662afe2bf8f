"""Loading the knowledge base of the active layers through a cache.

The cache holds the merged, checked knowledge base (msgpack), each topic and condition as its
own blob that is decoded only when used, and the search index, with a fingerprint of every
file and folder of every layer (path, mode, size, modification and change times, inode, and
the names in each folder), plus the program version. A run compares the fingerprint exactly,
so the cache is never stale; only on a miss are PyYAML and the checks imported. A build that
skipped a clinic file is not cached, so its warnings are never replayed from the cache.
Writes go to a temporary file made safely in the cache folder (``safeio.write_atomic``: a
new file with an unpredictable name, never through a planted link) and are renamed into place,
so two runs at once never see half a cache and nothing outside the cache folder is written.
The file checks its own integrity: a checksum of its header and one of its body, compared on
every open; a cache that does not match, or cannot be read for any reason, is rebuilt
silently, so a damaged cache is never the reason a command fails or shows wrong text.
What is cached, and which folders are listed, follows
``kinds.KINDS``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import struct
import zlib
from pathlib import Path

import msgspec

from dryneedle_cli import __version__
from dryneedle_cli.content import kinds
from dryneedle_cli.content.layers import Layer, discover
from dryneedle_cli.errors import ContentError
from dryneedle_cli.model import KnowledgeBase, Later, Lazy, Sharded

_FORMAT = "9"

# cli.py calls ``store.layers``; the CLI half of issue 11 should call ``layers.discover``.
layers = discover

# The file: 16 bytes (the header's length, the CRC-32 of the header and that of the body,
# little-endian), the header (``_Cached``), the body.
# What most runs never need stays in the body as (offset, length) spans read on first use: the
# items of item folders (in shards: one topic costs one shard), the search index (in shards),
# where each item came from. A run with 10,000 clinic conditions then reads about a tenth of
# the file, instead of all of it.
Span = tuple[int, int]


def _cached_type(kind: kinds.Kind):
    if kind.folder:
        return list[Span]  # Sharded shards of id -> msgpack of one item
    if kind.merge is kinds.Merge.ITEMS:
        return dict[str, kind.item]
    return kind.model


_Cached = msgspec.defstruct(
    "_Cached",
    [
        ("fingerprint", str),
        ("body", int),  # the body's length: a file of any other length is not used
        *[(k.kb, _cached_type(k)) for k in kinds.KINDS],
        ("index", list[Span]),  # Sharded
        ("sources", Span),
        ("codes", Span),
        ("provenance", Span),
        ("files", Span),  # what a rebuild may reuse: build.Result.files
        ("warnings", list[str]),
        ("lang", str),
        ("untranslated", dict[str, str]),
        ("trail", Span),
    ],
    array_like=True,
)
_LATER = {
    "sources": dict[str, str],
    "codes": dict[str, list[str]],
    "provenance": dict[str, list[str]],
    "trail": list[dict[str, str | None]],
}


class _Body:
    """The open cache file's body, read a span at a time (``os.pread``)."""

    def __init__(self, path: Path, fd: int, start: int):
        self.path, self.fd, self.start = path, fd, start

    def read(self, span: Span) -> bytes:
        offset, length = span
        data = os.pread(self.fd, length, self.start + offset)
        if len(data) != length:
            raise ContentError(str(self.path), "the cache changed while in use; run again")
        return data

    def __del__(self):
        with contextlib.suppress(OSError):
            os.close(self.fd)


_Files = dict[str, tuple[str, str, bool, bytes, str]]


def _open(path: Path, key: str) -> tuple[KnowledgeBase | None, _Files]:
    """(the knowledge base in the cache file at ``path`` if its fingerprint is ``key``, else
    None; what a rebuild may reuse of it)."""
    from dryneedle_cli.safeio import open_limited

    fd, size = open_limited(path, MAX_CACHE_BYTES)
    body = _Body(path, fd, 0)  # closes the file when the last lazy mapping is gone
    length, header_crc, body_crc = _PREFIX.unpack(os.pread(fd, _PREFIX.size, 0))
    if length > size - _PREFIX.size:
        return None, {}
    header = os.pread(fd, length, _PREFIX.size)
    if zlib.crc32(header) != header_crc:
        return None, {}
    c = msgspec.msgpack.decode(header, type=_Cached)
    if size != _PREFIX.size + length + c.body:
        return None, {}
    body.start = _PREFIX.size + length
    if _crc_of(fd, body.start, c.body) != body_crc:
        return None, {}  # damaged on disk: rebuilt, and nothing of it reused
    if c.fingerprint != key:
        return None, msgspec.msgpack.decode(body.read(c.files), type=_Files)
    content = {k.kb: getattr(c, k.kb) for k in kinds.KINDS}
    for k in kinds.item_folders():
        spans = content[k.kb]
        content[k.kb] = Lazy(Sharded(lambda i, s=spans: body.read(s[i]), len(spans)), k.model)
    later = {n: Later(functools.partial(body.read, getattr(c, n)), t) for n, t in _LATER.items()}
    index = Sharded(lambda i: body.read(c.index[i]), len(c.index), tuple[str, str])
    return KnowledgeBase(
        **content,
        **later,
        index=index,
        warnings=c.warnings,
        lang=c.lang,
        untranslated=c.untranslated,
    ), {}


def _file(kb: KnowledgeBase, key: str, files: _Files) -> bytes:
    """The cache file's bytes for ``kb``."""
    encode = msgspec.msgpack.encode
    body = bytearray()

    def put(data: bytes) -> Span:
        body.extend(data)
        return (len(body) - len(data), len(data))

    content = {k.kb: getattr(kb, k.kb) for k in kinds.KINDS}
    for k in kinds.item_folders():
        items = {i: msgspec.Raw(encode(v)) for i, v in content[k.kb].items()}
        content[k.kb] = [put(encode(part)) for part in Sharded.split(items)]
    index = [put(encode(part)) for part in Sharded.split(kb.index)]
    later = {n: put(encode(getattr(kb, n))) for n in _LATER}
    reuse = put(encode(files))
    header = encode(
        _Cached(
            fingerprint=key,
            body=len(body),
            **content,
            index=index,
            **later,
            files=reuse,
            warnings=list(kb.warnings),
            lang=kb.lang,
            untranslated=dict(kb.untranslated),
        )
    )
    return _PREFIX.pack(len(header), zlib.crc32(header), zlib.crc32(body)) + header + bytes(body)


_PREFIX = struct.Struct("<QII")


def _crc_of(fd: int, start: int, length: int) -> int:
    """The CRC-32 of ``length`` bytes of the open file from ``start``, a MiB at a time."""
    crc, done = 0, 0
    while done < length:
        chunk = os.pread(fd, min(1 << 20, length - done), start + done)
        if not chunk:
            return -1
        crc = zlib.crc32(chunk, crc)
        done += len(chunk)
    return crc


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


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NONBLOCK", 0)


def _folder(folder: str) -> list[str]:
    """The folder's name, then one line per name in it with its metadata.

    One ``lstat`` per name, relative to the open folder (no path walk per file); a second
    ``stat`` only for a symbolic link, to see what it leads to. For 10,000 clinic files this is
    most of a warm run's extra time, so the loop is kept flat.
    """
    if os.stat not in os.supports_dir_fd:  # not Linux or macOS: by path
        try:
            names = os.listdir(folder)
        except OSError as e:
            return [f"{folder}:error {e.errno}"]
        return [folder, *sorted(f"{n}:{_stat(os.path.join(folder, n))}" for n in names)]
    try:
        fd = os.open(folder, _DIR_FLAGS)
    except OSError as e:
        return [f"{folder}:error {e.errno}"]
    lines: list[str] = []
    add, lstat = lines.append, os.stat
    try:
        for n in os.listdir(fd):
            try:
                o = lstat(n, dir_fd=fd, follow_symlinks=False)
                if stat.S_ISLNK(o.st_mode):
                    add(f"{n}:{_meta(o, os.stat(n, dir_fd=fd))}")
                else:
                    add(f"{n}:{o.st_mode}:{o.st_size}:{o.st_mtime_ns}:{o.st_ctime_ns}:{o.st_ino}")
            except OSError as err:
                add(f"{n}:error {err.errno}")
    except OSError as e:
        return [f"{folder}:error {e.errno}"]
    finally:
        os.close(fd)
    # Not sorted: the order the folder gives is the same until the folder changes, and a new
    # order costs only a rebuild, never a stale cache (sorting 10,000 lines costs ~3 ms a run).
    return [folder, *lines]


def fingerprint(found: list[Layer], lang: str = "en") -> str:
    """Every layer folder, every name in it and in its knowledge folders, and every name's
    metadata: a folder or file that appears, goes, is rewritten or changes mode is seen.
    For another language, the same of each layer's ``i18n/<lang>/`` too."""
    parts = [_FORMAT, __version__, lang]
    for name, root, _ in found:
        parts.append(f"layer {name} {_stat(str(root))}")
        parts += _tree(root)
        if lang != "en":
            parts += _folder(str(root / kinds.I18N))
            parts += _tree(root / kinds.I18N / lang)
    return "\n".join(parts)


def _tree(root: Path) -> list[str]:
    """A layer folder's lines and those of its knowledge folders."""
    top = _folder(str(root))
    names = {line.partition(":")[0] for line in top[1:]}
    return top + [line for sub in kinds.subfolders() if sub in names
                  for line in _folder(str(root / sub))]  # fmt: skip


# A cache is a few MB even for a clinic with 100,000 files; anything larger is not ours.
MAX_CACHE_BYTES = 256 * 1024 * 1024


def load(
    content_dirs: list[str] | None = None, cache: Path | None = None, lang: str = "en"
) -> KnowledgeBase:
    """The merged knowledge base of every active layer in ``lang``; from ``cache`` when it is
    current (one cache file per language: only the language asked for is built and read).

    A ContentError if the built-in files are broken (for another language: or its built-in
    translations); problems in a clinic's files are left out and listed in ``kb.warnings``.
    """
    found = layers(content_dirs)
    key = fingerprint(found, lang) if cache is not None else ""
    path = None
    if cache is not None:
        crc = zlib.crc32(str([str(r) for _, r, _ in found]).encode())
        path = cache / (f"kb-{crc:08x}.msgpack" if lang == "en" else f"kb-{crc:08x}-{lang}.msgpack")
    reuse: _Files = {}
    if cache is not None:
        try:
            kb, reuse = _open(path, key)
            if kb is not None:
                return kb
        except Exception:  # noqa: BLE001 - a cache that cannot be read is rebuilt, whatever went wrong
            kb, reuse = None, {}
    from dryneedle_cli.content.build import build

    result = build(found, reuse=reuse, langs=(lang,) if lang != "en" else ())
    if result.errors:
        raise result.errors[0]
    kb = result.kb if lang == "en" else result.translated[lang]
    # Not cached while a clinic file is skipped: the warning is then worked out afresh on every
    # run, so it goes away the moment its cause does (a chmod, a folder that appears).
    if path is not None and not kb.warnings:
        _write_atomic(path, _file(kb, key, result.files))
    return kb


def _write_atomic(path: Path, data: bytes) -> None:
    """Best effort: a cache that cannot be written is simply not used. The same safe write as
    a sheet's (``safeio.write_atomic``): an exclusive temporary file with a random name in the
    cache folder, renamed over the old cache."""
    from dryneedle_cli.errors import FileWriteError
    from dryneedle_cli.safeio import write_atomic

    with contextlib.suppress(FileWriteError, OSError):
        write_atomic(path, data, force=True)
