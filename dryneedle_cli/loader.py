"""Knowledge files -> validated, immutable model.

Every problem becomes a ``ContentError`` naming the file, the line and the field. YAML is read
with the safe (C where available) loader; anchors and aliases, duplicate keys, unknown fields,
wrong types, duplicate ids and references to missing ids are rejected here, at load time.
Imported only when the cache (``store``) misses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

from dryneedle_cli.errors import ContentError
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
from dryneedle_cli.store import FOLDERS, SINGLE_FILES, content_files

MAX_FILE_BYTES = 256 * 1024
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
# Labels the program asks for; labels.yaml must define each one.
REQUIRED_LABELS = (
    "also_called",
    "clinical_name",
    "icd10",
    "region",
    "description",
    "how_it_may_help",
    "evidence",
    "evidence_strength",
    "strength_moderate",
    "strength_low",
    "strength_very-low",
    "strength_limited",
    "strength_conflicting",
    "sources",
    "references",
    "area_notes_prepare",
    "area_notes_aftercare",
    "areas",
    "related",
    "reviewed",
    "conditions",
    "references_title",
    "references_summary",
    "patient",
    "date",
    "clinician",
    "next_visit",
    "front",
    "back",
    "outline",
    "no_areas",
    "questions",
    "questions_phone",
    "emergency",
)


# --------------------------------------------------------------------------- YAML


def _yaml_loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        def construct_object(self, node, deep=False):
            if node in self.constructed_objects:
                raise yaml.constructor.ConstructorError(
                    None, None, "anchors and aliases (&, *) are not allowed", node.start_mark
                )
            return super().construct_object(node, deep)

        def construct_mapping(self, node, deep=False):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"duplicate key '{key_node.value}' (first on line "
                            f"{seen[key_node.value]}); keep only one",
                            key_node.start_mark,
                        )
                    seen[key_node.value] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep)

    return yaml, Loader


def read_text(path: Path) -> str:
    """The file's text, or a ContentError saying why it cannot be a knowledge file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentError(
                str(path),
                f"file is {size:,} bytes, over the {MAX_FILE_BYTES // 1024} KiB limit for a "
                "knowledge file; split it or remove what does not belong",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(
            str(path), "file is missing; restore it or reinstall dryneedle"
        ) from None
    except IsADirectoryError:
        raise ContentError(str(path), "is a folder, not a YAML file") from None
    except OSError as e:
        raise ContentError(str(path), f"cannot be read: {e.strerror}") from None
    if b"\x00" in raw:
        raise ContentError(str(path), "looks like a binary file, not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ContentError(str(path), "is not UTF-8 text; save it as UTF-8", line=line) from None
    if not text.strip():
        raise ContentError(str(path), "is empty; a knowledge file needs at least an 'id'")
    return text


def parse(path: Path) -> dict:
    """Parse one YAML file into plain Python data (a mapping at the top)."""
    text = read_text(path)
    yaml, loader = _yaml_loader()
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = (e.problem or e.context or "invalid YAML").strip()
        if problem.startswith("could not determine a constructor"):
            problem = f"{problem}; only plain YAML is allowed (no !! tags)"
        elif not isinstance(e, yaml.constructor.ConstructorError):
            problem = f"YAML syntax error: {problem}; check the indentation and brackets"
        raise ContentError(str(path), problem, line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as e:
        raise ContentError(str(path), f"invalid YAML: {e}") from None
    except RecursionError:
        raise ContentError(str(path), "nesting is too deep") from None
    if not isinstance(data, dict):
        raise ContentError(
            str(path), f"the top level must be a mapping of fields, not a {type(data).__name__}"
        )
    return data


# --------------------------------------------------------------------------- locating


_PATH_TOKEN = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[\"?([^\]\"]*)\"?\]")


def locate(path: Path, field_path: str, key: str | None = None) -> int | None:
    """The line of ``field_path`` (``$.sections[1].refs[0]``) in a YAML file, if it can be found."""
    try:
        import yaml

        node = yaml.compose(read_text(path), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # noqa: BLE001 - locating is best effort on an already-failing file
        return None
    line = node.start_mark.line + 1 if node else None
    for name, index, quoted in _PATH_TOKEN.findall(field_path.removeprefix("$")):
        name = name or quoted
        nxt = None
        if index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            nxt = node.value[int(index)]
        elif name and isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if getattr(k, "value", None) == name:
                    nxt, line = v, k.start_mark.line + 1
                    break
        if nxt is None:
            return line
        node, line = nxt, nxt.start_mark.line + 1
    if key and isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if getattr(k, "value", None) == key:
                return k.start_mark.line + 1
    return line


_TYPE_WORDS = {
    "array": "a list",
    "object": "a mapping (key: value)",
    "str": "text",
    "int": "a whole number",
    "bool": "true or false",
    "null": "nothing",
    "date": "a date (YYYY-MM-DD)",
    "float": "a number",
}


def _explain_validation(path: Path, err: msgspec.ValidationError) -> ContentError:
    msg = str(err)
    where = ""
    if " - at `" in msg:
        msg, where = msg.split(" - at `", 1)
        where = where.rstrip("`")
    field = where.removeprefix("$").lstrip(".") or None
    m = re.match(r"Object contains unknown field `(.+)`", msg)
    if m:
        line = locate(path, where or "$", key=m.group(1))
        return ContentError(
            str(path),
            f"unknown field '{m.group(1)}': remove it or correct its spelling",
            line=line,
            field=".".join(filter(None, [field, m.group(1)])),
        )
    m = re.match(r"Object missing required field `(.+)`", msg)
    if m:
        return ContentError(
            str(path),
            f"missing required field '{m.group(1)}': add it",
            line=locate(path, where or "$"),
            field=".".join(filter(None, [field, m.group(1)])),
        )
    m = re.match(r"Expected `(.+?)`, got `(.+?)`", msg)
    if m:
        want = " or ".join(_TYPE_WORDS.get(w.strip(), w.strip()) for w in m.group(1).split("|"))
        got = _TYPE_WORDS.get(m.group(2), m.group(2))
        msg = f"expected {want}, got {got}"
    elif msg.startswith("Invalid enum value"):
        msg = f"{msg[0].lower()}{msg[1:]}; use one of the values listed in the README"
    return ContentError(str(path), msg, line=locate(path, where or "$"), field=field)


def convert(path: Path, data: dict, kind: type):
    try:
        return msgspec.convert(data, type=kind, strict=True)
    except msgspec.ValidationError as e:
        raise _explain_validation(path, e) from None


# --------------------------------------------------------------------------- checks


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
            if f not in ("id", "refs", "references", "areas", "related", "see", "region"):
                yield from _texts(getattr(obj, f), f"{at}.{f}")


def _refs_in(obj: Any, at: str):
    """Yield (field path, key) for every reference key used inside ``obj``."""
    if isinstance(obj, msgspec.Struct):
        for f in obj.__struct_fields__:
            v = getattr(obj, f)
            if f == "refs":
                for i, key in enumerate(v):
                    yield f"{at}.refs[{i}]", key
            elif f != "references":
                yield from _refs_in(v, f"{at}.{f}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _refs_in(v, f"{at}[{i}]")


def _areas_in(obj: Any, at: str):
    if isinstance(obj, msgspec.Struct):
        for f in obj.__struct_fields__:
            v = getattr(obj, f)
            if f == "areas":
                for i, a in enumerate(v):
                    yield f"{at}.areas[{i}]", a
            else:
                yield from _areas_in(v, f"{at}.{f}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _areas_in(v, f"{at}[{i}]")


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


class _Checker:
    def __init__(self, root: Path):
        self.root = root

    def fail(self, path: Path, field_path: str, message: str):
        raise ContentError(
            str(path), message, line=locate(path, field_path), field=field_path.lstrip("$.")
        )

    def document(self, path: Path, doc, keys: set[str], defaults: set[str], regions: set[str]):
        if not ID_RE.match(doc.id):
            self.fail(path, "$.id", f"id '{doc.id}' must be lowercase letters, digits and hyphens")
        used: list[str] = []
        for at, key in _refs_in(doc, "$"):
            if key not in keys:
                self.fail(path, at, f"reference '{key}' is not in references.yaml; add it there")
            used.append(key)
        listed = set(doc.references)
        if not isinstance(doc, References) and listed != set(used):
            missing = sorted(set(used) - listed)
            extra = sorted(listed - set(used))
            parts = []
            if missing:
                parts.append(f"add {', '.join(missing)}")
            if extra:
                parts.append(f"remove {', '.join(extra)} (not used)")
            self.fail(
                path,
                "$.references",
                f"the file's references list is out of date: {'; '.join(parts)}",
            )
        for at in _statements_without_refs(doc, "$"):
            self.fail(path, at, "this statement has no reference key; add 'refs: [key]'")
        for at, area in _areas_in(doc, "$"):
            if area not in regions:
                self.fail(path, at, f"area '{area}' is not a region in regions.yaml")
        for at, text in _texts(doc, "$"):
            for name in PLACEHOLDER_RE.findall(text):
                if name not in defaults:
                    self.fail(
                        path,
                        at,
                        f"unknown placeholder '{{{name}}}'; known: {', '.join(sorted(defaults))}",
                    )


def build(root: Path, files: list[Path] | None = None) -> KnowledgeBase:
    """Parse and validate every file under ``root``; no cache."""
    files = files if files is not None else content_files(root)
    folders = {root / name: kind for name, kind in FOLDERS.items()}
    singles = {
        name: convert(root / name, parse(root / name), kind) for name, kind in SINGLE_FILES.items()
    }
    labels: Labels = singles["labels.yaml"]
    refs_doc: References = singles["references.yaml"]
    sources: dict[str, str] = {}

    references = {}
    for i, ref in enumerate(refs_doc.items):
        if ref.key in references:
            path = root / "references.yaml"
            raise ContentError(
                str(path),
                f"reference key '{ref.key}' appears twice",
                line=locate(path, f"$.items[{i}].key"),
                field="key",
            )
        references[ref.key] = ref

    regions_doc: Regions = singles["regions.yaml"]
    regions = {}
    for i, r in enumerate(regions_doc.regions):
        path = root / "regions.yaml"
        if not ID_RE.match(r.id) or r.id in regions:
            raise ContentError(
                str(path),
                f"region id '{r.id}' is invalid or appears twice",
                line=locate(path, f"$.regions[{i}].id"),
                field="id",
            )
        regions[r.id] = r

    docs: dict[str, tuple[Path, Any]] = {}
    topics: dict[str, Topic] = {}
    conditions: dict[str, Condition] = {}
    for path in files:
        kind = folders.get(path.parent)
        if kind is not None:
            doc = convert(path, parse(path), kind)
            if doc.id != path.stem:
                raise ContentError(
                    str(path),
                    f"id '{doc.id}' must match the file name '{path.stem}'; rename one",
                    line=locate(path, "$.id"),
                    field="id",
                )
            if doc.id in docs:
                raise ContentError(
                    str(path),
                    f"id '{doc.id}' is already used by {docs[doc.id][0]}",
                    line=locate(path, "$.id"),
                    field="id",
                )
            docs[doc.id] = (path, doc)
            (topics if kind is Topic else conditions)[doc.id] = doc
            sources[doc.id] = str(path)

    glossary_doc: Glossary = singles["glossary.yaml"]
    glossary = {}
    for i, t in enumerate(glossary_doc.terms):
        path = root / "glossary.yaml"
        if not ID_RE.match(t.id) or t.id in glossary:
            raise ContentError(
                str(path),
                f"term id '{t.id}' is invalid or appears twice",
                line=locate(path, f"$.terms[{i}].id"),
                field="id",
            )
        if t.see is not None and t.see not in docs:
            raise ContentError(
                str(path),
                f"'see: {t.see}' is not a topic or condition id",
                line=locate(path, f"$.terms[{i}].see"),
                field="see",
            )
        glossary[t.id] = t

    check = _Checker(root)
    keys, defaults, region_ids = set(references), set(labels.defaults), set(regions)
    for name, doc in singles.items():
        check.document(root / name, doc, keys, defaults, region_ids)
    for path, doc in docs.values():
        check.document(path, doc, keys, defaults, region_ids)
        for i, rel in enumerate(doc.related):
            if rel not in docs:
                check.fail(path, f"$.related[{i}]", f"'{rel}' is not a topic or condition id")
        if isinstance(doc, Condition) and doc.region not in regions:
            check.fail(path, "$.region", f"region '{doc.region}' is not in regions.yaml")
        if isinstance(doc, Condition) and not doc.icd10 and doc.icd10_note is None:
            check.fail(
                path, "$.icd10", "give at least one ICD-10 code, or an 'icd10_note' saying why not"
            )

    lpath = root / "labels.yaml"
    missing = [k for k in REQUIRED_LABELS if k not in labels.labels]
    if missing:
        raise ContentError(
            str(lpath),
            f"missing labels: {', '.join(missing)}",
            line=locate(lpath, "$.labels"),
            field="labels",
        )
    if labels.overview_topic not in topics:
        raise ContentError(
            str(lpath),
            f"overview_topic '{labels.overview_topic}' is not a topic id",
            line=locate(lpath, "$.overview_topic"),
            field="overview_topic",
        )
    if "emergency_number" not in labels.defaults:
        raise ContentError(
            str(lpath),
            "defaults must set 'emergency_number'",
            line=locate(lpath, "$.defaults"),
            field="defaults",
        )
    aftercare: Sheet = singles["sheets/aftercare.yaml"]
    if not any(s.style == "warning" and not s.areas for s in aftercare.sections):
        apath = root / "sheets/aftercare.yaml"
        raise ContentError(
            str(apath),
            "aftercare needs a section with 'style: warning' and no 'areas', "
            "so warning signs show for every area",
            line=locate(apath, "$.sections"),
            field="sections",
        )

    kb = KnowledgeBase(
        topics=topics,
        conditions=conditions,
        prepare=singles["sheets/prepare.yaml"],
        aftercare=aftercare,
        regions=regions,
        glossary=glossary,
        references=references,
        labels=labels,
        sources=sources,
    )
    check_index(root, kb)
    return kb


def check_index(root: Path, kb: KnowledgeBase) -> None:
    """Two items may not share a name: a query must never pick one of them silently."""
    from dryneedle_cli.index import build_index

    _, clashes = build_index(kb)
    if clashes:
        key, first, second = clashes[0]
        path = Path(kb.sources.get(second, root / "glossary.yaml"))
        raise ContentError(
            str(path),
            f"the name '{key}' is used by both '{first}' and '{second}'; keep it on one of them",
            line=None,
            field="aliases",
        )
