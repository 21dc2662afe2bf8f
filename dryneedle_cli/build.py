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

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from dryneedle_cli.errors import ContentError, ContentWarning
from dryneedle_cli.index import build_index, code_index
from dryneedle_cli.loader import convert, error_at, parse
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
    """Every knowledge file in a layer folder, in a stable order (patches after their kind)."""
    files = [root / name for name in SINGLE_FILES if (root / name).is_file()]
    for name in SINGLE_FILES:
        patch = root / name.replace(".yaml", ".patch.yaml")
        if patch.is_file():
            files.append(patch)
    for folder in FOLDERS:
        d = root / folder
        if d.is_dir():
            files.extend(sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


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


class Builder:
    """Merge layers in order, then check the result. ``strict``: every problem is reported."""

    def __init__(self, layers: list[Layer], strict: bool = False):
        self.layers, self.strict = layers, strict
        self.result = Result()
        self.topics: dict[str, Topic] = {}
        self.conditions: dict[str, Condition] = {}
        self.sheets: dict[str, Sheet] = {}
        self.references: dict[str, Any] = {}
        self.glossary: dict[str, Any] = {}
        self.regions: dict[str, Any] = {}
        self.labels: Labels | None = None
        self.origin: dict[str, tuple[Layer, Path]] = {}  # item id -> where its text is
        self.provenance: dict[str, list[str]] = {}

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
        self.result.warnings.append(
            ContentWarning(err.file, err.detail, err.line, err.field, err.column)
        )

    def _note(self, ident: str, layer: Layer, path: Path, what: str) -> None:
        self.provenance.setdefault(ident, []).append(f"{what} by {layer.name}: {path}")

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
            patches = []
            for path in layer_files(layer.root):
                kind, is_patch = kind_of(layer.root, path)
                if kind is None:
                    continue
                try:
                    data = parse(path)
                    if is_patch:
                        patches.append((path, kind, convert(path, data, _Patch)))
                        continue
                    self.add(layer, path, kind, convert(path, data, kind))
                except ContentError as err:
                    self.problem(layer, err)
            for path, kind, patch in patches:
                try:
                    self.patch(layer, path, kind, patch)
                except ContentError as err:
                    self.problem(layer, err)

    def add(self, layer: Layer, path: Path, kind: type, doc) -> None:
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
            other = self.origin.get(doc.id)
            if other and other[0] is layer:
                raise error_at(path, "$.id", f"id '{doc.id}' is already used by {other[1]}")
            (self.topics if kind is Topic else self.conditions)[doc.id] = doc
            (self.conditions if kind is Topic else self.topics).pop(doc.id, None)
            self.origin[doc.id] = (layer, path)
            self._note(doc.id, layer, path, "defined" if other is None else "replaced")
        elif kind is Sheet:
            self.sheets[path.stem] = doc
            self.origin[f"sheet:{path.stem}"] = (layer, path)
            self.origin[path.stem] = (layer, path)
            self._note(path.stem, layer, path, "defined" if layer.builtin else "replaced")
        elif kind is Labels:
            if self.labels is None:
                self.labels = doc
            else:
                self.labels = msgspec.structs.replace(
                    self.labels,
                    overview_topic=doc.overview_topic,
                    labels={**self.labels.labels, **doc.labels},
                    defaults={**self.labels.defaults, **doc.defaults},
                )
            self._note("labels", layer, path, "defined" if layer.builtin else "changed")
        else:
            items, key, store = {
                References: (doc.items if kind is References else (), "key", self.references),
                Glossary: (getattr(doc, "terms", ()), "id", self.glossary),
                Regions: (getattr(doc, "regions", ()), "id", self.regions),
            }[kind]
            seen = set()
            for i, item in enumerate(items):
                ident = getattr(item, key)
                if not ID_RE.match(ident) or ident in seen:
                    raise error_at(
                        path,
                        f"$.{_list_field(kind)}[{i}].{key}",
                        f"{key} '{ident}' is invalid or appears twice",
                    )
                seen.add(ident)
                store[ident] = item
                self.origin[f"{kind.__name__}:{ident}"] = (layer, path)
                what = {References: "reference", Glossary: "glossary term", Regions: "region"}[kind]
                verb = "defined" if layer.builtin else "added or replaced"
                self._note(f"{kind.__name__}:{ident}", layer, path, f"{what} {verb}")
            self.origin[f"file:{kind.__name__}:{layer.name}"] = (layer, path)

    def patch(self, layer: Layer, path: Path, kind: type, patch: _Patch) -> None:
        if kind in (Topic, Condition):
            store = self.topics if kind is Topic else self.conditions
            target = store.get(patch.id)
        elif kind is Sheet:
            store, target = self.sheets, self.sheets.get(patch.id)
        else:
            raise error_at(
                path,
                "$",
                "patches work on topics, conditions and sheets; edit this file's items instead",
            )
        if target is None:
            raise error_at(
                path, "$.id", f"nothing called '{patch.id}' to patch in the layers below"
            )
        data = msgspec.to_builtins(target)
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
            raise error_at(path, "$", f"the patched item is invalid: {e}") from None
        store[patch.id] = doc
        self.origin[patch.id] = (layer, path)
        self._note(patch.id, layer, path, "patched")

    # --------------------------------------------------------------- checks

    def check(self) -> KnowledgeBase | None:
        builtin = self.layers[0]
        if self.labels is None or not {"prepare", "aftercare"} <= set(self.sheets):
            if not self.result.errors:
                self.result.errors.append(
                    ContentError(
                        str(builtin.root),
                        "the built-in knowledge files are incomplete; reinstall dryneedle",
                    )
                )
            return None
        keys, regions = set(self.references), set(self.regions)
        defaults = set(self.labels.defaults)
        docs = {**self.topics, **self.conditions}
        for ident in list(docs):
            layer, path = self.origin[ident]
            try:
                self.check_document(path, docs[ident], keys, defaults, regions, docs)
            except ContentError as err:
                self.problem(layer, err)
                if not (layer.builtin or self.strict):  # leave the broken item out
                    self.topics.pop(ident, None)
                    self.conditions.pop(ident, None)
        for name, sheet in self.sheets.items():
            layer, path = self.origin[f"sheet:{name}"]
            try:
                self.check_document(path, sheet, keys, defaults, regions, docs)
            except ContentError as err:
                self.problem(layer, err)
        for ident, term in list(self.glossary.items()):
            layer, path = self.origin[f"Glossary:{ident}"]
            at = f"$.terms[{_position(path, ident)}]"
            missing = [k for k in term.refs if k not in keys]
            if missing or (
                term.see is not None
                and term.see not in self.topics
                and term.see not in self.conditions
            ):
                what = (
                    f"reference '{missing[0]}' is not in references.yaml"
                    if missing
                    else f"'see: {term.see}' is not a topic or condition id"
                )
                self.problem(layer, error_at(path, at, what))
                self.glossary.pop(ident)
        self.check_labels(builtin)
        self.check_aftercare()
        if self.result.errors:
            return None
        index, clashes = build_index(self.topics, self.conditions, self.glossary)
        for key, first, second in clashes:
            layer, path = (
                self.origin.get(second)
                or self.origin.get(f"Glossary:{second}")
                or (builtin, builtin.root)
            )
            self.warn(
                error_at(
                    path,
                    "$.aliases",
                    f"the name '{key}' is used by both '{first}' and '{second}'; '{first}' wins",
                )
            )
        return KnowledgeBase(
            topics=self.topics,
            conditions=self.conditions,
            prepare=self.sheets["prepare"],
            aftercare=self.sheets["aftercare"],
            regions=self.regions,
            glossary=self.glossary,
            references=self.references,
            labels=self.labels,
            sources={k: str(v[1]) for k, v in self.origin.items() if ":" not in k}
            | {
                k.split(":", 1)[1]: str(v[1])
                for k, v in self.origin.items()
                if k.startswith("Glossary:")
            },
            index=index,
            codes=code_index(self.conditions),
            warnings=[str(w) for w in self.result.skipped],
            provenance=self.provenance,
        )

    def check_document(self, path, doc, keys, defaults, regions, docs) -> None:
        used = []
        for at, key in _keys_in(doc, "refs"):
            if key not in keys:
                raise error_at(
                    path, at, f"reference '{key}' is not in references.yaml; add it there"
                )
            used.append(key)
        for at, key in _keys_in(doc, "rules_out"):
            if key not in keys:
                raise error_at(
                    path,
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
            raise error_at(
                path,
                "$.references",
                f"the file's references list is out of date: {'; '.join(parts)}",
            )
        for at, area in _keys_in(doc, "areas"):
            if area not in regions:
                raise error_at(path, at, f"area '{area}' is not a region in regions.yaml")
        for at, text in _texts(doc, "$"):
            for name in PLACEHOLDER_RE.findall(text):
                if name not in defaults:
                    raise error_at(
                        path,
                        at,
                        f"unknown placeholder '{{{name}}}'; known: {', '.join(sorted(defaults))}",
                    )
        for i, rel in enumerate(getattr(doc, "related", ())):
            if rel not in docs:
                raise error_at(path, f"$.related[{i}]", f"'{rel}' is not a topic or condition id")
        if isinstance(doc, Condition):
            if doc.region not in regions:
                raise error_at(path, "$.region", f"region '{doc.region}' is not in regions.yaml")
            if not doc.icd10 and doc.icd10_note is None:
                raise error_at(
                    path,
                    "$.icd10",
                    "give at least one ICD-10 code, or an 'icd10_note' saying why not",
                )
        for at in _statements_without_refs(doc, "$"):
            self.warn(error_at(path, at, "this statement has no reference key; add 'refs: [key]'"))
        if dt.date.today() - doc.reviewed_on > STALE_AFTER:
            self.warn(
                error_at(
                    path,
                    "$.reviewed_on",
                    f"last reviewed on {doc.reviewed_on}, over 24 months ago; review it",
                )
            )

    def check_labels(self, builtin: Layer) -> None:
        path = builtin.root / "labels.yaml"
        missing = [k for k in REQUIRED_LABELS if k not in self.labels.labels]
        if missing:
            self.result.errors.append(
                error_at(path, "$.labels", f"missing labels: {', '.join(missing)}")
            )
        if self.labels.overview_topic not in self.topics:
            self.result.errors.append(
                error_at(
                    path,
                    "$.overview_topic",
                    f"overview_topic '{self.labels.overview_topic}' is not a topic id",
                )
            )
        if "emergency_number" not in self.labels.defaults:
            self.result.errors.append(
                error_at(path, "$.defaults", "defaults must set 'emergency_number'")
            )

    def check_aftercare(self) -> None:
        if not any(s.style == "warning" and not s.areas for s in self.sheets["aftercare"].sections):
            layer, path = self.origin["sheet:aftercare"]
            err = error_at(
                path,
                "$.sections",
                (
                    "aftercare needs a section with 'style: warning' and "
                    "no 'areas', so warning signs show for every area"
                ),
            )
            self.result.errors.append(err)  # never skipped: the warning signs must show


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
