"""Layers of knowledge files -> one checked, merged knowledge base, and a list of problems.

Layers, lowest first: the built-in ``data/``, then the clinic's folders (see ``store``). In each
layer a file with the same id replaces the lower one; ``references.yaml``, ``glossary.yaml``
and ``regions.yaml`` add or replace items by key; ``labels.yaml`` adds or replaces labels; a
``NAME.patch.yaml`` changes named fields of an item that already exists:

    id: neck-pain
    set: {summary: ...}          # fields replaced
    add: {aliases: [crick]}      # items appended to list fields

Every problem is a ``ContentError`` (or ``ContentWarning``) with file, line, column and field.
In the built-in layer an error is fatal; in a clinic layer the broken file or item is left out
and the problem becomes a warning, so a consult never breaks on a clinic's typo. ``validate``
asks for every problem instead (``strict``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from dryneedle_cli.content.yamlfile import convert, error_at, parse
from dryneedle_cli.errors import ContentError, ContentWarning
from dryneedle_cli.model import (
    Block,
    Condition,
    Glossary,
    Item,
    KnowledgeBase,
    Labels,
    References,
    Regions,
    Sheet,
    Topic,
)
from dryneedle_cli.query.search import build_index, code_index

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
STALE_AFTER = dt.timedelta(days=730)
SINGLE_FILES: dict[str, type] = {
    "labels.yaml": Labels,
    "references.yaml": References,
    "glossary.yaml": Glossary,
    "regions.yaml": Regions,
    "sheets/prepare.yaml": Sheet,
    "sheets/aftercare.yaml": Sheet,
}
FOLDERS: dict[str, type] = {"topics": Topic, "conditions": Condition}
# Labels the program asks for; the built-in labels.yaml must define each one.
REQUIRED_LABELS = (
    "also_called", "clinical_name", "icd10", "icd10_cm", "region", "description",
    "how_it_may_help", "risks",
    "evidence", "evidence_strength", "strength_moderate", "strength_low", "strength_very-low",
    "strength_limited", "strength_conflicting", "sources", "references", "area_notes_prepare",
    "area_notes_aftercare", "areas", "related", "reviewed", "conditions", "references_title",
    "references_summary", "patient", "date", "clinician", "next_visit", "front", "back",
    "outline", "no_areas", "areas_planned", "outline_planned", "questions", "questions_phone",
    "emergency", "rules_out",
)  # fmt: skip


@dataclass(frozen=True)
class Layer:
    name: str  # "built-in", "site", "user", "DRYNEEDLE_CONTENT_DIR", "--content-dir"
    root: Path
    builtin: bool = False


def layer_files(root: Path) -> list[Path]:
    """Every knowledge file in a layer folder, in a stable order (patches after their kind).

    A known name counts whatever it is (a FIFO, a link to a device, a folder): reading it then
    fails with a message, instead of the name being passed over in silence.
    """
    files = [root / name for name in SINGLE_FILES if os.path.lexists(root / name)]
    for name in SINGLE_FILES:
        patch = root / name.replace(".yaml", ".patch.yaml")
        if os.path.lexists(patch):
            files.append(patch)
    for folder in FOLDERS:
        d = root / folder
        if d.is_dir():
            with contextlib.suppress(OSError):
                files.extend(sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


def stray_files(root: Path) -> list[ContentError]:
    """A problem for each name in a clinic folder that the loader would not read: a YAML file
    or a folder it does not know (``condition/``), a file in a knowledge folder that is not
    ``.yaml``. Hidden names (``.git``) are left alone."""
    known_top = set(SINGLE_FILES) | {n.replace(".yaml", ".patch.yaml") for n in SINGLE_FILES}
    known_top = {n for n in known_top if "/" not in n} | {*FOLDERS, "sheets"}
    known_sheets = {n.split("/", 1)[1] for n in known_top | set(SINGLE_FILES) if "/" in n}
    known_sheets |= {n.replace(".yaml", ".patch.yaml") for n in known_sheets}
    problems = []

    def listing(folder: Path):
        try:
            return sorted(e for e in folder.iterdir() if not e.name.startswith("."))
        except OSError:
            return []

    for entry in listing(root):
        if entry.name in known_top:
            continue
        if entry.is_dir():
            problems.append(ContentError(
                str(entry), "is not a folder dryneedle reads; knowledge files go in "
                f"{', '.join(f'{f}/' for f in (*FOLDERS, 'sheets'))}; rename or move it",
            ))  # fmt: skip
        elif entry.suffix in (".yaml", ".yml"):
            problems.append(ContentError(
                str(entry), "is not a file dryneedle reads; name it like a built-in file "
                "(labels.yaml, references.yaml ...) or move it into topics/ or conditions/",
            ))  # fmt: skip
    for folder in (*FOLDERS, "sheets"):
        for entry in listing(root / folder) if (root / folder).is_dir() else ():
            if folder == "sheets" and entry.name not in known_sheets:
                problems.append(ContentError(
                    str(entry), "is not a sheet dryneedle reads; use prepare.yaml, "
                    "aftercare.yaml or their .patch.yaml",
                ))  # fmt: skip
            elif folder != "sheets" and entry.suffix not in (".yaml", ".yml"):
                problems.append(ContentError(
                    str(entry), "is not read: only .yaml files are knowledge files"
                ))  # fmt: skip
    return problems


def kind_of(root: Path, path: Path) -> tuple[type | None, bool]:
    """(model type, is a patch) for a file in a layer folder; (None, False) if not knowledge."""
    rel = path.relative_to(root).as_posix()
    patch = rel.endswith((".patch.yaml", ".patch.yml"))
    base = re.sub(r"\.patch\.ya?ml$", ".yaml", rel)
    if base in SINGLE_FILES:
        return SINGLE_FILES[base], patch
    folder = rel.split("/", 1)[0] if "/" in rel else ""
    return FOLDERS.get(folder), patch


class _Patch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: str
    set: dict[str, Any] = {}
    add: dict[str, list[Any]] = {}


@dataclass
class Result:
    kb: KnowledgeBase | None = None
    errors: list[ContentError] = field(default_factory=list)
    skipped: list[ContentError] = field(default_factory=list)  # clinic files or items left out
    warnings: list[ContentError] = field(default_factory=list)  # advice: they do not stop use


@dataclass
class Version:
    """One layer's version of an item: the file it came from, and what happened there."""

    layer: Layer
    path: Path
    doc: Any
    note: str
    patch: _Patch | None = None  # set when this version is a patch of the one below
    base: dict | None = None  # the item below, as plain data, for locating patch errors


