"""Spanish and French reading ease: syllable gold lists, word and sentence splitting, formulas."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dryneedle_cli.content import reading_ease as re_
from dryneedle_cli.content.reading_ease import (
    counts,
    failures,
    fernandez_huerta,
    kandel_moles,
    score,
    sentences,
    syllables,
    szigriszt_pazos,
    words,
)

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data"


def _gold(lang: str) -> list[tuple[str, int]]:
    rows = []
    for line in (GOLD / f"syllables-{lang}.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        word, count = line.split("\t")
        rows.append((word, int(count)))
    return rows


# ----------------------------------------------------------------------------- syllables


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_gold_list_shape(lang):
    text = (GOLD / f"syllables-{lang}.tsv").read_text(encoding="utf-8")
    assert text.startswith("# "), "the first line explains the convention"
    rows = _gold(lang)
    assert len(rows) >= 300
    names = [w for w, _ in rows]
    assert len(names) == len(set(names)), "a word twice"
    assert all(1 <= n <= 8 for _, n in rows)


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_every_gold_word_is_right(lang):
    wrong = [(w, n, syllables(w, lang)) for w, n in _gold(lang) if syllables(w, lang) != n]
    assert not wrong, f"{len(wrong)} wrong (word, gold, counted): {wrong}"


@pytest.mark.parametrize(
    ("word", "lang", "n"),
    [
        # The hard cases of the brief, also in the gold lists; here so a failure names them.
        ("hoy", "es", 1),
        ("buey", "es", 1),
        ("averiguáis", "es", 4),
        ("leer", "es", 2),
        ("poeta", "es", 3),
        ("día", "es", 2),
        ("reúne", "es", 3),
        ("ahí", "es", 2),
        ("prohíbe", "es", 3),
        ("guitarra", "es", 3),
        ("pingüino", "es", 3),
        ("ayuda", "es", 3),
        ("parlent", "fr", 1),
        ("moment", "fr", 2),
        ("réagir", "fr", 3),
        ("naïf", "fr", 2),
        ("Noël", "fr", 2),
        ("pied", "fr", 1),
        ("oui", "fr", 1),
        ("client", "fr", 2),
        ("payer", "fr", 2),
        ("traitement", "fr", 2),
        ("justement", "fr", 3),
        ("l'eau", "fr", 1),
        ("l\u2019eau", "fr", 1),
        ("aujourd'hui", "fr", 3),
        ("peut-être", "fr", 2),
        ("AIGUILLE", "fr", 2),
        ("Músculo", "es", 3),
    ],
)
def test_hard_cases(word, lang, n):
    assert syllables(word, lang) == n


def test_numbers_and_letterless_words_are_one_syllable():
    # Flesch's rule: figures, symbols and abbreviations count as one-syllable words.
    for lang in ("es", "fr"):
        assert syllables("911", lang) == 1
        assert syllables("1,5", lang) == 1
        assert syllables("Dr", lang) == 1
        assert syllables("mg", lang) == 1
        assert syllables("10mg", lang) == 1
    assert syllables("COVID-19", "es") == 3  # co-vid + one for the figure
    assert syllables("anti-COVID", "fr") == 4  # an-ti + co-vid


def test_spanish_y_after_a_consonant_is_a_vowel():
    assert syllables("rugby", "es") == 2
    assert syllables("ferry", "es") == 2


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="es, fr"):
        syllables("house", "en")
    with pytest.raises(ValueError, match="es, fr"):
        score("A house.", "en")


# ----------------------------------------------------------------------------- words, sentences


def test_words_keep_apostrophes_hyphens_and_decimals_whole():
    text = "¿L'eau? C'est-à-dire aujourd\u2019hui, peut-être 1,5 ou 3.5 «fois» ; 10 %."
    assert words(text) == [
        "L'eau",
        "C'est-à-dire",
        "aujourd\u2019hui",
        "peut-être",
        "1,5",
        "ou",
        "3.5",
        "fois",
        "10",
    ]


def test_sentences_spanish_marks_abbreviations_and_numbers():
    text = (
        "¿Le duele? Llame al Dr. García, p. ej. hoy. Tome 1,5 g de agua, etc. "
        "Después descanse... «Bien», dijo. ¡Llame al 911!"
    )
    assert sentences(text) == [
        "¿Le duele?",
        "Llame al Dr. García, p. ej. hoy.",
        "Tome 1,5 g de agua, etc.",
        "Después descanse...",
        "«Bien», dijo.",
        "¡Llame al 911!",
    ]


def test_sentences_words_that_look_like_abbreviations_still_end():
    text = "¿Le duele? No. Entonces siga. Mide 5 mm. Bien."
    assert len(sentences(text)) == 5


def test_sentences_french_abbreviations_and_colons():
    text = "M. Dupont l\u2019a vu… Avant la séance :\nMangez.\nBuvez de l'eau, etc. et reposez-vous"
    assert sentences(text) == [
        "M. Dupont l\u2019a vu…",
        "Avant la séance :",
        "Mangez.",
        "Buvez de l'eau, etc. et reposez-vous",
    ]


def test_text_with_no_sentence_end_is_one_sentence():
    assert sentences("Beba agua") == ["Beba agua"]
    assert counts("Beba agua", "es") == (4, 2, 1)


def test_empty_text():
    for text in ("", "   ", "¿¡…!? « » — ;"):
        assert counts(text, "es").words == 0
        assert sentences(text) == []
    for formula in (fernandez_huerta, szigriszt_pazos, kandel_moles):
        with pytest.raises(ValueError, match="no words"):
            formula("")
    with pytest.raises(ValueError, match="no words"):
        score("  ", "fr")


# ----------------------------------------------------------------------------- formulas


def test_spanish_formulas_by_hand():
    # El(1) dolor(2) pasa(2) en(1) uno(2) o(1) dos(1) días(2) = 12; Beba(2) agua(2) = 4.
    # 16 syllables, 10 words, 2 sentences: 1.6 syllables a word, 5 words a sentence.
    # Fernández-Huerta = 206.84 - 0.60 x 160 - 1.02 x 5 = 206.84 - 96 - 5.1 = 105.74
    # Szigriszt-Pazos = 206.835 - 62.3 x 1.6 - 5 = 206.835 - 99.68 - 5 = 102.155
    text = "El dolor pasa en uno o dos días. Beba agua."
    assert counts(text, "es") == (16, 10, 2)
    assert fernandez_huerta(text) == pytest.approx(105.74)
    assert szigriszt_pazos(text) == pytest.approx(102.155)
    assert score(text, "es") == {
        "fernandez_huerta": pytest.approx(105.74),
        "szigriszt_pazos": pytest.approx(102.155),
    }
    assert failures(text, "es") == []


def test_spanish_hard_text_fails_the_gate():
    # La(1) fisioterapeuta(6) le(1) explicará(4) el(1) tratamiento(4) con(1) agujas(3):
    # 21 syllables, 8 words, 1 sentence (no end mark): 2.625 a word, 8 a sentence.
    # Fernández-Huerta = 206.84 - 0.60 x 262.5 - 1.02 x 8 = 206.84 - 157.5 - 8.16 = 41.18
    # Szigriszt-Pazos = 206.835 - 62.3 x 2.625 - 8 = 206.835 - 163.5375 - 8 = 35.2975
    text = "La fisioterapeuta le explicará el tratamiento con agujas"
    assert counts(text, "es") == (21, 8, 1)
    assert fernandez_huerta(text) == pytest.approx(41.18)
    assert szigriszt_pazos(text) == pytest.approx(35.2975)
    assert [f[0] for f in failures(text, "es")] == ["fernandez_huerta", "szigriszt_pazos"]


def test_french_formula_by_hand():
    # La(1) douleur(2) passe(1) en(1) un(1) ou(1) deux(1) jours(1) = 9; Buvez(2) de(1)
    # l'eau(1) = 4. 13 syllables, 11 words, 2 sentences: 13/11 a word, 5.5 a sentence.
    # Kandel-Moles = 207 - 1.015 x 5.5 - 73.6 x 13/11 = 207 - 5.5825 - 86.981818 = 114.435682
    text = "La douleur passe en un ou deux jours. Buvez de l'eau."
    assert counts(text, "fr") == (13, 11, 2)
    assert kandel_moles(text) == pytest.approx(114.435682)
    assert failures(text, "fr") == []


def test_french_hard_text_fails_the_gate():
    # Le(1) physiothérapeute(5) vous(1) explique(2) le(1) traitement(2) avec(2) des(1)
    # aiguilles(2) stériles(2) = 19 syllables, 10 words, 1 sentence.
    # Kandel-Moles = 207 - 1.015 x 10 - 73.6 x 1.9 = 207 - 10.15 - 139.84 = 57.01
    text = "Le physiothérapeute vous explique le traitement avec des aiguilles stériles."
    assert counts(text, "fr") == (19, 10, 1)
    assert kandel_moles(text) == pytest.approx(57.01)
    assert failures(text, "fr") == [("kandel_moles", pytest.approx(57.01), 70.0)]


def test_numbers_in_text():
    # Tome(2) 1,5(1) g(1) de(1) agua(2) = 7 syllables, 5 words; ¡Llame(2) al(1) 911(1)! = 4, 3.
    text = "Tome 1,5 g de agua. ¡Llame al 911!"
    assert counts(text, "es") == (11, 8, 2)


# ----------------------------------------------------------------------------- the module itself


def test_stdlib_only_and_not_loaded_at_cli_start():
    tree = ast.parse(Path(re_.__file__).read_text(encoding="utf-8"))
    imported = {
        (n.module if isinstance(n, ast.ImportFrom) else a.name).split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in (n.names if isinstance(n, ast.Import) else [n])
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
    code = (
        "import sys, dryneedle_cli.cli; print('dryneedle_cli.content.reading_ease' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------- the tool


def _tool():
    spec = importlib.util.spec_from_file_location(
        "reading_ease_tool", ROOT / "tools" / "reading_ease.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_tool_best_median_worst(tmp_path, capsys):
    tool = _tool()
    pages = [
        ("easy", "El dolor pasa en uno o dos días. Beba agua."),  # 105.74 / 102.155
        ("hard", "La fisioterapeuta le explicará el tratamiento con agujas"),  # 41.18 / 35.2975
        ("empty", ""),
    ]
    rows = tool.table(pages, "es")
    assert [name for name, _ in rows] == ["hard", "easy"]
    best, median, worst, below = tool.summary(rows, "es")["fernandez_huerta"]
    assert (best, worst, below) == (pytest.approx(105.74), pytest.approx(41.18), 1)
    assert median == pytest.approx((105.74 + 41.18) / 2)

    (tmp_path / "a.txt").write_text(pages[0][1], encoding="utf-8")
    (tmp_path / "b.md").write_text(pages[1][1], encoding="utf-8")
    assert tool.main(["--lang", "es", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    a, b = tmp_path / "a.txt", tmp_path / "b.md"
    fh = (
        f"es fernandez_huerta: 2 pages: best 105.7 ({a}), median 73.5, worst 41.2 ({b}) "
        "(gate >= 70; 1 below)"
    )
    sp = (
        f"es szigriszt_pazos: 2 pages: best 102.2 ({a}), median 68.7, worst 35.3 ({b}) "
        "(gate >= 65; 1 below)"
    )
    assert fh in out
    assert sp in out


def test_tool_table_of_the_knowledge_base(capsys):
    """--table: every page a patient sees in each language (the forms too), best, median and
    worst."""
    tool = _tool()
    assert tool.main(["--table", "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert "explain neck-pain" in out and "aftercare (all areas)" in out
    assert "sheet consent" in out and "sheet screening" in out
    pages = int(re.search(r"fr kandel_moles: (\d+) pages: best", out).group(1))
    assert pages >= 52 and "(gate >= 70; 0 below)" in out


def test_tool_samples_and_bad_language(capsys):
    tool = _tool()
    assert tool.main(["--lang", "fr", "--sample"]) == 0
    assert "kandel_moles: 2 pages" in capsys.readouterr().out
    assert tool.main(["--lang", "de"]) == 2
    assert tool.main([]) == 2
