"""The one walk over a model object: every value inside it, with its field path.

``walk`` is the only recursion over the model; the questions asked of it (the texts a reader
sees, the reference keys or areas used, the statements with no reference, the texts given per
language) are filters over what it yields. The builder's checks and the query layer's
reference lists both use it, so they cannot disagree about where a key may sit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import msgspec

from dryneedle_cli.model import Block, Item, Labels

# Fields that hold ids, keys, codes, names for the search index or clinician notes: never text
# a patient reads on a page.
NOT_TEXT = frozenset({
    "id", "refs", "rules_out", "near_lungs", "references", "areas", "related", "see", "region",
    "reviewed_by", "reviewed_on", "aliases", "icd10", "icd10_cm", "note",
})  # fmt: skip


class Step(NamedTuple):
    at: str  # field path: ``$.sections[1].items[0].refs[2]``
    owner: Any  # the struct whose field holds the value
    field: str  # that field's name
    value: Any
    direct: bool  # the value is the field's own value, not something inside it


def walk(obj: Any, at: str = "$") -> Iterator[Step]:
    """Every value inside the struct ``obj``, depth first, in field order."""
    for name in obj.__struct_fields__:
        yield from _inside(obj, name, getattr(obj, name), f"{at}.{name}", True)


def _inside(owner: Any, name: str, value: Any, at: str, direct: bool) -> Iterator[Step]:
    yield Step(at, owner, name, value, direct)
    if isinstance(value, msgspec.Struct):
        yield from walk(value, at)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _inside(owner, name, v, f"{at}.{k}", False)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _inside(owner, name, v, f"{at}[{i}]", False)


def texts(obj: Any) -> Iterator[tuple[str, str]]:
    """(field path, text) for every string a reader may see inside ``obj``."""
    for step in walk(obj):
        if isinstance(step.value, str) and step.field not in NOT_TEXT:
            yield step.at, step.value


def keys(obj: Any, name: str) -> Iterator[tuple[str, str]]:
    """(field path, value) for each entry of every list field called ``name`` (``refs``,
    ``rules_out``, ``areas``) anywhere inside ``obj``."""
    for step in walk(obj):
        if step.field == name and not step.direct:
            yield step.at, step.value


def ref_keys(obj: Any) -> list[str]:
    """The reference keys a document's statements cite (``refs``), each once, in reading
    order: a block's own keys before the keys of its list lines."""
    found: list[str] = []
    for step in walk(obj):
        if isinstance(step.value, Block):
            found += step.value.refs
            found += [k for i in step.value.items if isinstance(i, Item) for k in i.refs]
        elif step.field == "refs" and not step.direct:
            found.append(step.value)
    return list(dict.fromkeys(found))


def unsourced(obj: Any) -> Iterator[str]:
    """The path of each patient-facing statement (a paragraph or a list line of a block or
    section) that has no reference key, neither its own nor its block's."""
    blocks = (step for step in walk(obj) if isinstance(step.value, Block))
    if isinstance(obj, Block):
        blocks = iter([Step("$", None, "", obj, True), *blocks])
    for step in blocks:
        block = step.value
        for i, item in enumerate(block.items):
            if not block.refs and not (isinstance(item, Item) and item.refs):
                yield f"{step.at}.items[{i}]"
        if block.text is not None and not block.refs:
            yield f"{step.at}.text"


def translations(obj: Any) -> Iterator[tuple[str, dict]]:
    """(field path, mapping) for every text given per language (``{en: ..., es: ...}``).

    A mapping-valued field of a struct is such a text, except in ``Labels``, whose ``labels``
    and ``defaults`` are mappings of names to texts: there the texts are one level down.
    """
    for step in walk(obj):
        if isinstance(step.value, dict) and step.direct != isinstance(step.owner, Labels):
            yield step.at, step.value
