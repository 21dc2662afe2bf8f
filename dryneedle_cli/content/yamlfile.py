"""Reading one knowledge file: YAML text -> checked plain data -> typed model object.

Every problem becomes a ``ContentError`` naming the file, the line, the column and the field.
YAML is read with the safe (C where available) loader; tags, anchors and aliases, duplicate
keys, binary, empty, non-UTF-8 and oversized files are refused; ``convert`` rejects unknown
fields and wrong types. Imported only when the cache (``store``) misses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

from dryneedle_cli.errors import ContentError

MAX_FILE_BYTES = 256 * 1024
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
    """The file's text, or a ContentError saying why it cannot be a knowledge file.

    Only a regular file is read, and never more than ``MAX_FILE_BYTES + 1`` bytes of it: a
    FIFO, a socket, a device or a symlink to one is refused at once instead of hanging or
    filling memory (see ``safeio``).
    """
    from dryneedle_cli import safeio

    try:
        raw = safeio.read_limited(path, MAX_FILE_BYTES)
    except safeio.TooLarge as e:
        size = f"{e.size:,} bytes, " if e.size > MAX_FILE_BYTES + 1 else ""
        raise ContentError(
            str(path),
            f"file is {size}over the {MAX_FILE_BYTES // 1024} KiB limit for a "
            "knowledge file; split it or remove what does not belong",
        ) from None
    except safeio.NotRegular as e:
        if e.what == "a folder":
            raise ContentError(str(path), "is a folder, not a YAML file") from None
        raise ContentError(
            str(path), f"is {e.what}, not a regular file; only regular files are read"
        ) from None
    except FileNotFoundError:
        if path.is_symlink():
            raise ContentError(
                str(path), "is a link to a file that does not exist; fix the link or remove it"
            ) from None
        raise ContentError(
            str(path), "file is missing; restore it or reinstall dryneedle"
        ) from None
    except IsADirectoryError:
        raise ContentError(str(path), "is a folder, not a YAML file") from None
    except OSError as e:
        raise ContentError(str(path), f"cannot be read: {e.strerror or e}") from None
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


# Deeper than any knowledge file needs (the built-in files nest 5 levels) and far below what
# the C parser survives (~50,000 levels crash it) or the pure one (Python's recursion limit).
MAX_DEPTH = 64
# Building Python objects costs ~10 us a value; the largest built-in file has ~530 values.
MAX_VALUES = 20_000


def check_shape(yaml, text: str, path: Path) -> None:
    """Refuse nesting deeper than MAX_DEPTH, more than MAX_VALUES values and any alias,
    before anything recursive or slow runs.

    ``yaml.parse`` is libyaml's event stream: a state machine with its own stack, not
    recursion, so walking it is safe at any depth; the walk stops at the first problem, so a
    hostile file costs no more than its first MAX_DEPTH levels.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    opening = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    closing = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    depth = values = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.ScalarEvent, *opening)):
            values += 1
            if values > MAX_VALUES:
                raise _at_event(
                    path,
                    event,
                    f"has more than {MAX_VALUES:,} values; a knowledge file needs far fewer, "
                    "so split it",
                )
        if isinstance(event, opening):
            depth += 1
            if depth > MAX_DEPTH:
                raise _at_event(
                    path,
                    event,
                    f"lists and mappings are nested more than {MAX_DEPTH} levels deep; "
                    "a knowledge file needs only a few",
                )
        elif isinstance(event, closing):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (&, *) are not allowed", event.start_mark
            )


def _at_event(path: Path, event, message: str) -> ContentError:
    """A problem at the place in the file where a YAML event starts."""
    mark = event.start_mark
    return ContentError(str(path), message, line=mark.line + 1, column=mark.column + 1)


def parse(path: Path, controls: bool = False) -> dict:
    """Parse one YAML file into plain Python data (a mapping at the top). A text longer than
    ``MAX_TEXT`` is an error; with ``controls`` (``validate``), so is a control character
    (at other times it is shown as ``\\x1b``, never acted on)."""
    text = read_text(path)
    yaml, loader = _yaml_loader()
    try:
        check_shape(yaml, text, path)
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        where = e.problem_mark or e.context_mark
        problem = (e.problem or e.context or "invalid YAML").strip()
        if problem.startswith("could not determine a constructor"):
            problem = f"{problem}; only plain YAML is allowed (no !! tags)"
        elif not isinstance(e, yaml.constructor.ConstructorError):
            problem = f"YAML syntax error: {problem}; check the indentation and brackets"
        raise ContentError(
            str(path),
            problem,
            line=where.line + 1 if where else None,
            column=where.column + 1 if where else None,
        ) from None
    except yaml.YAMLError as e:
        raise ContentError(str(path), f"invalid YAML: {e}") from None
    except RecursionError:
        raise ContentError(str(path), "nesting is too deep") from None
    if not isinstance(data, dict):
        raise ContentError(
            str(path), f"the top level must be a mapping of fields, not a {type(data).__name__}"
        )
    problem = text_problem(data, controls=controls)
    if problem is not None:
        raise error_at(path, *problem)
    return data