class Builder:
    """Merge layers in order, then check the result. ``strict``: every problem is reported.

    Each item keeps a stack of versions, lowest layer first. When a clinic's version is broken
    it is left out with a warning and the version below it is used again; the checks repeat
    until nothing more is left out (an item left out can break an item that links to it).
    """

    def __init__(self, layers: list[Layer], strict: bool = False):
        self.layers, self.strict = layers, strict
        self.result = Result()
        self.docs: dict[str, list[Version]] = {}  # topics and conditions share ids
        self.sheets_v: dict[str, list[Version]] = {}
        self.items: dict[str, list[Version]] = {}  # "References:key" ...
        self.labels_v: list[Version] = []
        self.failed: set[int] = set()  # built-in versions already reported broken
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

    def warn(self, err: ContentError) -> None:
        if str(err) in self._seen_warnings:
            return
        self._seen_warnings.add(str(err))
        self.result.warnings.append(
            ContentWarning(err.file, err.detail, err.line, err.field, err.column)
        )

    # --------------------------------------------------------------- current state

    @property
    def topics(self) -> dict[str, Topic]:
        return {i: v[-1].doc for i, v in self.docs.items() if isinstance(v[-1].doc, Topic)}

    @property
    def conditions(self) -> dict[str, Condition]:
        return {i: v[-1].doc for i, v in self.docs.items() if isinstance(v[-1].doc, Condition)}

    def _store(self, kind: type) -> dict[str, Any]:
        prefix = f"{kind.__name__}:"
        return {k[len(prefix) :]: v[-1].doc for k, v in self.items.items() if k.startswith(prefix)}

    @property
    def labels(self) -> Labels | None:
        return self.labels_v[-1].doc if self.labels_v else None

    # --------------------------------------------------------------- reading

    def read(self) -> None:
        for layer in self.layers:
            if layer.builtin:
                for name in SINGLE_FILES:
                    if not (layer.root / name).is_file():
                        self.result.errors.append(
                            ContentError(
                                str(layer.root / name),
                                "file is missing; restore it or reinstall dryneedle",
                            )
                        )
            if not layer.root.is_dir():
                self.problem(layer, ContentError(str(layer.root), "content folder not found"))
                continue
            if not layer.builtin:
                for err in stray_files(layer.root):
                    self.problem(layer, err)
            patches = []
            for path in layer_files(layer.root):
                kind, is_patch = kind_of(layer.root, path)
                if kind is None:
                    continue
                try:
                    if not layer.builtin:
                        _inside(layer.root, path)
                    data = parse(path)
                    if is_patch:
                        patches.append((path, kind, convert(path, data, _Patch)))
                        continue
                    doc = convert(path, data, kind)
                    _english(path, doc)
                    self.add(layer, path, kind, doc)
                except ContentError as err:
                    self.problem(layer, err)
            for path, kind, patch in patches:
                try:
                    self.patch(layer, path, kind, patch)
                except ContentError as err:
                    self.problem(layer, err)

    def add(self, layer: Layer, path: Path, kind: type, doc) -> None:
        """Put ``doc`` on top of its stack; a ContentError (and no change) if it cannot be."""
        verb = "defined" if layer.builtin else "replaced"
        if kind in (Topic, Condition):
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
            stack = self.docs.get(doc.id, [])
            if stack and stack[-1].layer is layer:
                raise error_at(path, "$.id", f"id '{doc.id}' is already used by {stack[-1].path}")
            if stack and type(stack[-1].doc) is not kind:
                was = type(stack[-1].doc).__name__.lower()
                raise error_at(
                    path,
                    "$.id",
                    f"'{doc.id}' is a {was} in the {stack[-1].layer.name} layer; a "
                    f"{kind.__name__.lower()} "
                    f"cannot replace it: put the file in {was}s/ or choose another id",
                )
            self.docs.setdefault(doc.id, []).append(
                Version(
                    layer,
                    path,
                    doc,
                    f"{'defined' if not stack else 'replaced'} by {layer.name}: {path}",
                )  # fmt: skip
            )
        elif kind is Sheet:
            if doc.id != path.stem:
                raise error_at(path, "$.id", f"id '{doc.id}' must be '{path.stem}' in this file")
            self.sheets_v.setdefault(path.stem, []).append(
                Version(layer, path, doc, f"{verb} by {layer.name}: {path}")
            )
        elif kind is Labels:
            if self.labels is not None:
                doc = msgspec.structs.replace(
                    self.labels,
                    overview_topic=doc.overview_topic,
                    labels={**self.labels.labels, **doc.labels},
                    defaults={**self.labels.defaults, **doc.defaults},
                )
            what = "defined" if layer.builtin else "changed"
            self.labels_v.append(Version(layer, path, doc, f"{what} by {layer.name}: {path}"))
        else:
            items, key = {
                References: (getattr(doc, "items", ()), "key"),
                Glossary: (getattr(doc, "terms", ()), "id"),
                Regions: (getattr(doc, "regions", ()), "id"),
            }[kind]
            seen = set()
            for i, item in enumerate(items):  # check them all before adding any
                ident = getattr(item, key)
                if not ID_RE.match(ident) or ident in seen:
                    raise error_at(
                        path,
                        f"$.{_list_field(kind)}[{i}].{key}",
                        f"{key} '{ident}' is invalid or appears twice",
                    )
                seen.add(ident)
            what = {References: "reference", Glossary: "glossary term", Regions: "region"}[kind]
            verb = "defined" if layer.builtin else "added or replaced"
            for item in items:
                self.items.setdefault(f"{kind.__name__}:{getattr(item, key)}", []).append(
                    Version(layer, path, item, f"{what} {verb} by {layer.name}: {path}")
                )

    def patch(self, layer: Layer, path: Path, kind: type, patch: _Patch) -> None:
        if kind in (Topic, Condition):
            stack = self.docs.get(patch.id)
            if stack and not isinstance(stack[-1].doc, kind):
                stack = None
        elif kind is Sheet:
            stack = self.sheets_v.get(patch.id)
        else:
            raise error_at(
                path,
                "$",
                "patches work on topics, conditions and sheets; edit this file's items instead",
            )
        if not stack:
            raise error_at(
                path, "$.id", f"nothing called '{patch.id}' to patch in the layers below"
            )
        base = msgspec.to_builtins(stack[-1].doc)
        data = dict(base)
        for name, value in patch.set.items():
            if name == "id" or name not in data:
                raise error_at(
                    path,
                    f"$.set.{name}",
                    f"'{name}' is not a field that can be set",
                )
            data[name] = value
        for name, values in patch.add.items():
            if not isinstance(data.get(name), (list, tuple)):
                raise error_at(
                    path, f"$.add.{name}", f"'{name}' is not a list field that can be added to"
                )
            data[name] = [*data[name], *values]
        try:
            doc = msgspec.convert(data, type=kind, strict=False)
        except msgspec.ValidationError as e:
            msg, _, where = str(e).partition(" - at `")
            at = _patch_path(patch, base, where.rstrip("`") or "$")
            raise error_at(path, at, f"the patched item is invalid: {msg}") from None
        version = Version(layer, path, doc, f"patched by {layer.name}: {path}", patch, base)
        _english(path, doc, version)
        stack.append(version)

    # --------------------------------------------------------------- checks

    def _fail(self, stack: list[Version], err: ContentError) -> bool:
        """Report the top version of ``stack`` as broken; leave it out unless it is built-in.

        True when something changed (a version was left out).
        """
        top = stack[-1]
        if id(top) in self.failed:
            return False
        self.problem(top.layer, err)
        if top.layer.builtin:
            self.failed.add(id(top))
            return False
        stack.pop()
        return True

    def _where(self, version: Version, at: str) -> tuple[Path, str]:
        """Where to point at a field of ``version``: in a patch, the line that set it."""
        if version.patch is None:
            return version.path, at
        return version.path, _patch_path(version.patch, version.base or {}, at)

    def check(self) -> KnowledgeBase | None:
        builtin = self.layers[0]
        if self.labels is None or not {"prepare", "aftercare"} <= set(self.sheets_v):
            if not self.result.errors:
                self.result.errors.append(
                    ContentError(
                        str(builtin.root),
                        "the built-in knowledge files are incomplete; reinstall dryneedle",
                    )
                )
            return None
        self.check_required_labels(builtin)
        changed = True
        while changed:
            changed = False
            keys, regions = set(self._store(References)), set(self._store(Regions))
            topics, docs = self.topics, {**self.topics, **self.conditions}
            defaults = set(self.labels.defaults)
            while self.labels.overview_topic not in topics:
                top = self.labels_v[-1]
                err = error_at(
                    top.path,
                    "$.overview_topic",
                    f"overview_topic '{self.labels.overview_topic}' is not a topic id",
                )
                if not self._fail(self.labels_v, err):
                    break
                changed = True
                defaults = set(self.labels.defaults)
            for ident, stack in list(self.docs.items()):
                while stack:
                    top = stack[-1]
                    if id(top) in self.failed:
                        break
                    try:
                        self.check_document(top, keys, defaults, regions, docs)
                        break
                    except ContentError as err:
                        if not self._fail(stack, err):
                            break
                        changed = True
                if not stack:
                    del self.docs[ident]
            for name, stack in self.sheets_v.items():
                while stack and id(stack[-1]) not in self.failed:
                    try:
                        self.check_document(stack[-1], keys, defaults, regions, docs)
                        if name == "aftercare":
                            self.check_aftercare(stack[-1], stack[-2] if len(stack) > 1 else None)
                        break
                    except ContentError as err:
                        if not self._fail(stack, err):
                            break
                        changed = True
            for ident, stack in list(self.items.items()):
                if not ident.startswith("Glossary:"):
                    continue
                while stack and id(stack[-1]) not in self.failed:
                    term, path = stack[-1].doc, stack[-1].path
                    missing = [k for k in term.refs if k not in keys]
                    if not missing and (term.see is None or term.see in docs):
                        break
                    what = (
                        f"reference '{missing[0]}' is not in references.yaml"
                        if missing
                        else f"'see: {term.see}' is not a topic or condition id"
                    )
                    at = f"$.terms[{_position(path, term.id)}]"
                    if not self._fail(stack, error_at(path, at, what)):
                        break
                    changed = True
                if not stack:
                    del self.items[ident]
        if self.result.errors:
            return None
        topics, conditions, glossary = self.topics, self.conditions, self._store(Glossary)
        index, clashes = build_index(topics, conditions, glossary)
        origin = self.origin()
        for key, first, second in clashes:
            layer, path = (
                origin.get(second) or origin.get(f"Glossary:{second}") or (builtin, builtin.root)
            )
            self.warn(
                error_at(
                    path,
                    "$.aliases",
                    f"the name '{key}' is used by both '{first}' and '{second}'; '{first}' wins",
                )
            )
        provenance = {i: [v.note for v in s] for i, s in self.docs.items()}
        provenance |= {i: [v.note for v in s] for i, s in self.sheets_v.items()}
        provenance |= {i: [v.note for v in s] for i, s in self.items.items()}
        provenance["labels"] = [v.note for v in self.labels_v]
        return KnowledgeBase(
            topics=topics,
            conditions=conditions,
            prepare=self.sheets_v["prepare"][-1].doc,
            aftercare=self.sheets_v["aftercare"][-1].doc,
            regions=self._store(Regions),
            glossary=glossary,
            references=self._store(References),
            labels=self.labels,
            sources={k: str(v[1]) for k, v in origin.items() if ":" not in k}
            | {
                k.split(":", 1)[1]: str(v[1])
                for k, v in origin.items()
                if k.startswith("Glossary:")
            },
            index=index,
            codes=code_index(conditions),
            warnings=[str(w) for w in self.result.skipped],
            provenance=provenance,
        )

    def origin(self) -> dict[str, tuple[Layer, Path]]:
        """Item id (``Glossary:x`` for items of the shared files) -> where its text is now."""
        found = {i: (s[-1].layer, s[-1].path) for i, s in self.docs.items()}
        found |= {n: (s[-1].layer, s[-1].path) for n, s in self.sheets_v.items() if s}
        found |= {i: (s[-1].layer, s[-1].path) for i, s in self.items.items()}
        return found

    def check_document(self, version: Version, keys, defaults, regions, docs) -> None:
        doc = version.doc

        def error(at: str, message: str) -> ContentError:
            return error_at(*self._where(version, at), message)

        used = []
        for at, key in _keys_in(doc, "refs"):
            if key not in keys:
                raise error(at, f"reference '{key}' is not in references.yaml; add it there")
            used.append(key)
        for at, key in _keys_in(doc, "rules_out"):
            if key not in keys:
                raise error(
                    at,
                    f"reference '{key}' (the source that rules needling out) is not in "
                    "references.yaml; add it there",
                )
            used.append(key)
        listed = set(doc.references)
        if listed != set(used):
            missing, extra = sorted(set(used) - listed), sorted(listed - set(used))
            parts = ([f"add {', '.join(missing)}"] if missing else []) + (
                [f"remove {', '.join(extra)} (not used)"] if extra else []
            )
            raise error(
                "$.references", f"the file's references list is out of date: {'; '.join(parts)}"
            )
        for at, area in _keys_in(doc, "areas"):
            if area not in regions:
                raise error(at, f"area '{area}' is not a region in regions.yaml")
        for at, text in _texts(doc, "$"):
            for name in PLACEHOLDER_RE.findall(text):
                if name not in defaults:
                    raise error(
                        at,
                        f"unknown placeholder '{{{name}}}'; known: {', '.join(sorted(defaults))}",
                    )
        for i, rel in enumerate(getattr(doc, "related", ())):
            if rel not in docs:
                raise error(f"$.related[{i}]", f"'{rel}' is not a topic or condition id")
        if isinstance(doc, Condition):
            if doc.region not in regions:
                raise error("$.region", f"region '{doc.region}' is not in regions.yaml")
            if not doc.icd10 and doc.icd10_note is None:
                raise error(
                    "$.icd10", "give at least one ICD-10 code, or an 'icd10_note' saying why not"
                )
        for at in _statements_without_refs(doc, "$"):
            self.warn(error(at, "this statement has no reference key; add 'refs: [key]'"))
        if dt.date.today() - doc.reviewed_on > STALE_AFTER:
            self.warn(
                error(
                    "$.reviewed_on",
                    f"last reviewed on {doc.reviewed_on}, over 24 months ago; review it",
                )
            )

    def check_required_labels(self, builtin: Layer) -> None:
        path = builtin.root / "labels.yaml"
        missing = [k for k in REQUIRED_LABELS if k not in self.labels.labels]
        if missing:
            self.result.errors.append(
                error_at(path, "$.labels", f"missing labels: {', '.join(missing)}")
            )
        if "emergency_number" not in self.labels.defaults:
            self.result.errors.append(
                error_at(path, "$.defaults", "defaults must set 'emergency_number'")
            )

    def check_aftercare(self, version: Version, below: Version | None = None) -> None:
        """The warning signs must show for every area: a clinic's aftercare without them is
        left out (the one below is used); the built-in one without them is an error. A clinic's
        copy keeps at least as many warning tiers as the sheet it replaces, so that no tier
        (get help now, see a doctor today, call your clinic) is lost by an edit."""

        def tiers(v: Version) -> int:
            return sum(1 for s in v.doc.sections if s.style == "warning" and not s.areas)

        have = tiers(version)
        if not have:
            raise error_at(
                *self._where(version, "$.sections"),
                "aftercare needs a section with 'style: warning' and "
                "no 'areas', so warning signs show for every area",
            )
        if below is not None and have < tiers(below):
            raise error_at(
                *self._where(version, "$.sections"),
                f"aftercare has {have} warning tiers ('style: warning', no 'areas') where the "
                f"sheet it replaces has {tiers(below)}; keep every tier",
            )


