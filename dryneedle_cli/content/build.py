"""Layers of knowledge files -> one checked, merged knowledge base, and a list of problems.

Layers, lowest first: the built-in ``data/``, then the clinic's folders (see ``layers``).
Each kind of file merges by its rule in ``kinds.KINDS``: a file with the same id replaces the
lower one; ``references.yaml``, ``glossary.yaml`` and ``regions.yaml`` add or replace items by key;
``labels.yaml`` adds or replaces labels; a ``NAME.patch.yaml`` changes named fields of an item
that already exists:

    id: neck-pain
    set: {summary: ...}          # fields replaced
    add: {aliases: [crick]}      # items appended to list fields

Every problem is a ``ContentError`` (or ``ContentWarning``) with file, line, column and field.
In the built-in layer an error is fatal; in a clinic layer the broken file or item is left out
and the problem becomes a warning, so a consult never breaks on a clinic's typo. ``validate``
asks for every problem instead (``strict``). The checks that run after the merge are in
``checks``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from dryneedle_cli import safeio
from dryneedle_cli.content import kinds, walk
from dryneedle_cli.content.checks import Checks
from dryneedle_cli.content.index import build_index, code_index
from dryneedle_cli.content.kinds import BY_NAME, Kind, Merge
from dryneedle_cli.content.layers import Layer, inside, layer_files, stray_files
from dryneedle_cli.content.patch import Version, _Patch, apply_patch
from dryneedle_cli.content.stamp import source_hash
from dryneedle_cli.content.yamlfile import convert, error_at, parse, text_problem
from dryneedle_cli.errors import ContentError, ContentWarning
from dryneedle_cli.model import KnowledgeBase

__all__ = ["Builder", "Layer", "Result", "Version", "build", "build_dir", "source_hash"]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# (signature, kind, is a patch, msgpack of the file's model, hash of the English it holds)
Reused = tuple[str, str, bool, bytes, str]


def signature(path: Path) -> str | None:
    """What identifies one version of a file: mode, size, modification and change times and
    inode, of the name and of what a link leads to (any write changes the change time, which
    no user can set back). None if it cannot be seen."""
    try:
        own, st = os.lstat(path), os.stat(path)
    except OSError:
        return None
    return (
        f"{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:"
        f"{own.st_ino}:{own.st_ctime_ns}"
    )


@dataclass
class Result:
    kb: KnowledgeBase | None = None
    errors: list[ContentError] = field(default_factory=list)
    skipped: list[ContentError] = field(default_factory=list)  # clinic files or items left out
    warnings: list[ContentError] = field(default_factory=list)  # advice: they do not stop use
    # path -> (signature, kind, is a patch, msgpack of what the file converted to): what the
    # next build may reuse for a file whose signature has not changed (see ``cache``)
    files: dict[str, Reused] = field(default_factory=dict)
    # language -> the knowledge base in that language (``build(langs=...)``; see ``i18n``)
    translated: dict[str, KnowledgeBase] = field(default_factory=dict)
    # language -> item (``condition:neck-pain``) -> (why it is not in that language, the
    # English file whose change took it out): what ``validate`` sums up per language
    out: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)


class Builder(Checks):
    """Merge layers in order, then check the result. ``strict``: every problem is reported.

    Each item keeps a stack of versions, lowest layer first, in the id space of its kind
    (``kinds.Kind.space``). When a clinic's version is broken it is left out with a warning and
    the version below it is used again; the checks repeat until nothing more is left out (an
    item left out can break an item that links to it).
    """

    def __init__(
        self, layers: list[Layer], strict: bool = False, reuse: Mapping[str, Reused] | None = None
    ):
        self.layers, self.strict = layers, strict
        self.reuse = reuse or {}
        self.result = Result()
        self.stacks: dict[str, dict[str, list[Version]]] = {k.space: {} for k in kinds.KINDS}
        self.failed: set[int] = set()  # built-in versions already reported broken
        self.hashes: dict[str, str] = {}  # English file -> its ``source_hash``
        self._seen_warnings: set[str] = set()

    # --------------------------------------------------------------- problems

    def problem(self, layer: Layer | None, err: ContentError) -> None:
        """An error in the built-in layer (or anywhere when strict) counts; else a warning."""
        if layer is not None and not layer.builtin and not self.strict:
            detail = f"skipped: {err.detail}"
            self.result.skipped.append(
                ContentWarning(err.file, detail, err.line, err.field, err.column)
            )
        else:
            self.result.errors.append(err)
            self.result.errors.extend(err.also)

    def warn(self, err: ContentError) -> None:
        if str(err) in self._seen_warnings:
            return
        self._seen_warnings.add(str(err))
        self.result.warnings.append(
            ContentWarning(err.file, err.detail, err.line, err.field, err.column)
        )

    # --------------------------------------------------------------- current state

    def stacks_of(self, kind: Kind):
        """(id, stack) for every item of ``kind`` (kinds may share an id space)."""
        for ident, stack in self.stacks[kind.space].items():
            if stack and stack[-1].kind is kind:
                yield ident, stack

    def current(self, kind: Kind) -> dict[str, Any]:
        """Id -> the item as it stands now, for every item of ``kind``."""
        return {ident: stack[-1].doc for ident, stack in self.stacks_of(kind)}

    def top(self, kind: Kind) -> Version | None:
        """The current version of a kind with one item (a sheet, the labels)."""
        return next((stack[-1] for _, stack in self.stacks_of(kind)), None)

    @property
    def labels(self):
        top = self.top(BY_NAME["labels"])
        return top.doc if top else None

    # --------------------------------------------------------------- reading

    def read(self) -> None:
        for layer in self.layers:
            if layer.builtin:
                for kind in kinds.KINDS:
                    if kind.file and not (layer.root / kind.file).is_file():
                        self.result.errors.append(
                            ContentError(
                                str(layer.root / kind.file),
                                "file is missing; restore it or reinstall dryneedle",
                            )
                        )
            if not safeio.is_dir(layer.root):
                self.problem(layer, ContentError(str(layer.root), "content folder not found"))
                continue
            if not layer.builtin:
                for err in stray_files(layer.root):
                    self.problem(layer, err)
            patches = []
            try:
                home = layer.root.resolve()
            except (OSError, RuntimeError):
                home = None  # inside() then says why
            for path, kind, is_patch in layer_files(layer.root):
                try:
                    if not layer.builtin:
                        inside(layer.root, path, home)
                    doc = self.load(path, kind, is_patch)
                    if is_patch:
                        patches.append((path, kind, doc))
                        continue
                    self.add(layer, path, kind, doc)
                except ContentError as err:
                    self.problem(layer, err)
            for path, kind, patch in patches:
                try:
                    self.patch(layer, path, kind, patch)
                except ContentError as err:
                    self.problem(layer, err)

    def load(self, path: Path, kind: Kind, is_patch: bool, model: type | None = None):
        """The model object of one file: parsed and checked, or, when the file's signature is
        the one ``reuse`` gives, decoded from what the last build made of it. Patches are always
        parsed: their values are untyped, so msgpack would not give back a YAML date.

        ``model``: read the file as this instead (a translation: ``i18n``); an English file's
        ``source_hash`` is kept in ``hashes``."""
        english = model is None
        tag = kind.name if english else f"{kind.name}:{model.__name__}"
        model = model or (_Patch if is_patch else kind.model)
        sig = None if is_patch else signature(path)
        hit = self.reuse.get(str(path))
        if sig is not None and hit is not None and hit[:3] == (sig, tag, is_patch):
            with contextlib.suppress(msgspec.DecodeError, msgspec.ValidationError):
                doc = msgspec.msgpack.decode(hit[3], type=model)
                self.result.files[str(path)] = hit
                if english:
                    self.hashes[str(path)] = hit[4]
                return doc
        data = parse(path)
        if self.strict:  # validate: a control character is an error, and the file's other
            # problems (a stale translation, say) are still found and listed with it
            problem = text_problem(data)
            if problem is not None:
                self.result.errors.append(error_at(path, *problem))
        digest = source_hash(data) if english else ""
        doc = convert(path, data, model)
        if english:
            self.hashes[str(path)] = digest
            if not is_patch:
                _english(path, doc)
        if sig is not None:
            encoded = msgspec.msgpack.encode(doc)
            self.result.files[str(path)] = (sig, tag, is_patch, encoded, digest)
        return doc

    def add(self, layer: Layer, path: Path, kind: Kind, doc) -> None:
        """Put ``doc`` on top of its stack by the kind's merge rule; a ContentError (and no
        change) if it cannot be."""
        {
            Merge.REPLACE: self._replace,
            Merge.ITEMS: self._add_items,
            Merge.LABELS: self._lay_labels,
        }[kind.merge](layer, path, kind, doc)

    def _replace(self, layer: Layer, path: Path, kind: Kind, doc) -> None:
        """One file, one item: a higher layer's item with the same id replaces it."""
        if kind.folder is None:  # a single file: its item's id is the file's name
            if doc.id != path.stem:
                raise error_at(path, "$.id", f"id '{doc.id}' must be '{path.stem}' in this file")
        else:
            if not ID_RE.match(doc.id):
                raise error_at(
                    path, "$.id", f"id '{doc.id}' must be lowercase letters, digits and hyphens"
                )
            if doc.id != path.stem:
                raise error_at(
                    path,
                    "$.id",
                    f"id '{doc.id}' must match the file name '{path.stem}'; rename one",
                )
        stack = self.stacks[kind.space].get(doc.id, [])
        if stack and stack[-1].layer is layer:
            raise error_at(path, "$.id", f"id '{doc.id}' is already used by {stack[-1].path}")
        if stack and stack[-1].kind is not kind:
            was = stack[-1].kind
            raise error_at(
                path,
                "$.id",
                f"'{doc.id}' is a {was.name} in the {stack[-1].layer.name} layer; a {kind.name} "
                f"cannot replace it: put the file in {was.folder or was.file}/ or choose another "
                "id",
            )
        verb = "defined" if not stack else "replaced"
        self.stacks[kind.space].setdefault(doc.id, []).append(
            Version(layer, path, kind, doc, f"{verb} by {layer.name}: {path}")
        )

    def _add_items(self, layer: Layer, path: Path, kind: Kind, doc) -> None:
        """One file, a list of items: a higher layer adds items or replaces them by key."""
        items, key = getattr(doc, kind.items), kind.key
        seen = set()
        for i, item in enumerate(items):  # check them all before adding any
            ident = getattr(item, key)
            if not ID_RE.match(ident) or ident in seen:
                raise error_at(
                    path,
                    f"$.{kind.items}[{i}].{key}",
                    f"{key} '{ident}' is invalid or appears twice",
                )
            seen.add(ident)
        verb = "defined" if layer.builtin else "added or replaced"
        for i, item in enumerate(items):
            self.stacks[kind.space].setdefault(getattr(item, key), []).append(
                Version(
                    layer,
                    path,
                    kind,
                    item,
                    f"{kind.item_word} {verb} by {layer.name}: {path}",
                    at=f"$.{kind.items}[{i}]",
                )
            )

    def _lay_labels(self, layer: Layer, path: Path, kind: Kind, doc) -> None:
        """A higher layer's labels and defaults are laid over the ones below."""
        below, own = self.labels, doc
        if below is not None:
            doc = msgspec.structs.replace(
                below,
                overview_topic=doc.overview_topic or below.overview_topic,
                labels={**below.labels, **doc.labels},
                defaults={**below.defaults, **doc.defaults},
            )
        verb = "defined" if layer.builtin else "changed"
        self.stacks[kind.space].setdefault(kind.name, []).append(
            Version(layer, path, kind, doc, f"{verb} by {layer.name}: {path}", own=own)
        )

    def patch(self, layer: Layer, path: Path, kind: Kind, patch: _Patch) -> None:
        if not kind.patchable:
            can = [k.folder or k.name for k in kinds.KINDS if k.patchable]
            raise error_at(
                path,
                "$",
                f"patches work on {', '.join(can[:-1])} and {can[-1]}; edit this file's items "
                "instead",
            )
        stack = self.stacks[kind.space].get(patch.id)
        if stack and stack[-1].kind is not kind:
            stack = None
        if not stack:
            raise error_at(
                path, "$.id", f"nothing called '{patch.id}' to patch in the layers below"
            )
        doc, base = apply_patch(path, kind, stack[-1].doc, patch)
        version = Version(
            layer, path, kind, doc, f"patched by {layer.name}: {path}", patch=patch, base=base
        )
        _english(path, doc, version)
        stack.append(version)

    # --------------------------------------------------------------- the result

    def knowledge_base(self) -> KnowledgeBase:
        """The merged items as a KnowledgeBase, once the checks found no error."""
        topics, conditions = self.current(BY_NAME["topic"]), self.current(BY_NAME["condition"])
        glossary = self.current(BY_NAME["glossary"])
        index, clashes = build_index(topics, conditions, glossary)
        builtin = self.layers[0]
        for key, first, second in clashes:
            path = next(
                (
                    stack[-1].path
                    for kind in kinds.KINDS
                    if kind.pages
                    for ident, stack in self.stacks_of(kind)
                    if ident == second
                ),
                builtin.root,
            )
            self.warn(
                error_at(
                    path,
                    "$.aliases",
                    f"the name '{key}' is used by both '{first}' and '{second}'; '{first}' wins",
                )
            )
        content, sources, provenance = {}, {}, {}
        for kind in kinds.KINDS:
            items = self.current(kind)
            content[kind.kb] = next(iter(items.values())) if kind.one else items
            for ident, stack in self.stacks_of(kind):
                name = f"{kind.name}:{ident}" if kind.merge is Merge.ITEMS else ident
                provenance[name] = [v.note for v in stack]
                if kind.pages:
                    sources[ident] = str(stack[-1].path)
        return KnowledgeBase(
            **content,
            sources=sources,
            index=index,
            codes=code_index(conditions),
            warnings=[str(w) for w in self.result.skipped],
            provenance=provenance,
        )


