"""The one walk over a model object: every value inside it, with its field path.

``walk`` is the only recursion over the model; the questions asked of it (the texts a reader
sees, the reference keys or areas used, the statements with no reference, the texts given per
language) are filters over what it yields. The builder's checks and the query layer's
reference lists both use it, so they cannot disagree about where a key may sit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

from dryneedle_cli.model import Block, Item, Labels

# Fields that hold ids, keys, codes, names for the search index or clinician notes: never text
# a patient reads on a page.
NOT_TEXT = frozenset({
    "id", "refs", "rules_out", "near_lungs", "references", "areas", "related", "see", "region",
    "reviewed_by", "reviewed_on", "aliases", "icd10", "icd10_cm", "note",
    # screening: a class's source key and the clinician-only texts
    "source", "class_", "as_written", "why", "discuss", "group",
    # a form's step: when it is printed (no_areas, two_copies ...)
    "when",
})  # fmt: skip


# One step of a walk: (field path, owner, field, value, direct). ``owner`` is the struct whose
# field holds the value; ``direct``: the value is that field's own value, not something inside
# it. Plain tuples, not a NamedTuple: a cold build walks a few hundred thousand of them.
Step = tuple[str, Any, str, Any, bool]
AT, OWNER, FIELD, VALUE, DIRECT = range(5)


def walk(obj: Any, at: str = "$") -> list[Step]:
    """Every value inside the struct ``obj``, depth first, in field order.

    A list, so one walk of a document can answer every question below (pass it instead of
    the document).
    """
    out: list[Step] = []
    add = out.append
    todo = [(f"{at}.{n}", obj, n, getattr(obj, n), True) for n in reversed(obj.__struct_fields__)]
    pop, push = todo.pop, todo.extend
    while todo:
        step = pop()
        add(step)
        path, owner, name, value, _ = step
        if isinstance(value, msgspec.Struct):
            fields = value.__struct_fields__
            push([(f"{path}.{n}", value, n, getattr(value, n), True) for n in reversed(fields)])
        elif isinstance(value, dict):
            items = list(value.items())
            push([(f"{path}.{k}", owner, name, v, False) for k, v in reversed(items)])
        elif isinstance(value, (list, tuple)):
            push(
                [
                    (f"{path}[{i}]", owner, name, value[i], False)
                    for i in range(len(value) - 1, -1, -1)
                ]
            )
    return out


def _steps(obj: Any) -> list[Step]:
    return obj if isinstance(obj, list) else walk(obj)


def texts(obj: Any) -> Iterator[tuple[str, str]]:
    """(field path, text) for every string a reader may see inside ``obj``."""
    for at, _, name, value, _ in _steps(obj):
        if isinstance(value, str) and name not in NOT_TEXT:
            yield at, value


def keys(obj: Any, name: str) -> Iterator[tuple[str, str]]:
    """(field path, value) for each entry of every list field called ``name`` (``refs``,
    ``rules_out``, ``areas``) anywhere inside ``obj``."""
    for at, _, field, value, direct in _steps(obj):
        if field == name and not direct:
            yield at, value


def ref_keys(obj: Any) -> list[str]:
    """The reference keys a document's statements cite (``refs``), each once, in reading
    order: a block's own keys before the keys of its list lines."""
    found: list[str] = []
    for _, _, field, value, direct in _steps(obj):
        if isinstance(value, Block):
            found += value.refs
            found += [k for i in value.items if isinstance(i, Item) for k in i.refs]
        elif field == "refs" and not direct:
            found.append(value)
    return list(dict.fromkeys(found))


def unsourced(obj: Any) -> Iterator[str]:
    """The path of each patient-facing statement (a paragraph or a list line of a block or
    section) that has no reference key, neither its own nor its block's."""
    blocks = [(s[AT], s[VALUE]) for s in _steps(obj) if isinstance(s[VALUE], Block)]
    if isinstance(obj, Block):
        blocks.insert(0, ("$", obj))
    for at, block in blocks:
        for i, item in enumerate(block.items):
            if not block.refs and not (isinstance(item, Item) and item.refs):
                yield f"{at}.items[{i}]"
        if block.text is not None and not block.refs:
            yield f"{at}.text"


def translations(obj: Any) -> Iterator[tuple[str, dict]]:
    """(field path, mapping) for every text given per language (``{en: ..., es: ...}``).

    A mapping-valued field of a struct is such a text, except in ``Labels``, whose ``labels``
    and ``defaults`` are mappings of names to texts: there the texts are one level down.
    """
    for at, owner, _, value, direct in _steps(obj):
        if isinstance(value, dict) and direct != isinstance(owner, Labels):
            yield at, value
