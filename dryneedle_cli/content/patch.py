"""One layer's version of an item (``Version``) and patches: a file that changes an item of a
layer below (``set`` fields, ``add`` to lists) instead of copying it. Used by ``build`` (which
merges the layers), ``checks`` (which points at the line that set a field) and ``i18n`` (which
translates patches too); below all three, so none of them imports another for these."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from dryneedle_cli.content.kinds import Kind
from dryneedle_cli.content.layers import Layer
from dryneedle_cli.content.yamlfile import error_at, explain


class _Patch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: str
    set: dict[str, Any] = {}
    add: dict[str, list[Any]] = {}


@dataclass
class Version:
    """One layer's version of an item: the file it came from, and what happened there."""

    layer: Layer
    path: Path
    kind: Kind
    doc: Any
    note: str
    at: str = "$"  # where the item sits in its file: ``$.terms[3]`` for an item of a list
    patch: _Patch | None = None  # set when this version is a patch of the one below
    base: dict | None = None  # the item below, as plain data, for locating patch errors
    own: Any = None  # labels: what this file itself set (``doc`` is the merge so far)

    def where(self, at: str) -> tuple[Path, str]:
        """Where to point at a field of this version: in a patch, the line that set it."""
        if self.patch is None:
            return self.path, at
        return self.path, _patch_path(self.patch, self.base or {}, at)


def apply_patch(path: Path, kind: Kind, below: Any, patch: _Patch) -> tuple[Any, dict]:
    """(``below`` with the patch's ``set`` and ``add`` applied, ``below`` as plain data); a
    ContentError at the patch's own line if it cannot be."""
    base = msgspec.to_builtins(below, builtin_types=(dt.date,))
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
        return msgspec.convert(data, type=kind.model, strict=True), base
    except msgspec.ValidationError as e:
        # the same words as the same mistake in a plain file, at the patch's line
        where, message, key = explain(e)
        raise error_at(path, _patch_path(patch, base, where), message, key=key) from None


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
