"""Translations: every layer's ``i18n/<lang>/`` tree, laid over the English knowledge base.

A translation file mirrors one English file: it sits at ``i18n/<lang>/`` + the English file's
path in a layer (``i18n/es/conditions/neck-pain.yaml``), keeps its ids, keys and every value
that is not text, gives its own text for each field its kind lists as text
(``kinds.Kind.text``) and its own search words (``kinds.Kind.words``), and adds a block:

    translation:
      lang: es
      translator: ...             # who translated it
      reviser: null               # the second person who revised it (null: draft, awaiting review)
      date: 2026-11-23
      source_hash: 48e18ebe619482a6   # ``build.source_hash`` of the English it was made from

Which translation a page uses: an English file F in layer X (a whole file or a patch) is
translated by a file at F's path under ``i18n/<lang>/`` in X or any layer above it whose
``source_hash`` is F's; the highest one wins, so a clinic corrects a built-in translation by
copying it into its own folder and editing it. A page made of a file and patches on it needs a
translation of each. A translation whose hash is not its English's is stale: never used (the
English may have changed a warning), and ``validate`` says so. Glossary terms and regions are
paired by key (a correction may hold only the items it corrects); labels by name, and a label
whose English has no letters ("000", "") needs none.

A page with no usable translation keeps its English in the translated knowledge base, marked in
``KnowledgeBase.untranslated`` with the reason and the fix; the query layer never shows it in
that language (``query.pages``). A translation that does not mirror its English is a
``ContentError`` naming the translation file, line and field: fatal for that language in the
built-in files, and in a clinic's folder the file is left out with a warning, as English files
are. Imported only when a language other than English is built (a cache miss) or validated.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from dryneedle_cli import languages
from dryneedle_cli.content import kinds
from dryneedle_cli.content.kinds import I18N, Kind, Merge
from dryneedle_cli.content.layers import (
    Layer,
    inside,
    language_folder,
    layer_files,
    stray_files,
)
from dryneedle_cli.content.yamlfile import error_at
from dryneedle_cli.errors import ContentError
from dryneedle_cli.model import KnowledgeBase, Labels, Translation
from dryneedle_cli.query.search import build_index

if TYPE_CHECKING:
    from dryneedle_cli.content.build import Builder, Version

LANG_RE = re.compile(r"^[a-z]{2,3}$")
OWN = frozenset({"reviewed_on", "reviewed_by"})  # the English file's review: taken from it
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
DRAFT = "draft, awaiting review"
NAMES = languages.NAMES


@functools.cache
def translated_model(model: type) -> type:
    """``model`` with its ``translation`` block, as a translation file is read."""
    return msgspec.defstruct(
        f"Translated{model.__name__}",
        [("translation", Translation)],
        bases=(model,),
        kw_only=True,
        frozen=True,
        forbid_unknown_fields=True,
    )


def _plain(doc: Any, model: type) -> Any:
    """A translation file's object as ``model`` (the translation block left off)."""
    return model(**{f: getattr(doc, f) for f in model.__struct_fields__})


@dataclass
class Candidate:
    """One translation file of one layer."""

    rank: int  # its layer's place, lowest first
    layer: Layer
    path: Path
    kind: Kind
    info: Translation
    doc: Any  # the kind's model (or a patch), without the translation block
    patch: bool


# --------------------------------------------------------------------------- mirroring


def _is_text(value: Any) -> bool:
    """A text: a string, or a mapping by language with English."""
    if isinstance(value, str):
        return True
    return (
        isinstance(value, dict)
        and isinstance(value.get("en"), str)
        and all(isinstance(v, str) for v in value.values())
    )


def _english_text(value: Any) -> str:
    return value if isinstance(value, str) else value["en"]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER_RE.findall(text))


def mirror(en: Any, tr: Any, kind: Kind, at: str = "$") -> list[tuple[str, str]]:
    """(field path, problem) wherever the translation ``tr`` does not mirror the English
    ``en`` (both as plain data): a value that is not text differs, a list is longer or
    shorter, a text is missing, empty, not plain text, or drops or adds a placeholder."""
    out: list[tuple[str, str]] = []
    _mirror(en, tr, kind.text, kind.words, at, None, out)
    return out


