"""The shipped translations (data/i18n/<lang>/) stay true to the English they were made from.

Each translated file mirrors an English file: the same keys, order and non-text values (the
program pairs texts by position), a `translation` block with its translator, reviser, date and
the hash of the English it was made from. When the English changes, the hash no longer matches
and these tests fail until the translation is brought up to date (and re-stamped).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from dryneedle_cli.content.kinds import FORM_TEXT, FORM_WORDS, PAGE_TEXT, SEARCH_WORDS
from dryneedle_cli.content.stamp import stamp_file

DATA = Path(__file__).resolve().parent.parent / "data"
I18N = DATA / "i18n"
LANGS = ("es", "fr")
# Keys whose values a translator translates (as content/kinds.py declares them for pages and
# forms); everything else must equal the English. Search words and a form's words (its answer
# words, the replies a patient types) are the language's own: not compared with the English.
FREE_WORDS = SEARCH_WORDS | FORM_WORDS
TEXT_KEYS = PAGE_TEXT | FORM_TEXT | FREE_WORDS | {"labels", "defaults"}
# What a patient may type at the screening prompt ("s", "?"): words, not prose.
REPLIES = {"replies_yes", "replies_no", "replies_not_sure"}
# Words that only English prose uses; none may appear in a translated text.
ENGLISH = {"the", "your", "with", "and", "you", "of", "this", "what", "may", "after", "before"}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def source_hash(english: Path) -> dict[str, str]:
    """The per-part stamp of an English file, by the package's own function."""
    return stamp_file(english)[0]


def _files(lang: str) -> list[Path]:
    return sorted((I18N / lang).rglob("*.yaml"))


def _english_files() -> list[Path]:
    return sorted(p for p in DATA.rglob("*.yaml") if I18N not in p.parents)


TRANSLATED = [
    pytest.param(lang, path, id=f"{lang}/{path.relative_to(I18N / lang)}")
    for lang in LANGS
    for path in _files(lang)
]
# Every file a patient reads is translated, the forms of issue 13 (screening.yaml,
# consent.yaml) too.
NOT_YET_TRANSLATED: tuple[str, ...] = ()
PATIENT_FILES = [
    p
    for p in _english_files()
    if p.name not in ("clinic-template.yaml", *NOT_YET_TRANSLATED)
    and not p.name.endswith(".patch.yaml")
]


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _texts(obj, key=None):
    """Every translated string, with its key."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "translation":
                continue
            if k in REPLIES:
                continue  # what a patient may type ("y", "?"), not prose
            inside = key in ("labels", "defaults", "words")
            yield from _texts(v, k if k in TEXT_KEYS | {"words"} or inside else key)
    elif isinstance(obj, list):
        for v in obj:
            yield from _texts(v, key)
    elif isinstance(obj, str) and key in TEXT_KEYS | {"labels", "defaults", "words"}:
        yield key, obj


def _mirror(en, tr, at="$") -> list[str]:
    """Where a translation's structure or non-text values differ from the English."""
    if isinstance(en, dict):
        if not isinstance(tr, dict):
            return [f"{at}: expected a mapping"]
        problems = []
        missing = set(en) - set(tr)
        extra = set(tr) - set(en) - {"translation"}
        if missing or extra:
            problems.append(f"{at}: keys differ (missing {sorted(missing)}, extra {sorted(extra)})")
        for k in set(en) & set(tr):
            if k in FREE_WORDS:
                continue  # replaced by the language's own words
            if k in ("labels", "defaults") and isinstance(en[k], dict):
                if set(en[k]) != set(tr[k]):
                    problems.append(f"{at}.{k}: label keys differ")
                continue
            if k == "items":
                if len(en[k]) != len(tr[k]):
                    problems.append(f"{at}.items: {len(tr[k])} items, English has {len(en[k])}")
                    continue
                for i, (a, b) in enumerate(zip(en[k], tr[k], strict=True)):
                    if isinstance(a, dict):
                        problems += _mirror(a, b, f"{at}.items[{i}]")
            elif k not in TEXT_KEYS:
                problems += _mirror(en[k], tr[k], f"{at}.{k}")
        return problems
    if isinstance(en, list):
        if not isinstance(tr, list) or len(en) != len(tr):
            return [f"{at}: list length differs from the English"]
        pairs = enumerate(zip(en, tr, strict=True))
        return [p for i, (a, b) in pairs for p in _mirror(a, b, f"{at}[{i}]")]
    if en != tr:
        return [f"{at}: {tr!r} differs from the English {en!r} (only texts are translated)"]
    return []


@pytest.mark.parametrize("lang,path", TRANSLATED)
def test_translation_mirrors_its_english_file(lang, path):
    english = DATA / path.relative_to(I18N / lang)
    assert english.is_file(), f"{path}: no English file {english}"
    if path.name == "references.yaml":  # the short labels only: each key once, in order
        en, tr = _load(english), _load(path)
        assert [i["key"] for i in tr["items"]] == [i["key"] for i in en["items"]]
        assert all(set(i) == {"key", "short"} for i in tr["items"])
        return
    assert _mirror(_load(english), _load(path)) == []


