"""Reading ease of Spanish and French pages, with our own syllable counter (stdlib only).

Never the English Flesch-Kincaid grade for these languages (content guide, "Other languages").
Imported only by ``validate``, the tests and ``tools/``; nothing here runs at CLI start-up.

Formulas (the maintainers' checked-source list, plus the stored pages cited beside each):

* Fernández-Huerta (1959), Spanish: ``206.84 - 0.60 * P - 1.02 * F`` with P = syllables per
  100 words and F = words per sentence. Gate: >= 70 (70-80 "algo fácil", about grade 6).
* Szigriszt-Pazos (1993) perspicuity, Spanish, read on the INFLESZ scale (Barrio-Cantalejo
  2008), which uses the same formula: ``206.835 - 62.3 * S/W - W/F``. Gate: >= 65 (65-80
  "bastante fácil"). Formula not in the checked-source list; read at
  https://legible.es/blog/perspicuidad-szigriszt-pazos (P = 206.835 - 62.3 S/P - P/F, S =
  syllables, P = words, F = sentences; citing Szigriszt Pazos, tesis doctoral, 1993) and, for
  INFLESZ using it unchanged, https://legible.es/blog/index-1.html ("Escala INFLESZ").
* Kandel & Moles (1958), French: ``207 - 1.015 * W/F - 73.6 * S/W``. Gate: >= 70.
  Also read in lucid-lint's docs (https://docs.rs/crate/lucid-lint/0.2.5, rules/readability-
  score.md) and Yoast issue https://github.com/Yoast/YoastSEO.js/issues/267.

Fernández-Huerta's F: the 1959 paper reportedly defined F as sentences per 100 words, which
makes shorter sentences score *worse*; Gwillim Law (LINGUIST List 22.2332, 2011,
https://linguistlist.org/issues/22/22-2332/) argued that this is an error, and legible.es
(https://legible.es/blog/lecturabilidad-fernandez-huerta/) gives the corrected reading used
here and in the checked-source list: F = words per sentence, as in Flesch.

Counting conventions (all three formulas are Flesch adaptations; Flesch's rule is to count
syllables "as they are pronounced", and to count figures, symbols and abbreviations as one-
syllable words: https://www.scribd.com/document/149257119/Flesch-Test):

* Spanish syllables: RAE orthographic syllabification (Ortografía 2010). Weak (i, u, ü, final
  y) + any vowel is one syllable; strong + strong, and an accented í/ú beside a strong vowel,
  are two; silent h does not separate vowels (ahumado = ahu-ma-do); u is silent in que/qui/
  gue/gui; y is a consonant before a vowel (ayuda); the ii of a prefix is two. Spanish
  spelling is regular, so this is rules only, no word list.
* French syllables: spoken syllables of the word said alone in standard (dictionary) French.
  Silent: final -e/-es, the verb ending -ent (parlent = 1), and the e caduc inside a word after
  one consonant sound that follows a vowel, outside the first syllable (traitement = 2,
  médecin = 2; but justement = 3, petit = 2). Glides: i/u/ou + vowel is one syllable (pied,
  nuit, oui, -tion) except after consonant + l/r (cli-ent, ou-vri-er); ui is always one;
  ï/ë and two full vowels are two (na-ïf, No-ël, ré-a-gir). Whether -ent is a verb ending
  cannot be seen from spelling: a list of the nouns, adjectives and adverbs that say it, and
  of the -ment verbs that do not, decides; an unknown -ent word is taken as a verb.
* Words: runs of letters or digits; an apostrophe or hyphen inside a word keeps it one word
  (l'eau, aujourd'hui, peut-être, like Flesch's "wouldn't", "full-length"); a decimal number
  (1,5 or 1.5) is one word. A word with digits, or with no vowel (Dr, mg), is one syllable.
  Inverted marks ¿ ¡ and quotes « » are not words.
* Sentences end at . ! ? … (runs count once), and at a colon that ends a line or the text (a
  list's lead-in). A period after a known abbreviation (Dr., p. ej., p. ex., núm.) does not
  end one; "etc." does when a capital, ¿, ¡, « or the end of the text follows. Text with words
  but no end mark is one sentence. Colons and semicolons inside a line do not end sentences.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

GATES: dict[str, dict[str, float]] = {
    "es": {"fernandez_huerta": 70.0, "szigriszt_pazos": 65.0},
    "fr": {"kandel_moles": 70.0},
}

_APOSTROPHES = "'\u2019\u02bc"
_HYPHENS = "-\u2010\u2011"
_JOINERS = re.escape(_APOSTROPHES + _HYPHENS)
_WORD_RE = re.compile(rf"[^\W_]+(?:(?:[{_JOINERS}]|(?<=\d)[.,](?=\d))[^\W_]+)*")
_END_RE = re.compile(r"[.!?\u2026]+[\"'\u00bb\u201d\u2019)\]]*(?=\s|$)|:(?=[ \t]*(?:\n|$))")

# Abbreviations whose period does not end a sentence (lower case, without the final period).
# Not "no", "mm" or "tel": they are also words or units that can end a sentence.
_ES_ABBREVIATIONS = (
    "sr sra srta sres dr dra dres lic ing p ej pág págs núm aprox máx mín art cap fig "
    "ud uds vd vds av ee uu vol cf vs"
)
_FR_ABBREVIATIONS = "m mme mlle dr pr ex env c.-à-d cf nº tél apr j.-c"
_ABBREVIATIONS = frozenset(f"{_ES_ABBREVIATIONS} {_FR_ABBREVIATIONS}".split())
_ETC = "etc"


class Counts(NamedTuple):
    syllables: int
    words: int
    sentences: int


# ----------------------------------------------------------------------------- words, sentences


def words(text: str) -> list[str]:
    """The words of ``text`` (see the module notes for what one word is)."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text))