def _entries(n: int) -> str:
    return "1 entry" if n == 1 else f"{n} entries"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _mirror(en, tr, text, words, at, field, out) -> None:
    if field in words or field in OWN:
        return
    if field in text and _is_text(en):
        english = _english_text(en)
        if not isinstance(tr, str):
            out.append((at, "must be plain text in the translation's language"))
        elif english.strip() and not tr.strip():
            out.append((at, "is empty; translate the English text"))
        elif placeholders(english) != placeholders(tr):
            want = ", ".join(f"{{{p}}}" for p in placeholders(english)) or "none"
            out.append((at, f"must keep the English text's placeholders ({want}), no more"))
        return
    if isinstance(en, (list, tuple)):
        if not isinstance(tr, (list, tuple)) or len(tr) != len(en):
            n = len(tr) if isinstance(tr, (list, tuple)) else 0
            out.append((
                at, f"has {_entries(n)} where the English has {_entries(len(en))}; translate "
                "each, add or drop none",
            ))  # fmt: skip
            return
        for i, (a, b) in enumerate(zip(en, tr, strict=True)):
            _mirror(a, b, text, words, f"{at}[{i}]", field, out)
        return
    if isinstance(en, dict) and isinstance(tr, dict):
        for k, v in en.items():
            _mirror(v, tr.get(k), text, words, f"{at}.{k}", k, out)
        return
    if en != tr:
        out.append((
            at, f"is {_show(tr)} where the English has {_show(en)}; only text is translated, "
            "so this must be as in the English",
        ))  # fmt: skip


def _own_problems(doc: Any) -> list[tuple[str, str]]:
    """What a translation may not do whatever its English: reply words that mean two answers
    in a screening file (the English file's own check, ``checks.reply_problems``)."""
    from dryneedle_cli.model import ScreenWords

    words = getattr(doc, "words", None)
    if isinstance(words, ScreenWords):
        from dryneedle_cli.content.checks import reply_problems

        return reply_problems(words)
    return []


def _data(doc: Any) -> Any:
    import datetime as dt

    return msgspec.to_builtins(doc, builtin_types=(dt.date,))


# --------------------------------------------------------------------------- the translator


