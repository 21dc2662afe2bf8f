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
      source_hash:                # ``stamp``: one hash per part of the English it was made from
        name: 3f2a9c1b0d4e
        summary: 7c1e0b2a9f31

Stale part by part. A page in a language is the English page (its ids, codes, references,
areas: never translated) with each part that holds text taken from the highest translation made
from that part's English as it is now: a whole-file translation of that page's file name in any
layer (so the built-in translation still serves a clinic's copy of the file for every part the
clinic left as it was), or a translation of the clinic patch that changed the part. Its search
words are the translation's own: an alias the English adds is not a word of this language. A
part whose English has no translation left (a clinic changed a summary, one item of a sheet's
sections) takes the page out of the language: it is never shown mixed, and ``untranslated``
says which part, which English file changed it, and the translation file to add. ``validate``
warns at a translation made from other English, and sums up per language (``validate``).

Glossary terms, regions and reference labels are paired by key, each item stamped on its own
(a correction may hold only the items it corrects); labels one by one, and a label whose
English has no letters ("000", "") needs none. A page out of a language still answers to its
names in it (from its stale translation), so that a query for it says it is not translated
and never lands on another page (``query.pages``).

A translation that does not mirror the English it was made from (the file at its path in its
own layer or the nearest below) is a ``ContentError`` naming the translation file, line and
field: fatal for that language in the built-in files, and in a clinic's folder the file is left
out with a warning, as English files are. Imported only when a language other than English is
built (a cache miss) or validated.
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
from dryneedle_cli.content.index import build_index, normalize
from dryneedle_cli.content.kinds import I18N, Kind, Merge
from dryneedle_cli.content.layers import (
    Layer,
    inside,
    language_folder,
    layer_files,
    stray_files,
)
from dryneedle_cli.content.patch import Version
from dryneedle_cli.content.stamp import (
    english_text,
    has_words,
    is_text,
    label_hash,
    part_hash,
    stamp,
)
from dryneedle_cli.content.yamlfile import error_at
from dryneedle_cli.errors import ContentError
from dryneedle_cli.model import KnowledgeBase, Labels, Translation

if TYPE_CHECKING:
    from dryneedle_cli.content.build import Builder

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


@dataclass(eq=False)
class Candidate:
    """One translation file of one layer."""

    rank: int  # its layer's place, lowest first
    layer: Layer
    path: Path
    kind: Kind
    info: Translation
    doc: Any  # the kind's model (or a patch), without the translation block
    patch: bool
    rel: str = ""  # the English file's path in a layer it translates


# --------------------------------------------------------------------------- mirroring


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
    if field in text and is_text(en):
        english = english_text(en)
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


def overlay(en: Any, tr: Any, text, words, field: str | None = None) -> Any:
    """The English value ``en`` with the translation's text and search words in their places
    and everything else (ids, codes, references, areas) the English's. Where the shapes differ
    the translation's value is kept, for ``mirror`` to report."""
    if field in OWN:
        return en
    if field in words:
        return en if tr is None else tr
    if field in text and is_text(en):
        return tr
    if isinstance(en, (list, tuple)):
        if not isinstance(tr, (list, tuple)) or len(tr) != len(en):
            return tr
        return [overlay(a, b, text, words, field) for a, b in zip(en, tr, strict=True)]
    if isinstance(en, dict):
        if not isinstance(tr, dict):
            return en
        return {k: overlay(v, tr.get(k), text, words, k) for k, v in en.items()}
    return en


def _hashes(version, fields: list[str]) -> str:
    """'sections: "09ab..."': the stamp a translation of these fields of ``version`` needs."""
    parts = stamp(version.kind, _data(version.doc))
    return ", ".join(f'{f}: "{parts[f]}"' for f in fields if f in parts)