# Fields shown on one line (a page's name, a heading, a search word): no line break or tab.
ONE_LINE = frozenset({
    "name", "title", "clinical_name", "heading", "term", "aliases", "label", "short",
    "translator", "reviser", "lang",
})  # fmt: skip
# What no text of a knowledge file may hold: C0 controls but line feed and tab, DEL, C1,
# line and paragraph separators, bidirectional overrides and isolates. (YAML refuses most of
# them typed raw; a double-quoted "\e" or "\u202e" would bring them in.)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BREAK = re.compile("[\n\t]")


MAX_TEXT = 1000  # characters of one text (the longest built-in one is under 600): a sheet
# stays one page, a form two a copy, whatever a clinic writes


def text_problem(
    data, controls: bool = True, at: str = "$", field: str = ""
) -> tuple[str, str] | None:
    """(field path, message) of the first text in ``data`` that holds a control character (or,
    in a one-line field such as a name, a line break or tab), or is longer than ``MAX_TEXT``;
    None when there is none. Shown as typed a control would be \\x1b on a page, and raw in
    JSON, where a pasted line would break; a very long text would make a sheet many pages."""
    todo = [(at, field, data)]
    while todo:
        where, name, value = todo.pop()
        if isinstance(value, str):
            found = controls and (
                _CONTROL.search(value) or (name in ONE_LINE and _BREAK.search(value))
            )
            if found:
                code = f"U+{ord(found.group()):04X}"
                what = "a line break or tab" if found.group() in "\n\t" else "a control character"
                return where, (
                    f"holds {what} ({code}); remove it (only plain text is shown to patients)"
                )
            if len(value) > MAX_TEXT:
                return where, (
                    f"is {len(value):,} characters, more than {MAX_TEXT:,}; shorten it or split "
                    "it (a sheet is one page)"
                )
        elif isinstance(value, dict):
            for k, v in value.items():
                key = str(k)
                if controls and (_CONTROL.search(key) or _BREAK.search(key)):
                    return where, "a field name holds a control character; remove it"
                lang = len(key) in (2, 3) and key.isascii() and key.isalpha() and key.islower()
                todo.append((f"{where}.{key}", name if lang else key, v))
        elif isinstance(value, list):
            todo.extend((f"{where}[{i}]", name, v) for i, v in enumerate(value))
    return None


# --------------------------------------------------------------------------- locating


_PATH_TOKEN = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[\"?([^\]\"]*)\"?\]")


def locate(path: Path, field_path: str, key: str | None = None) -> int | None:
    """The line of ``field_path`` (``$.sections[1].refs[0]``) in a YAML file, if it can be found."""
    return mark(path, field_path, key)[0]


def mark(path: Path, field_path: str, key: str | None = None) -> tuple[int | None, int | None]:
    """(line, column) of ``field_path`` in a YAML file, both 1-based, or (None, None)."""
    try:
        import yaml

        text = read_text(path)
        check_shape(yaml, text, path)  # compose recurses too: never on a file too deep
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # noqa: BLE001 - locating is best effort on an already-failing file
        return None, None
    if node is None:
        return None, None
    at = node.start_mark
    for name, index, quoted in _PATH_TOKEN.findall(field_path.removeprefix("$")):
        name = name or quoted
        nxt = None
        if index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            nxt = node.value[int(index)]
        elif name and isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if getattr(k, "value", None) == name:
                    nxt, at = v, k.start_mark
                    break
        if nxt is None:
            return at.line + 1, at.column + 1
        node, at = nxt, nxt.start_mark
    if key and isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if getattr(k, "value", None) == key:
                return k.start_mark.line + 1, k.start_mark.column + 1
    return at.line + 1, at.column + 1


def error_at(
    path: Path,
    field_path: str,
    message: str,
    key: str | None = None,
    kind: type[ContentError] = ContentError,
) -> ContentError:
    """A ContentError (or warning) pointing at a field of a YAML file."""
    line, column = mark(path, field_path, key)
    field = field_path.removeprefix("$").lstrip(".")
    if key:
        field = ".".join(filter(None, [field, key]))
    return kind(str(path), message, line=line, field=field or None, column=column)


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