class Translator:
    """The knowledge base of one language, from a builder that has read and checked the
    English layers."""

    def __init__(self, builder: Builder, lang: str):
        self.b, self.lang = builder, lang
        self.rank = {id(layer): n for n, layer in enumerate(builder.layers)}
        self.files: dict[str, list[Candidate]] = {}  # English path in a layer -> highest first
        self.untranslated: dict[str, str] = {}
        self.trail: list[dict] = []
        self.provenance: dict[str, list[str]] = {}
        self._hashes: dict[str, set] | None = None
        # item (as in provenance) -> its translation file, and where the item sits in it
        self.where: dict[str, tuple[Path, str]] = {}

    # ------------------------------------------------------------------ reading

    def read(self) -> None:
        for rank, layer in enumerate(self.b.layers):
            root = layer.root / I18N / self.lang
            if not language_folder(layer, root):
                continue  # a link leading out is reported by ``strays``, never walked
            if not layer.builtin:
                for err in stray_files(root):
                    self.b.problem(layer, err)
            try:
                home = layer.root.resolve()
            except (OSError, RuntimeError):
                home = None
            for path, kind, is_patch in layer_files(root):
                try:
                    if not layer.builtin:
                        inside(layer.root, path, home)
                    self._read(rank, layer, root, path, kind, is_patch)
                except ContentError as err:
                    self.b.problem(layer, err)
        for found in self.files.values():
            found.sort(key=lambda c: -c.rank)

    def strays(self, layer: Layer) -> None:
        """A clinic's ``i18n/`` holds one folder per language, named by its code."""
        folder = layer.root / I18N
        with contextlib.suppress(OSError):
            for entry in sorted(folder.iterdir()):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir() and not language_folder(layer, entry):
                    self.b.problem(layer, ContentError(
                        str(entry), "is not read: a link leading out of the content folder; "
                        "copy the translations in instead",
                    ))  # fmt: skip
                    continue
                if not (LANG_RE.match(entry.name) and entry.is_dir()) or entry.name == "en":
                    self.b.problem(layer, ContentError(
                        str(entry), "is not read: i18n/ holds one folder per language, named "
                        "by its code in lowercase (es, fr); English is the files outside i18n/",
                    ))  # fmt: skip

    def _read(self, rank, layer, root, path, kind, is_patch) -> None:
        from dryneedle_cli.content.build import _Patch

        rel = path.relative_to(root).as_posix()
        if not kind.translated:
            raise ContentError(
                str(path),
                f"{kind.file or kind.folder} is not translated (it is for the clinician, in "
                "its original language); remove this file",
            )
        base = _Patch if is_patch else kind.model
        doc = self.b.load(path, kind, is_patch, model=translated_model(base))
        if doc.translation.lang != self.lang:
            raise error_at(
                path,
                "$.translation.lang",
                f"translation.lang is '{doc.translation.lang}' in the {self.lang} folder; "
                "move the file or correct it",
            )
        self.files.setdefault(rel, []).append(
            Candidate(rank, layer, path, kind, doc.translation, _plain(doc, base), is_patch)
        )

    # ------------------------------------------------------------------ pairing

    def _rel(self, version: Version) -> str:
        return version.path.relative_to(version.layer.root).as_posix()

    def candidates(self, version: Version) -> tuple[list[Candidate], str | None]:
        """(the translations of ``version``'s file, highest first, whose hash is its hash;
        why there are none: its text starts with "its translation" when one is stale)."""
        rel = self._rel(version)
        rank = self.rank[id(version.layer)]
        found = [c for c in self.files.get(rel, []) if c.rank >= rank]
        want = self.b.hashes.get(str(version.path))
        good = [c for c in found if c.info.source_hash == want]
        # Stale: made from no English file of this name. A clinic's own glossary.yaml and its
        # translation are not a stale translation of the built-in glossary.yaml.
        others = self.english_hashes().get(rel, set())
        stale = [c for c in found if c.info.source_hash not in others]
        best = good[0].rank if good else -1
        for old in [c for c in stale if c.rank > best][:1]:
            used = f"; {good[0].path} is used instead" if good else ""
            self.b.warn(
                error_at(
                    old.path,
                    "$.translation.source_hash",
                    f"stale: the English {version.path} changed since this translation was "
                    f"made (source_hash {old.info.source_hash}, the English is now "
                    f'"{want}"){used}; update the translation to match, then its source_hash',
                )
            )
        if good:
            return good, None
        target = version.layer.root / I18N / self.lang / rel
        if not stale:
            return [], f'no translation of {version.path}; add {target} (source_hash: "{want}")'
        return [], (
            f"its translation {stale[0].path} is stale (the English {version.path} changed "
            "since); update it and its source_hash"
        )

    def english_hashes(self) -> dict[str, set[str]]:
        """The hashes of the English files of each name (relative to their layer)."""
        if self._hashes is None:
            self._hashes = {}
            for kind in kinds.KINDS:
                for _, stack in self.b.stacks_of(kind):
                    for v in stack:
                        key = self._rel(v)
                        self._hashes.setdefault(key, set()).add(self.b.hashes.get(str(v.path)))
        return self._hashes

    def _problem(self, cand: Candidate, at: str, message: str, patch=None, base=None) -> None:
        """Report a translation that does not mirror its English (raises for the built-in)."""
        if patch is not None:
            from dryneedle_cli.content.build import _patch_path

            at = _patch_path(patch, base or {}, at)
        err = error_at(cand.path, at, f"the translation does not match the English: {message}")
        self.b.problem(cand.layer, err)

    def _use(self, key: str, cand: Candidate, ident: str, at: str = "$") -> None:
        reviser = cand.info.reviser
        self.trail.append({
            "lang": self.lang, "item": key, "file": str(cand.path), "layer": cand.layer.name,
            "translator": cand.info.translator, "reviser": reviser,
            "date": cand.info.date.isoformat(), "status": "in use", "reason": None,
        })  # fmt: skip
        self.where[ident] = (cand.path, at)
        people = f"translator {cand.info.translator}; " + (
            f"reviser {reviser}" if reviser else DRAFT
        )
        self.provenance.setdefault(ident, []).append(
            f"translated ({self.lang}) by {cand.layer.name}: {cand.path} ({people})"
        )

    def _missing(self, key: str, reason: str, english: Path, stale: bool = False) -> None:
        """``key`` has no usable translation; ``validate`` lists it (a stale one is reported
        at the translation file already)."""
        self.untranslated[key] = reason
        if self.b.strict and not stale:
            self.b.warn(ContentError(
                str(english), f"not translated into {languages.name(self.lang)}: {reason}"
            ))  # fmt: skip
        self.trail.append({
            "lang": self.lang, "item": key, "file": None, "layer": None, "translator": None,
            "reviser": None, "date": None, "status": "untranslated", "reason": reason,
        })  # fmt: skip

    # ------------------------------------------------------------------ each kind

    def document(self, kind: Kind, ident: str, stack: list[Version]) -> Any | None:
        """A page (a file and the patches on it) in this language, or None."""
        from dryneedle_cli.content.build import apply_patch

        key = f"{kind.name}:{ident}"
        start = max(n for n, v in enumerate(stack) if v.patch is None)
        doc = None
        for version in stack[start:]:
            good, reason = self.candidates(version)
            if reason:
                self._missing(key, reason, version.path, reason.startswith("its translation"))
                return None
            english = _data(version.doc)
            for cand in good:
                if version.patch is None:
                    made = cand.doc
                    where = {}
                else:
                    try:
                        made, base = apply_patch(cand.path, kind, doc, cand.doc)
                    except ContentError as err:
                        self.b.problem(cand.layer, err)
                        continue
                    where = {"patch": cand.doc, "base": base}
                problems = mirror(english, _data(made), kind)
                for at, message in problems:
                    self._problem(cand, at, message, **where)
                    break  # one problem a file: it is left out whatever the rest
                own = _own_problems(made)
                if not problems and own:
                    self.b.problem(cand.layer, error_at(cand.path, *own[0]))
                    problems = own
                if not problems:
                    doc = made
                    self._use(key, cand, ident)
                    break
            else:
                self._missing(
                    key, f"its translation {good[0].path} does not match the English", version.path
                )
                return None
        top = stack[-1].doc
        return msgspec.structs.replace(doc, **{f: getattr(top, f) for f in OWN if hasattr(top, f)})

    def items(self, kind: Kind) -> dict[str, Any]:
        """The items of a list file (glossary terms, regions) in this language, by key."""
        out = {}
        keys_of: dict[str, set[str]] = {}
        for ident, stack in self.b.stacks_of(kind):
            for v in stack:
                keys_of.setdefault(str(v.path), set()).add(ident)
        checked: set[str] = set()
        for ident, stack in self.b.stacks_of(kind):
            version, key = stack[-1], f"{kind.name}:{ident}"
            good, reason = self.candidates(version)
            if reason:
                self._missing(key, reason, version.path, reason.startswith("its translation"))
                continue
            english = _data(version.doc)
            for cand in good:
                if str(cand.path) not in checked:  # items the English file does not have
                    checked.add(str(cand.path))
                    self._unknown_items(kind, cand, keys_of.get(str(version.path), set()))
                items = getattr(cand.doc, kind.items)
                n = next((n for n, i in enumerate(items) if getattr(i, kind.key) == ident), None)
                if n is None:
                    continue  # a correction of other items
                at = f"$.{kind.items}[{n}]"
                problems = mirror(english, _data(items[n]), kind, at)
                if problems:
                    self._problem(cand, *problems[0])
                    continue
                out[ident] = items[n]
                self._use(key, cand, f"{kind.name}:{ident}", at)
                break
            else:
                target = version.layer.root / I18N / self.lang / self._rel(version)
                self._missing(
                    key, f"no translation of {kind.item_word} '{ident}'; add it to {target}",
                    version.path,
                )  # fmt: skip
        return out

    def _unknown_items(self, kind: Kind, cand: Candidate, english: set[str]) -> None:
        for n, item in enumerate(getattr(cand.doc, kind.items)):
            ident = getattr(item, kind.key)
            if ident not in english:
                self._problem(
                    cand, f"$.{kind.items}[{n}].{kind.key}",
                    f"{kind.item_word} '{ident}' is not in the English file",
                )  # fmt: skip

    def labels(self, kind: Kind) -> Labels:
        """The labels in this language: each label from a translation of the file that set its
        English; a label whose English has no letters ("000", "") is the same in every
        language."""
        found: dict[str, dict[str, Any]] = {"labels": {}, "defaults": {}}
        missing: list[str] = []
        fixes: list[str] = []
        files: list[Path] = []
        stack = next(s for _, s in self.b.stacks_of(kind))
        for version in stack:
            own = version.own or version.doc
            good, reason = self.candidates(version)
            for cand in good:
                self._labels_file(cand, own)
            used: list[Candidate] = []
            for group in ("labels", "defaults"):
                for label, english in getattr(own, group).items():
                    value, cand = self._label(good, group, label, english)
                    if cand is not None:
                        used += [cand] if cand not in used else []
                    elif not re.search(r"[^\W\d_]", _english_text(english)):
                        value = _english_text(english)
                    else:
                        missing.append(f"{group}.{label}")
                        fixes.append(reason or f"add it to {good[0].path}")
                        files.append(version.path)
                        value = _english_text(english)
                    found[group][label] = value
            for cand in used:
                self._use("labels:labels", cand, kind.name)
        if missing:
            more = " ..." if len(missing) > 5 else ""
            self._missing(
                "labels:labels",
                f"labels not translated: {', '.join(missing[:5])}{more} ({fixes[0]})",
                files[0],
            )
        top = stack[-1].doc
        return msgspec.structs.replace(top, labels=found["labels"], defaults=found["defaults"])

    def _labels_file(self, cand: Candidate, own: Labels) -> None:
        """A translation of a labels file: the same overview topic, no label the English lacks."""
        if cand.doc.overview_topic and cand.doc.overview_topic != own.overview_topic:
            self._problem(cand, "$.overview_topic", "overview_topic must be the English one")
        for group in ("labels", "defaults"):
            for label in getattr(cand.doc, group):
                if label not in getattr(own, group):
                    self._problem(
                        cand, f"$.{group}.{label}", f"the English file has no {group} '{label}'"
                    )

    def _label(self, good, group, label, english) -> tuple[Any, Candidate | None]:
        """(a label's translation, the file it came from), or (None, None)."""
        for cand in good:
            value = getattr(cand.doc, group).get(label)
            if value is None:
                continue
            problems: list[tuple[str, str]] = []
            _mirror(english, value, {group}, frozenset(), f"$.{group}.{label}", group, problems)
            if problems:
                self._problem(cand, *problems[0])
                continue
            return value, cand
        return None, None

    # ------------------------------------------------------------------ the result

    def knowledge_base(self, english: KnowledgeBase) -> KnowledgeBase:
        content: dict[str, Any] = {}
        for kind in kinds.KINDS:
            current = self.b.current(kind)
            if not kind.translated:
                made = current
            elif kind.merge is Merge.LABELS:
                made = {kind.name: self.labels(kind)}
            elif kind.merge is Merge.ITEMS:
                made = {**current, **self.items(kind)}
            else:
                made = dict(current)
                for ident, stack in self.b.stacks_of(kind):
                    doc = self.document(kind, ident, stack)
                    if doc is not None:
                        made[ident] = doc
            content[kind.kb] = next(iter(made.values())) if kind.one else made
        content["regions"] = {
            i: _both(r, english.regions[i]) for i, r in content["regions"].items()
        }
        topics, conditions = content["topics"], content["conditions"]
        index, clashes = build_index(topics, conditions, content["glossary"])
        for key, target in english.index.items():  # English names find pages too
            index.setdefault(key, target)
        for key, first, second in clashes:
            path, at = (self.where.get(second) or self.where.get(f"glossary:{second}")
                        or (self.b.layers[0].root / I18N / self.lang, "$"))  # fmt: skip
            self.b.warn(error_at(
                path, f"{at}.aliases",
                f"the {NAMES.get(self.lang, self.lang)} name '{key}' is used by both '{first}' "
                f"and '{second}'; '{first}' wins",
            ))  # fmt: skip
        provenance = dict(english.provenance)
        for k, lines in self.provenance.items():
            provenance[k] = [*provenance.get(k, []), *lines]
        return KnowledgeBase(
            **content,
            sources=dict(english.sources),
            index=index,
            codes=dict(english.codes),
            warnings=[str(w) for w in self.b.result.skipped],
            provenance=provenance,
            lang=self.lang,
            untranslated=self.untranslated,
            trail=self.trail,
        )