def _inside(root: Path, path: Path) -> None:
    """Refuse a file that is, or is reached through, a link leading out of the layer folder."""
    try:
        real, home = path.resolve(), root.resolve()
    except (OSError, RuntimeError):
        raise ContentError(str(path), "cannot be read: a link that loops") from None
    if home != real and home not in real.parents:
        raise ContentError(
            str(path),
            "is a link to a file outside the content folder; copy the file in instead",
        )


def _english(path: Path, doc: Any, version: Version | None = None) -> None:
    """Every text given per language must have English, the fallback for the others."""
    for at, text in _translations(doc, "$"):
        if not isinstance(text.get("en"), str) or not text["en"].strip():
            where = (path, at) if version is None else (path, _patch_path(
                version.patch, version.base or {}, at))  # fmt: skip
            raise error_at(
                *where,
                "this text has no English ('en'); add it, English is shown when a language "
                "is missing",
            )


def _translations(obj: Any, at: str):
    """Yield (field path, mapping) for every text given per language inside ``obj``."""
    if isinstance(obj, Labels):
        for name in ("labels", "defaults"):
            for k, v in getattr(obj, name).items():
                if isinstance(v, dict):
                    yield f"{at}.{name}.{k}", v
    elif isinstance(obj, msgspec.Struct):
        for f in obj.__struct_fields__:
            v = getattr(obj, f)
            if isinstance(v, dict):
                yield f"{at}.{f}", v
            else:
                yield from _translations(v, f"{at}.{f}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _translations(v, f"{at}[{i}]")


def _patch_path(patch: _Patch | None, base: dict, at: str) -> str:
    """The place in a patch file that produced ``at`` (a field path of the patched item)."""
    m = re.match(r"\$\.([A-Za-z_][\w-]*)(?:\[(\d+)\])?(.*)", at)
    if patch is None or not m:
        return "$"
    name, index, rest = m.group(1), m.group(2), m.group(3)
    if name in patch.set:
        return f"$.set.{name}" + (f"[{index}]" if index else "") + rest
    if name in patch.add:
        before = len(base.get(name) or ())
        if index is not None and int(index) >= before:
            return f"$.add.{name}[{int(index) - before}]{rest}"
        return f"$.add.{name}"
    return "$.set" if patch.set else "$.add" if patch.add else "$"


def _list_field(kind: type) -> str:
    return {References: "items", Glossary: "terms", Regions: "regions"}[kind]


def _position(path: Path, ident: str) -> int:
    try:
        terms = parse(path).get("terms") or []
        return next(i for i, t in enumerate(terms) if isinstance(t, dict) and t.get("id") == ident)
    except (ContentError, StopIteration):
        return 0


def build(layers: list[Layer], strict: bool = False) -> Result:
    """Read, merge and check ``layers`` (lowest first)."""
    builder = Builder(layers, strict)
    builder.read()
    builder.result.kb = builder.check()
    return builder.result


# ------------------------------------------------------------------- walking the model


def _texts(obj: Any, at: str):
    """Yield (field path, text) for every string a reader may see inside ``obj``."""
    if isinstance(obj, str):
        yield at, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _texts(v, f"{at}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _texts(v, f"{at}[{i}]")
    elif isinstance(obj, msgspec.Struct):
        for f in obj.__struct_fields__:
            if f not in (
                "id",
                "refs",
                "rules_out",
                "near_lungs",
                "references",
                "areas",
                "related",
                "see",
                "region",
                "reviewed_by",
                "reviewed_on",
                "aliases",
                "icd10",
                "icd10_cm",
                "note",
            ):
                yield from _texts(getattr(obj, f), f"{at}.{f}")


def _keys_in(obj: Any, name: str, at: str = "$"):
    """Yield (field path, value) for each entry of every list field called ``name`` (``refs``,
    ``areas``) anywhere inside ``obj``."""
    if isinstance(obj, msgspec.Struct):
        for f in obj.__struct_fields__:
            v = getattr(obj, f)
            if f == name:
                for i, key in enumerate(v):
                    yield f"{at}.{f}[{i}]", key
            elif f != "references":
                yield from _keys_in(v, name, f"{at}.{f}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _keys_in(v, name, f"{at}[{i}]")


def _statements_without_refs(obj: Any, at: str):
    """Yield the path of each patient-facing statement that has no reference key."""
    if isinstance(obj, Block):  # Section is a Block
        for i, item in enumerate(obj.items):
            if not obj.refs and not (isinstance(item, Item) and item.refs):
                yield f"{at}.items[{i}]"
        if obj.text is not None and not obj.refs:
            yield f"{at}.text"
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _statements_without_refs(v, f"{at}[{i}]")
    elif isinstance(obj, msgspec.Struct):
        for f in obj.__struct_fields__:
            yield from _statements_without_refs(getattr(obj, f), f"{at}.{f}")


def build_dir(root: Path) -> KnowledgeBase:
    """The knowledge base of one folder on its own, as the built-in layer (for tests and tools)."""
    result = build([Layer("built-in", root, builtin=True)])
    if result.errors:
        raise result.errors[0]
    return result.kb