# msgspec's messages are matched by their English words; pyproject.toml bounds msgspec and
# tests/test_loader.py::test_msgspec_wording fails if a new version words them differently.
_UNKNOWN = re.compile(r"Object contains unknown field `(.+)`", re.S)
_MISSING = re.compile(r"Object missing required field `(.+)`", re.S)
_TYPE = re.compile(r"Expected `(.+?)`, got `(.+?)`", re.S)


def explain(err: msgspec.ValidationError) -> tuple[str, str, str | None]:
    """(field path, message in plain words, key to point at) for a msgspec validation error.

    The one place msgspec's words are turned into ours, for a plain file and a patch alike.
    """
    msg, _, where = str(err).partition(" - at `")
    where = where.rstrip("`") or "$"
    if m := _UNKNOWN.match(msg):
        return where, f"unknown field '{m.group(1)}': remove it or correct its spelling", m.group(1)
    if m := _MISSING.match(msg):
        return f"{where}.{m.group(1)}", f"missing required field '{m.group(1)}': add it", None
    if m := _TYPE.match(msg):
        want = " or ".join(_TYPE_WORDS.get(w.strip(), w.strip()) for w in m.group(1).split("|"))
        got = _TYPE_WORDS.get(m.group(2), m.group(2))
        return where, f"expected {want}, got {got}", None
    if msg.startswith("Invalid enum value"):
        return where, f"{msg[0].lower()}{msg[1:]}; use one of the values listed in the README", None
    return where, msg, None


def _explain_validation(path: Path, err: msgspec.ValidationError) -> ContentError:
    where, message, key = explain(err)
    return error_at(path, where, message, key=key)


# a field name from another kind of file, and the field that plays its part here
_SAME_PART = {"name": "title", "title": "name", "refs": "references", "references": "refs"}


def did_you_mean(name: str, fields) -> str | None:
    """The field ``name`` was probably meant to be: its counterpart in another kind of file
    (a condition's ``name`` is a topic's ``title``), or the closest spelling (difflib)."""
    import difflib

    fields = list(fields)
    if _SAME_PART.get(name) in fields:
        return _SAME_PART[name]
    close = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
    return close[0] if close else None


def shape_problems(data, kind, where: str = "$") -> list[tuple[str, str, str | None]]:
    """Every unknown and missing field of ``data`` against the struct ``kind``, nested structs
    included, as (field path, message, key) like ``explain``: all of them, not the first."""
    from msgspec import inspect

    info = inspect.type_info(kind) if isinstance(kind, type) else kind
    if not isinstance(info, inspect.StructType) or not isinstance(data, dict):
        return []
    out: list[tuple[str, str, str | None]] = []
    fields = {f.encode_name: f for f in info.fields}
    for key in data:
        if isinstance(key, str) and key not in fields:
            guess = did_you_mean(key, fields)
            hint = f"did you mean '{guess}'?" if guess else "remove it or correct its spelling"
            out.append((where, f"unknown field '{key}': {hint}", key))
    for name, f in fields.items():
        if f.required and name not in data:
            out.append((f"{where}.{name}", f"missing required field '{name}': add it", None))
        elif name in data:
            out.extend(_nested(data[name], f.type, f"{where}.{name}"))
    return out


def _nested(value, t, where: str) -> list[tuple[str, str, str | None]]:
    from msgspec import inspect

    if isinstance(t, inspect.UnionType):
        structs = [x for x in t.types if isinstance(x, inspect.StructType)]
        t = structs[0] if len(structs) == 1 else None
    if isinstance(t, inspect.StructType):
        return shape_problems(value, t, where)
    item = getattr(t, "item_type", None)
    if isinstance(t, (inspect.ListType, inspect.VarTupleType)) and isinstance(value, list):
        return [p for n, v in enumerate(value) for p in _nested(v, item, f"{where}[{n}]")]
    return []


def convert(path: Path, data: dict, kind: type):
    """``data`` as a ``kind``; on a mistake a ContentError carrying, in ``also``, every other
    unknown or missing field of the file, so one run shows them all."""
    try:
        return msgspec.convert(data, type=kind, strict=True)
    except msgspec.ValidationError as e:
        first = _explain_validation(path, e)
        try:
            found = shape_problems(data, kind)
        except Exception:  # noqa: BLE001 - the extra problems are a courtesy; the first stands
            found = []
        if not found:
            raise first from None
        errors = [error_at(path, where, message, key=key) for where, message, key in found]
        if all((err.field, err.line) != (first.field, first.line) for err in errors):
            errors.append(first)  # a wrong type, say: msgspec's own first find is kept
        errors.sort(key=lambda err: (err.line or 0, err.column or 0))
        raise ContentError(
            errors[0].file,
            errors[0].detail,
            errors[0].line,
            errors[0].field,
            errors[0].column,
            also=tuple(errors[1:]),
        ) from None