def _both(region, english):
    """A region in this language that also answers to its English name and aliases."""
    words = [english.name if isinstance(english.name, str) else english.name["en"],
             *english.aliases]  # fmt: skip
    aliases = tuple(dict.fromkeys([*region.aliases, *words]))
    shared = tuple(dict.fromkeys([*region.shared_aliases, *english.shared_aliases]))
    return msgspec.structs.replace(region, aliases=aliases, shared_aliases=shared)


def translate(builder: Builder, lang: str) -> KnowledgeBase | None:
    """The knowledge base in ``lang`` (None when a built-in translation is broken: the
    builder's errors say why)."""
    english = builder.result.kb
    errors = len(builder.result.errors)
    t = Translator(builder, lang)
    if not getattr(builder, "i18n_checked", False):  # once, whatever the languages
        builder.i18n_checked = True
        for layer in builder.layers:
            if not layer.builtin and (layer.root / I18N).is_dir():
                t.strays(layer)
        if builder.strict:
            _inline(builder)
    t.read()
    kb = t.knowledge_base(english)
    if len(builder.result.errors) > errors:
        return None
    return kb


def _inline(builder: Builder) -> None:
    """A warning for texts that give other languages inline (``{en: ..., es: ...}``): only
    translation files are used, since they carry a review trail."""
    from dryneedle_cli.content import walk

    for kind in kinds.KINDS:
        for _, stack in builder.stacks_of(kind):
            for version in stack:
                for at, text in walk.translations(version.own or version.doc):
                    others = sorted(k for k in text if k != "en")
                    if others:
                        builder.warn(error_at(
                            *version.where(at),
                            f"the {', '.join(others)} text here is not used: translations go in "
                            f"i18n/<lang>/{version.path.relative_to(version.layer.root).as_posix()}"
                            " with their translator, reviser and source_hash",
                        ))  # fmt: skip
                        break