@pytest.mark.parametrize("lang,path", TRANSLATED)
def test_translation_is_not_stale(lang, path):
    """A translation records the hash of the English it was made from; when the English
    changes, the translation must be brought up to date and re-stamped."""
    english = DATA / path.relative_to(I18N / lang)
    block = _load(path).get("translation") or {}
    assert block.get("lang") == lang
    assert block.get("translator"), "who translated it"
    assert "reviser" in block, "reviser: null until a second person has revised it"
    assert isinstance(block.get("date"), dt.date)
    assert block.get("source_hash") == source_hash(english), (
        f"{path}: the English ({english.name}) changed since this translation was made; "
        "update the translation and its source_hash"
    )


@pytest.mark.parametrize("lang,path", TRANSLATED)
def test_translation_has_no_english_prose_and_keeps_placeholders(lang, path):
    english = _load(DATA / path.relative_to(I18N / lang))
    en_placeholders = sorted(p for _, t in _texts(english) for p in PLACEHOLDER.findall(t))
    tr_placeholders = sorted(p for _, t in _texts(_load(path)) for p in PLACEHOLDER.findall(t))
    assert tr_placeholders == en_placeholders
    leaks = []
    for key, text in _texts(_load(path)):
        if key in ("aliases", "shared_aliases"):
            continue
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", PLACEHOLDER.sub("", text))}
        if words & ENGLISH:
            leaks.append(f"{key}: {text[:60]!r} ({', '.join(sorted(words & ENGLISH))})")
    assert not leaks, leaks


# The emergency sentence reads right with any number a clinic sets ("Llame al 911", "al 112")
# and with the default value: the word before {emergency_number} in every text of the
# language, and how the default must not start (it follows that word, so no article).
EMERGENCY_BEFORE = {"es": "al"}
EMERGENCY_DEFAULT_NOT = {"es": ("su ", "el ", "la ", "un ", "una ", "al ", "a ")}


@pytest.mark.parametrize("lang", sorted(EMERGENCY_BEFORE))
def test_the_emergency_number_reads_right_with_any_value(lang):
    seen, wrong = 0, []
    for path in _files(lang):
        for key, text in _texts(_load(path)):
            for m in re.finditer(r"(\S*)(\s*)\{emergency_number\}", text):
                seen += 1
                if m.group(1).casefold() != EMERGENCY_BEFORE[lang] or not m.group(2):
                    wrong.append(f"{path.relative_to(I18N)}: {key}: {m.group(0)!r}")
    default = _load(I18N / lang / "labels.yaml")["defaults"]["emergency_number"]
    assert seen >= 8 and not wrong, wrong
    assert not default.casefold().startswith(EMERGENCY_DEFAULT_NOT[lang]), default


@pytest.mark.parametrize("lang", LANGS)
def test_every_patient_file_has_a_translation(lang):
    """Completeness: every English file a patient reads has its translation in each language."""
    missing = [
        str(p.relative_to(DATA))
        for p in PATIENT_FILES
        if not (I18N / lang / p.relative_to(DATA)).is_file()
    ]
    assert not missing, f"{lang}: not yet translated: {missing}"


def test_the_gates_can_fail(tmp_path):
    """The checks above see a stale hash, a changed non-text value and an English leak."""
    en = DATA / "topics" / "visit.yaml"
    tr = _load(I18N / "es" / "topics" / "visit.yaml")
    assert tr["translation"]["source_hash"] != source_hash(DATA / "topics" / "safety.yaml")
    broken = json.loads(json.dumps(tr, default=str))
    broken["sections"][0]["refs"] = ["someone-else"]
    assert _mirror(_load(en), broken)
    broken = json.loads(json.dumps(tr, default=str))
    broken["summary"] = "This is the page about your visit."
    assert any(set(re.findall(r"[a-z]+", t.lower())) & ENGLISH for _, t in _texts(broken))


@pytest.mark.parametrize("lang,path", TRANSLATED)
def test_translated_page_reads_easily(lang, path):
    """The language's own formula, never the English grade: Spanish Fernández-Huerta >= 70 and
    Szigriszt-Pazos >= 65; French Kandel-Moles >= 70 (dryneedle_cli.content.reading_ease)."""
    from dryneedle_cli.content.reading_ease import failures

    if path.name in ("labels.yaml", "regions.yaml", "references.yaml"):
        pytest.skip("labels and names, not a page")
    texts = [t for k, t in _texts(_load(path)) if k not in ("aliases", "shared_aliases")]
    page = "\n".join(t if t.rstrip().endswith((".", "?", "!", ":")) else f"{t}." for t in texts)
    assert failures(page, lang) == []