def _is_abbreviation_end(text: str, end: int, rest: str) -> bool:
    """True when the period at ``text[end - 1]`` closes an abbreviation, not a sentence."""
    start = end - 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    chunk = text[start : end - 1].lstrip("(\"'«“¿¡").lower()
    if chunk == _ETC:
        nxt = rest.lstrip()
        return bool(nxt) and not (nxt[0].isupper() or nxt[0] in '¿¡«"“')
    return chunk in _ABBREVIATIONS


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` that hold at least one word."""
    text = unicodedata.normalize("NFC", text)
    out, start = [], 0
    for m in _END_RE.finditer(text):
        single_period = m.group().rstrip("\"'»”’)]") == "."
        if single_period and _is_abbreviation_end(text, m.start() + 1, text[m.end() :]):
            continue
        out.append(text[start : m.end()])
        start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if words(s)]


# ----------------------------------------------------------------------------- Spanish syllables

_ES_VOWELS = "aeiouáéíóúü"
_ES_NUCLEUS = set("aeoáéóíú")  # strong vowels, and í/ú (an accented weak vowel makes a hiatus)
_ES_FOLD = str.maketrans("àèìòùâêîôûäëïöÿ", "áéíóúáéíóúáéíóy")


def _syllables_es(word: str) -> int:
    w = word.lower().translate(_ES_FOLD).replace("h", "")  # h is silent: a-hí, pro-hí-be
    # The silent u of que/qui/gue/gui needs no rule: u + vowel is one syllable anyway.
    # y is a vowel unless a vowel follows (ayuda): it only changes a count after a consonant
    # (rugby, ferry); in hoy, muy, buey it joins the vowel before.
    w = re.sub(r"y(?![aeiouáéíóúü])", "i", w)
    total = 0
    for run in re.findall(f"[{_ES_VOWELS}]+", w):
        nuclei = max(1, sum(c in _ES_NUCLEUS for c in run))  # weak vowels join a neighbour
        total += nuclei + run.count("ii") + run.count("uu")  # anti-inflamatorio, chi-i-ta
    return total


# ----------------------------------------------------------------------------- French syllables

_FR_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"
_FR_GRAPHEMES = (  # longest first; each is one vowel sound
    "eau",
    "œu",
    "oeu",
    "ai",
    "aî",
    "au",
    "ei",
    "eî",
    "eu",
    "eû",
    "ou",
    "oû",
    "où",
    "oi",
    "oî",
)
_FR_GLIDES = ("i", "u", "ou", "ü", "ï")  # before a vowel: one syllable with it (pied, oui, païen)
_FR_OBSTRUENTS = set("bcdfgkpqtv")
_FR_DIGRAPHS = ("ch", "ph", "th", "gn")

# Words ending in -ent that say it (nouns, adjectives, adverbs), and -ment verbs that do not.
_FR_ENT_SAID = frozenset(
    """absent accent accident adhérent adjacent adolescent agent apparent ardent argent cent
    client cohérent compétent concurrent conscient content continent convalescent décent
    déficient dent détergent différent diligent efficient éminent équivalent évent évident
    excédent excellent expédient fervent fluorescent fréquent gent imminent impatient
    impertinent imprudent incident incohérent incompétent inconscient inconvénient indécent
    indifférent indulgent ingrédient innocent insolent intelligent intermittent latent lent
    luminescent négligent occident omniscient opulent orient parent patent patient permanent
    pertinent précédent président présent prudent quotient récent récipient régent réticent
    rémanent résident sergent serpent souvent strident subséquent talent torrent transparent
    turbulent urgent vent violent""".split()  # noqa: SIM905
)
_FR_MENT_VERBS = frozenset(
    """aiment dorment endorment calment forment informent transforment déforment réforment
    expriment impriment suppriment compriment estiment animent sèment chôment ferment enferment
    confirment affirment nomment consomment assomment abîment riment désarment alarment charment
    germent filment résument allument parfument fument assument hument blâment réclament
    proclament acclament enflamment entament trament arment priment liment""".split()  # noqa: SIM905
)
# Spellings no rule here reads right (y after a vowel before a consonant, oo said as one, oe
# said wa, août). Plural -s forms are looked up too.
_FR_EXCEPTIONS = {
    "pays": 2,
    "paysan": 3,
    "paysanne": 3,
    "paysage": 3,
    "abbaye": 3,
    "alcool": 2,
    "alcoolique": 3,
    "moelle": 1,
    "moelleux": 2,
    "poêle": 1,
    "août": 1,
    "aiguë": 2,
}


def _fr_ent_said(w: str) -> bool:
    if w in _FR_ENT_SAID or w.endswith(("tient", "vient")):
        return True
    return w.endswith("ment") and w not in _FR_MENT_VERBS


def _fr_units(w: str) -> list[tuple[int, int]]:
    """(start, end) of each vowel sound's letters in ``w``."""
    units, i = [], 0
    while i < len(w):
        if w[i] not in _FR_VOWELS:
            i += 1
            continue
        size = 1
        if w.startswith(("euil", "ueil"), i):
            size = 3  # feuille, accueil
        elif w.startswith("œil", i):
            size = 2
        else:
            for g in _FR_GRAPHEMES:
                if w.startswith(g, i):
                    size = len(g)
                    break
        units.append((i, i + size))
        i += size
    return units


def _fr_consonants_before(w: str, start: int) -> str:
    j = start
    while j > 0 and w[j - 1] not in _FR_VOWELS:
        j -= 1
    return w[j:start]


def _fr_one_consonant(cons: str) -> bool:
    """True when the letters ``cons`` are one consonant sound: t, tt, ch, gn, and the t of
    "nt" after a vowel (the n only makes the vowel nasal: lent(e)ment)."""
    if len(cons) == 2 and cons[0] in "nm" and cons[1] not in "nm":
        cons = cons[1:]
    if len(cons) == 1:
        return cons != "x"  # x is two sounds: exercice
    return len(cons) == 2 and (cons[0] == cons[1] or cons in _FR_DIGRAPHS)


def _fr_silent_e(w: str, units: list[tuple[int, int]]) -> set[int]:
    """Indexes of the units that are an unsaid e inside the word."""
    silent: set[int] = set()
    for k in range(1, len(units) - 1):
        s, e = units[k]
        if w[s:e] != "e":
            continue
        prev_e = units[k - 1][1]
        after = w[e : units[k + 1][0]]
        if prev_e == s:  # e right after another vowel: paiement, remerciement, créera
            if len(after) == 1:
                silent.add(k)
            continue
        if (k - 1) in silent or not _fr_one_consonant(w[prev_e:s]):
            continue  # first syllable (petit), or two consonants before (justement)
        cluster = len(after) == 2 and after[0] in _FR_OBSTRUENTS and after[1] in "lr"
        if (len(after) == 1 and after != "x") or after in _FR_DIGRAPHS or cluster:
            silent.add(k)  # e caduc: trait(e)ment, méd(e)cin, app(e)ler
    return silent


def _syllables_fr(word: str) -> int:
    w = word.lower()
    for a in _APOSTROPHES:
        w = w.replace(a, "")
    if w in _FR_EXCEPTIONS:
        return _FR_EXCEPTIONS[w]
    if w.endswith("s") and w[:-1] in _FR_EXCEPTIONS:
        return _FR_EXCEPTIONS[w[:-1]]
    original = w
    w = w.replace("qu", "q")  # qui, quatre, quoi: the u is not said
    w = re.sub(r"gu(?=[eiéèêîy])", "g", w)  # guérir, langue, aiguille (gü, guë kept)
    w = re.sub(r"ge(?=[aoâôu])", "g", w)  # mangeant, geôle: the e only softens the g
    w = re.sub(r"^y(?=[aeiouàâéèêîôû])", "j", w)  # yeux, yaourt: consonant y
    w = re.sub(r"(?<=[aeiouàâéèêîôû])y(?=[aeiouàâéèêîôû])", "ij", w)  # payer = pai-yer
    w = w.replace("y", "i")  # type, physique, y
    # Silent endings, once: verb -ent, else -es, else -e; never the word's only vowel.
    for ending in ("ent", "es", "e"):
        if w.endswith(ending):
            stem = w[: -len(ending)]
            if any(c in _FR_VOWELS for c in stem) and (
                ending != "ent" or not _fr_ent_said(original)
            ):
                w = stem
            break
    units = _fr_units(w)
    silent = _fr_silent_e(w, units)
    kept = [u for k, u in enumerate(units) if k not in silent]
    total = 0
    for k, (s, e) in enumerate(kept):
        total += 1
        if k == 0:
            continue
        ps, pe = kept[k - 1]
        if pe != s:
            continue  # a consonant between: separate syllables
        prev = w[ps:pe]
        if w[s:] == "ï":  # a final ï after a vowel is said [j]: aïe, ouïe, Hanoï
            total -= 1
            continue
        if prev not in _FR_GLIDES:
            continue
        cons = _fr_consonants_before(w, ps)
        cluster = len(cons) >= 2 and cons[-1] in "lr" and cons[-2] in _FR_OBSTRUENTS
        if prev == "u" and w[s:e] in ("i", "î") or not cluster:
            total -= 1  # glide: pied, nuit, oui, lion; but cli-ent, cri-er, ou-vri-er
    return total


# ----------------------------------------------------------------------------- public counting

_COUNTERS = {"es": _syllables_es, "fr": _syllables_fr}


def syllables(word: str, lang: str) -> int:
    """Syllables in one word; a hyphenated word is the sum of its parts; at least 1."""
    try:
        count = _COUNTERS[lang]
    except KeyError:
        raise ValueError(f"no syllable counter for {lang!r}; have: es, fr") from None
    parts = re.split(f"[{re.escape(_HYPHENS)}]", unicodedata.normalize("NFC", word))
    # A part with a figure is one syllable (Flesch's rule): 911, 1,5, COVID-19 = 2 + 1.
    return max(1, sum(1 if any(c.isdigit() for c in p) else count(p) for p in parts if p))


def counts(text: str, lang: str) -> Counts:
    ws = words(text)
    return Counts(sum(syllables(w, lang) for w in ws), len(ws), len(sentences(text)) if ws else 0)


def _ratios(text: str, lang: str) -> tuple[float, float]:
    c = counts(text, lang)
    if not c.words:
        raise ValueError("no words to measure")
    return c.syllables / c.words, c.words / c.sentences


def fernandez_huerta(text: str) -> float:
    """206.84 - 0.60 x (syllables per 100 words) - 1.02 x (words per sentence)."""
    spw, wps = _ratios(text, "es")
    return 206.84 - 0.60 * (100 * spw) - 1.02 * wps


def szigriszt_pazos(text: str) -> float:
    """206.835 - 62.3 x syllables/words - words/sentences (also the INFLESZ score)."""
    spw, wps = _ratios(text, "es")
    return 206.835 - 62.3 * spw - wps


def kandel_moles(text: str) -> float:
    """207 - 1.015 x words/sentences - 73.6 x syllables/words."""
    spw, wps = _ratios(text, "fr")
    return 207 - 1.015 * wps - 73.6 * spw


_FORMULAS = {
    "fernandez_huerta": fernandez_huerta,
    "szigriszt_pazos": szigriszt_pazos,
    "kandel_moles": kandel_moles,
}


def score(text: str, lang: str) -> dict[str, float]:
    """The gate metrics for ``lang`` ('es' or 'fr'), by name; higher is easier."""
    if lang not in GATES:
        raise ValueError(f"no reading-ease gate for {lang!r}; have: es, fr")
    return {name: _FORMULAS[name](text) for name in GATES[lang]}


def failures(text: str, lang: str) -> list[tuple[str, float, float]]:
    """(metric, score, minimum) for each gate metric below its minimum."""
    got = score(text, lang)
    return [(n, got[n], low) for n, low in GATES[lang].items() if got[n] < low]