def _words_ok(value: Any, field: str) -> bool:
    """A translated patch's search words (a list of texts), or none given."""
    if value is None or field == "words":  # a form's words: a mapping, checked with the form
        return True
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _fields(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


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


class Pairing:
    """The translation files of one language in every layer (``read``), each paired with the
    English it mirrors: the stamp of the English it was made from (``stamp``), whether it
    mirrors that English (``mirrors``), and a problem reported on the file (``problem``)."""

    def __init__(self, builder: Builder, lang: str):
        self.b, self.lang = builder, lang
        self.rank = {id(layer): n for n, layer in enumerate(builder.layers)}
        self.files: dict[str, list[Candidate]] = {}  # English path in a layer -> highest first
        self._hashes: dict[tuple[str, str], list] | None = None
        self._stamps: dict[int, dict[str, str]] = {}
        self._checked: dict[int, bool] = {}

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
        from dryneedle_cli.content.patch import _Patch

        rel = path.relative_to(root).as_posix()
        if not kind.translated:
            raise ContentError(
                str(path),
                f"{kind.file or kind.folder} is not translated (it is for the clinician, in "
                "its original language); remove this file",
            )
        base = _Patch if is_patch else (kind.translation or kind.model)
        doc = self.b.load(path, kind, is_patch, model=translated_model(base))
        if doc.translation.lang != self.lang:
            raise error_at(
                path,
                "$.translation.lang",
                f"translation.lang is '{doc.translation.lang}' in the {self.lang} folder; "
                "move the file or correct it",
            )
        self.files.setdefault(rel, []).append(
            Candidate(rank, layer, path, kind, doc.translation, _plain(doc, base), is_patch, rel)
        )

    def rel(self, version: Version) -> str:
        return version.path.relative_to(version.layer.root).as_posix()

    def target(self, version: Version) -> Path:
        """Where the translation of ``version``'s file goes, in its own layer."""
        return version.layer.root / I18N / self.lang / self.rel(version)

    def _by_hash(self) -> dict[tuple[str, str], list[Version]]:
        """(English path in its layer, whole-file hash) -> its versions: what an old
        whole-file stamp was made from."""
        if self._hashes is None:
            self._hashes = {}
            for kind in kinds.KINDS:
                for _, stack in self.b.stacks_of(kind):
                    for v in stack:
                        key = (self.rel(v), self.b.hashes.get(str(v.path), ""))
                        self._hashes.setdefault(key, []).append(v)
        return self._hashes

    def stamp(self, cand: Candidate) -> dict[str, str]:
        """The per-part hashes of the English ``cand`` was made from ({} when an old
        whole-file stamp matches no English file)."""
        given = cand.info.source_hash
        if isinstance(given, dict):
            return given
        memo = self._stamps.get(id(cand))
        if memo is None:
            versions = self._by_hash().get((cand.rel, given), [])
            memo = {}
            if versions and cand.kind.merge is Merge.ITEMS:
                memo = stamp(cand.kind, {cand.kind.items: [_data(v.doc) for v in versions],
                                         })  # fmt: skip
            elif versions:
                v = versions[0]
                memo = stamp(cand.kind, _data(v.own or v.doc))
            self._stamps[id(cand)] = memo
        return memo

    def problem(self, cand: Candidate, at: str, message: str, patch=None, base=None) -> None:
        """Report a translation that does not mirror its English (raises for the built-in)."""
        if patch is not None:
            from dryneedle_cli.content.patch import _patch_path

            at = _patch_path(patch, base or {}, at)
        err = error_at(cand.path, at, f"the translation does not match the English: {message}")
        self.b.problem(cand.layer, err)

    def made_from(self, cand: Candidate, stack: list[Version]) -> Version:
        """The English file a whole-file translation mirrors: the one at its path in its own
        layer or the nearest layer below (else the lowest)."""
        whole = [v for v in stack if v.patch is None and self.rel(v) == cand.rel]
        below = [v for v in whole if self.rank[id(v.layer)] <= cand.rank]
        return (below or whole or stack)[-1 if below else 0]

    def mirrors(self, cand: Candidate, kind: Kind, stack: list[Version]) -> bool:
        """Whether a whole-file translation mirrors the English it was made from (its ids,
        codes and list shapes); a problem is reported once."""
        memo = self._checked.get(id(cand))
        if memo is None:
            english = self.made_from(cand, stack)
            problems = mirror(_data(english.doc), _data(cand.doc), kind)
            for at, message in problems[:1]:  # one problem a file: it is left out
                self.problem(cand, at, message)
            memo = self._checked[id(cand)] = not problems
        return memo

    def own_ok(self, cand: Candidate) -> bool:
        """Whether a translation file may be used at all (``_own_problems``); if not, it is
        a problem of its layer and a lower layer's translation is used."""
        own = _own_problems(cand.doc)
        if own:
            self.b.problem(cand.layer, error_at(cand.path, *own[0]))
        return not own


class Record:
    """What the knowledge base of one language says of its translations: the file each item's
    text came from (``use``: the trail and provenance), and each item left out and why
    (``missing``: what is stale or not translated, and the file to add)."""

    def __init__(self, pairs: Pairing):
        self.p, self.b, self.lang = pairs, pairs.b, pairs.lang
        self.untranslated: dict[str, str] = {}
        self.trail: list[dict] = []
        self.provenance: dict[str, list[str]] = {}
        # pages left out of this language, with their names in it: (kind, id, words)
        self.words: list[tuple[str, str, list[str]]] = []
        # item (as in provenance) -> its translation file, and where the item sits in it
        self.where: dict[str, tuple[Path, str]] = {}

    def use(self, key: str, cand: Candidate, ident: str, at: str = "$") -> None:
        reviser = cand.info.reviser
        self.trail.append({
            "lang": self.lang, "item": key, "file": str(cand.path), "layer": cand.layer.name,
            "translator": cand.info.translator, "reviser": reviser,
            "date": cand.info.date.isoformat(), "status": "in use", "reason": None,
        })  # fmt: skip
        self.where.setdefault(ident, (cand.path, at))
        people = f"translator {cand.info.translator}; " + (
            f"reviser {reviser}" if reviser else DRAFT
        )
        self.provenance.setdefault(ident, []).append(
            f"translated ({self.lang}) by {cand.layer.name}: {cand.path} ({people})"
        )

    def missing(self, key: str, reason: str, english: Path, stale: bool = False) -> None:
        """``key`` has no usable translation; ``validate`` lists it (a stale one is reported
        at the translation file already)."""
        self.untranslated[key] = reason
        self.b.result.out.setdefault(self.lang, {})[key] = (reason, str(english))
        if self.b.strict and not stale:
            self.b.warn(ContentError(
                str(english), f"not translated into {languages.name(self.lang)}: {reason}"
            ))  # fmt: skip
        self.trail.append({
            "lang": self.lang, "item": key, "file": None, "layer": None, "translator": None,
            "reviser": None, "date": None, "status": "untranslated", "reason": reason,
        })  # fmt: skip

    def missing_page(self, kind, ident, fulls, reason, english, stale=False) -> None:
        """A page out of this language: said why, and still found by its names in it."""
        self.words_of(kind, ident, fulls)
        self.missing(f"{kind.name}:{ident}", reason, english, stale)

    def words_of(self, kind: Kind, ident: str, fulls) -> None:
        """A page left out of this language still answers to its names in it (from its
        stale translation), so that a query for it says it is not translated, never lands on
        another page."""
        if not fulls or kind.name not in ("topic", "condition"):
            return
        doc = fulls[0].doc
        names = [getattr(doc, f, None) for f in ("name", "title", "clinical_name")]
        words = [n for n in names if isinstance(n, str)] + list(getattr(doc, "aliases", ()))
        self.words.append((kind.name, ident, words))

    def warn_stale(self, cand: Candidate, base: Version, now: dict[str, str]) -> None:
        """``validate``: the parts of a page's highest translation made from other English
        (``now``: the stamp of the English as it is)."""
        have = self.p.stamp(cand)
        old = [f for f, h in now.items() if have.get(f) != h]
        if not old:
            return
        self.b.warn(error_at(
            cand.path, "$.translation.source_hash",
            f"stale in {_fields(old)}: the English {base.path} changed there since this "
            "translation was made; update the translation of those fields, then their "
            "source_hash (tools/restamp.py for the built-in files)",
        ))  # fmt: skip

    def stale_reason(self, stale: dict[str, Version], fulls) -> tuple[str, bool]:
        """(why a page has no translation, whether a translation of it exists but is stale)."""
        version = next(iter(stale.values()))
        fields = [f for f, v in stale.items() if v is version]
        target = self.p.target(version)
        if version.patch is not None:
            return (
                f"{_fields(fields)} changed by {version.path} and not translated; add "
                f"{target} with that change in {languages.NAMES.get(self.lang, self.lang)} "
                f'(source_hash: "{self.b.hashes.get(str(version.path))}")'
            ), False
        if not fulls:
            return (
                f"no translation of {version.path}; add {target} "
                f'(source_hash: "{self.b.hashes.get(str(version.path))}")'
            ), False
        if fulls[0].rank < self.p.rank[id(version.layer)]:  # a clinic's copy of the English
            return (
                f"{_fields(fields)} in {version.path} differ from the English its translation "
                f"{fulls[0].path} was made from, so that translation is stale there; add "
                f"{target}: a copy of it with {_fields(fields)} translated, and in its "
                f"source_hash {_hashes(version, fields)}"
            ), True
        return (
            f"its translation {fulls[0].path} is stale in {_fields(fields)} (the English "
            f"{version.path} changed since); update it and its source_hash"
        ), True


class Translator:
    """The knowledge base of one language, from a builder that has read and checked the
    English layers: each kind's items laid over by their translations (``document`` for a
    page, ``items`` for a list file, ``labels``), from the files ``pairs`` read, with what
    is used and left out in ``record``."""

    def __init__(self, builder: Builder, lang: str):
        self.b, self.lang = builder, lang
        self.pairs = Pairing(builder, lang)
        self.record = Record(self.pairs)

    def document(self, kind: Kind, ident: str, stack: list[Version]) -> Any | None:
        """A page (a file and the patches on it) in this language, or None.

        Part by part (``stamp``): each top-level field with text takes its translation from
        the highest translation made from that field's English as it is now, from a
        translation of a clinic patch that changed it or from a whole-file translation of this
        page in any layer. Ids, codes, references and areas are the English's; search words
        are the translation's own (an alias the English adds is not a word of this language).
        A field whose English has no translation left makes the page not translated."""
        start = max(n for n, v in enumerate(stack) if v.patch is None)
        base = stack[start]
        pairs = self.pairs
        fulls = [c for c in pairs.files.get(pairs.rel(base), [])
                 if not c.patch and pairs.mirrors(c, kind, stack) and pairs.own_ok(c)]  # fmt: skip
        state: dict[str, Any] = {}  # field -> its translation, made from its English now
        source: dict[str, Candidate] = {}
        stale: dict[str, Version] = {}  # field -> the English version it has no translation of

        def whole(field: str, want: str) -> Candidate | None:
            for c in fulls:
                if self.pairs.stamp(c).get(field) == want and field in c.doc.__struct_fields__:
                    return c
            return None

        english = _data(base.doc)
        now = stamp(kind, english)
        for field in english:
            if field in kind.words:
                if fulls:
                    state[field], source[field] = _data(getattr(fulls[0].doc, field)), fulls[0]
                continue
            want = now.get(field)
            if want is None:
                continue
            found = whole(field, want)
            if found is not None:
                state[field], source[field] = _data(getattr(found.doc, field)), found
            else:
                stale[field] = base
        if fulls:
            self.record.warn_stale(fulls[0], base, now)
        for version in stack[start + 1 :]:
            english = _data(version.doc)
            patches = [c for c in self.pairs.files.get(self.pairs.rel(version), [])
                       if c.patch and c.rank >= self.pairs.rank[id(version.layer)]]  # fmt: skip
            for field in dict.fromkeys([*version.patch.set, *version.patch.add]):
                got = self._patched(kind, field, english[field], state, patches, whole)
                if got is None:
                    state.pop(field, None)
                    if part_hash(english[field], kind.text, kind.words, field) is not None:
                        stale[field] = version
                    else:
                        stale.pop(field, None)
                else:
                    state[field], source[field] = got
                    stale.pop(field, None)
        if stale:
            reason, is_stale = self.record.stale_reason(stale, fulls)
            self.record.missing_page(kind, ident, fulls, reason, next(iter(stale.values())).path,
                               is_stale)  # fmt: skip
            return None
        return self._made(kind, ident, stack, state, source, fulls)

    def _made(self, kind: Kind, ident: str, stack: list[Version], state: dict[str, Any],
              source: dict[str, Candidate], fulls: list[Candidate]) -> Any | None:  # fmt: skip
        """``document``'s last step: the English with each translated field laid over it
        (``state``, from ``source``), checked to mirror the English and converted; None, with
        the problem on the file that made it, when it does not."""
        key = f"{kind.name}:{ident}"
        english = _data(stack[-1].doc)
        made = {f: overlay(v, state[f], kind.text, kind.words, f) if f in state else v
                for f, v in english.items()}  # fmt: skip
        problems = mirror(english, made, kind)
        if problems:
            at, message = problems[0]
            field = re.match(r"\$\.([\w-]+)", at).group(1)
            cand = source.get(field) or (fulls[0] if fulls else None)
            if cand is not None:
                where = f"$.set.{field}" if cand.patch else at
                self.pairs.problem(cand, where, message)
            self.record.missing_page(kind, ident, fulls, f"its translation does not match the "
                               f"English ({at}: {message})", stack[-1].path)  # fmt: skip
            return None
        try:
            doc = msgspec.convert(made, type=kind.model)
        except msgspec.ValidationError as e:  # a patch's untyped value (aliases: 5)
            field = next((f for f in state if f in str(e)), None)
            cand = source.get(field) if field else None
            if cand is not None:
                self.pairs.problem(cand, f"$.set.{field}" if cand.patch else f"$.{field}", str(e))
            self.record.missing_page(kind, ident, fulls, f"its translation does not match the "
                               f"English ({e})", stack[-1].path)  # fmt: skip
            return None
        own = _own_problems(doc)
        if own:  # reply words that mean two answers: never used, whatever the English
            cand = source.get("words") or (fulls[0] if fulls else None)
            if cand is not None:
                self.b.problem(cand.layer, error_at(cand.path, *own[0]))
            self.record.missing_page(kind, ident, fulls, f"its reply words mean two answers "
                               f"({own[0][1]})", stack[-1].path)  # fmt: skip
            return None
        for cand in dict.fromkeys(c for c in source.values() if c is not None):
            self.record.use(key, cand, ident)
        return doc

    def _patched(self, kind, field, value, state, patches, whole):
        """(the translation of ``field`` after an English patch changed it, its file), or
        None."""
        if field in kind.words:
            for c in patches:
                given = c.doc.set.get(field, c.doc.add.get(field))
                if not _words_ok(given, field):
                    where = "set" if field in c.doc.set else "add"
                    self.pairs.problem(c, f"$.{where}.{field}", "search words are a list of texts")
                    continue
                if field in c.doc.set:
                    return c.doc.set[field], c
                if field in c.doc.add:
                    below = state.get(field, [])
                    return [*(below if isinstance(below, list) else []), *c.doc.add[field]], c
            return (state[field], None) if field in state else None
        want = part_hash(value, kind.text, kind.words, field)
        if want is None:
            return None
        for c in patches:
            if self.pairs.stamp(c).get(field) != want:
                continue
            if field in c.doc.set:
                return c.doc.set[field], c
            if field in c.doc.add and isinstance(state.get(field), list):
                return [*state[field], *c.doc.add[field]], c
        found = whole(field, want)
        return (_data(getattr(found.doc, field)), found) if found is not None else None

    def items(self, kind: Kind) -> dict[str, Any]:
        """The items of a list file (glossary terms, regions) in this language, by key: each
        from the highest translation (of that file's name, in any layer) made from its
        English as it is now."""
        out = {}
        english_ids = {ident for ident, _ in self.b.stacks_of(kind)}
        checked: set[str] = set()
        for ident, stack in self.b.stacks_of(kind):
            version, key = stack[-1], f"{kind.name}:{ident}"
            english = _data(version.doc)
            want = part_hash(english, kind.text, kind.words)
            cands = self.pairs.files.get(self.pairs.rel(version), [])
            old = None
            for cand in cands:
                if str(cand.path) not in checked:  # items the English has not
                    checked.add(str(cand.path))
                    self._unknown_items(kind, cand, english_ids)
                items = getattr(cand.doc, kind.items)
                n = next((n for n, i in enumerate(items) if getattr(i, kind.key) == ident), None)
                if n is None:
                    continue  # a correction of other items
                if self.pairs.stamp(cand).get(ident) != want:
                    old = old or cand
                    continue
                at = f"$.{kind.items}[{n}]"
                made = overlay(english, _data(items[n]), kind.text, kind.words)
                problems = mirror(english, made, kind, at)
                if problems:
                    self.pairs.problem(cand, *problems[0])
                    continue
                out[ident] = msgspec.convert(made, type=kind.item)
                self.record.use(key, cand, f"{kind.name}:{ident}", at)
                break
            else:
                target = self.pairs.target(version)
                if old is not None:
                    self.b.warn(error_at(
                        old.path, "$.translation.source_hash",
                        f"stale for {kind.item_word} '{ident}': its English in {version.path} "
                        "changed since this translation was made; update it and its source_hash",
                    ))  # fmt: skip
                    why = f"its translation {old.path} is stale for {kind.item_word} '{ident}'"
                else:
                    why = f"no translation of {kind.item_word} '{ident}'"
                why = f"{why}; add it to {target}"
                self.record.missing(key, why, version.path, old is not None)
        return out

    def _unknown_items(self, kind: Kind, cand: Candidate, english: set[str]) -> None:
        for n, item in enumerate(getattr(cand.doc, kind.items)):
            ident = getattr(item, kind.key)
            if ident not in english:
                self.pairs.problem(
                    cand, f"$.{kind.items}[{n}].{kind.key}",
                    f"{kind.item_word} '{ident}' is not in the English file",
                )  # fmt: skip

    def labels(self, kind: Kind) -> Labels:
        """The labels in this language: each label from the highest translation of a labels
        file made from its English as it is now; a label whose English has no letters ("000",
        "") is the same in every language."""
        found: dict[str, dict[str, Any]] = {"labels": {}, "defaults": {}}
        missing: list[str] = []
        fixes: list[str] = []
        files: list[Path] = []
        stack = next(s for _, s in self.b.stacks_of(kind))
        top = stack[-1]
        cands = self.pairs.files.get(self.pairs.rel(top), [])
        for cand in cands:
            self._labels_file(cand, top.doc)
        setter = {}  # (group, label) -> the version that set its English
        for version in stack:
            for group in ("labels", "defaults"):
                for label in getattr(version.own or version.doc, group):
                    setter[(group, label)] = version
        used: list[Candidate] = []
        for group in ("labels", "defaults"):
            for label, english in getattr(top.doc, group).items():
                want = label_hash(english)
                value, cand = self._label(cands, group, label, english, want)
                if cand is None and not has_words(english):  # the same in every language
                    value = english_text(english)
                elif cand is None:
                    version = setter[(group, label)]
                    missing.append(f"{group}.{label}")
                    fixes.append(f"translate it in {self.pairs.target(version)}")
                    files.append(version.path)
                    value = english_text(english)
                elif cand not in used:
                    used.append(cand)
                found[group][label] = value
        for cand in used:
            self.record.use("labels:labels", cand, kind.name)
        if missing:
            more = " ..." if len(missing) > 5 else ""
            self.record.missing(
                "labels:labels",
                f"labels not translated: {', '.join(missing[:5])}{more} ({fixes[0]})",
                files[0],
            )
        return msgspec.structs.replace(top.doc, labels=found["labels"], defaults=found["defaults"])

    def _labels_file(self, cand: Candidate, english: Labels) -> None:
        """A translation of a labels file: the same overview topic, no label the English lacks."""
        if cand.doc.overview_topic and cand.doc.overview_topic != english.overview_topic:
            self.pairs.problem(cand, "$.overview_topic", "overview_topic must be the English one")
        for group in ("labels", "defaults"):
            for label in getattr(cand.doc, group):
                if label not in getattr(english, group):
                    self.pairs.problem(
                        cand, f"$.{group}.{label}", f"the English file has no {group} '{label}'"
                    )

    def _label(self, cands, group, label, english, want) -> tuple[Any, Candidate | None]:
        """(a label's translation, the file it came from), or (None, None)."""
        for cand in cands:
            value = getattr(cand.doc, group).get(label)
            if value is None or self.pairs.stamp(cand).get(f"{group}.{label}") != want:
                continue  # made from other English
            problems: list[tuple[str, str]] = []
            _mirror(english, value, {group}, frozenset(), f"$.{group}.{label}", group, problems)
            if problems:
                self.pairs.problem(cand, *problems[0])
                continue
            return value, cand
        return None, None

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
        for kind, ident, words in self.record.words:  # a page left out still answers to its names
            for word in words:
                key = normalize(word)
                if key:
                    index.setdefault(key, (kind, ident))
        for key, target in english.index.items():  # English names find pages too
            index.setdefault(key, target)
        for key, first, second in clashes:
            path, at = (self.record.where.get(second) or self.record.where.get(f"glossary:{second}")
                        or (self.b.layers[0].root / I18N / self.lang, "$"))  # fmt: skip
            self.b.warn(error_at(
                path, f"{at}.aliases",
                f"the {NAMES.get(self.lang, self.lang)} name '{key}' is used by both '{first}' "
                f"and '{second}'; '{first}' wins",
            ))  # fmt: skip
        provenance = dict(english.provenance)
        for k, lines in self.record.provenance.items():
            provenance[k] = [*provenance.get(k, []), *lines]
        return KnowledgeBase(
            **content,
            sources=dict(english.sources),
            index=index,
            codes=dict(english.codes),
            warnings=[str(w) for w in self.b.result.skipped],
            provenance=provenance,
            lang=self.lang,
            untranslated=self.record.untranslated,
            trail=self.record.trail,
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
                t.pairs.strays(layer)
        if builder.strict:
            _inline(builder)
    t.pairs.read()
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