def _english(path: Path, doc: Any, version: Version | None = None) -> None:
    """Every text given per language must have English, the fallback for the others."""
    for at, text in walk.translations(doc):
        if not isinstance(text.get("en"), str) or not text["en"].strip():
            where = (path, at) if version is None else version.where(at)
            raise error_at(
                *where,
                "this text has no English ('en'); add it, English is shown when a language "
                "is missing",
            )


def build(
    layers: list[Layer],
    strict: bool = False,
    reuse: Mapping[str, Reused] | None = None,
    langs: tuple[str, ...] = (),
) -> Result:
    """Read, merge and check ``layers`` (lowest first); ``reuse``: ``Result.files`` of an
    earlier build, so that files not changed since are not parsed again. ``langs``: also the
    knowledge base in each of these languages (``Result.translated``), from the layers'
    ``i18n/<lang>/`` translations."""
    builder = Builder(layers, strict, reuse)
    builder.read()
    if builder.check():
        builder.result.kb = builder.knowledge_base()
        if langs:
            from dryneedle_cli.content import i18n

            for lang in langs:
                kb = i18n.translate(builder, lang)
                if kb is not None:
                    builder.result.translated[lang] = kb
    return builder.result


def build_dir(root: Path) -> KnowledgeBase:
    """The knowledge base of one folder on its own, as the built-in layer (for tests and tools)."""
    result = build([Layer("built-in", root, builtin=True)])
    if result.errors:
        raise result.errors[0]
    return result.kb
