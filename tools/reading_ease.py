"""Reading ease of Spanish and French pages: each page's gate scores, then best/median/worst.

python tools/reading_ease.py --table                   # every page a patient sees, es and fr
python tools/reading_ease.py --table --lang fr         # one language
python tools/reading_ease.py --lang es page1.txt page2.md ...   # or a folder of .txt/.md
python tools/reading_ease.py --lang fr --sample                  # built-in sample texts

``--table`` measures the pages as a patient reads them (``readability.patient_pages`` and
``page_text`` over the built-in knowledge base in that language: summary, headings, text and
list lines, the screening and consent forms too; no facts or citations; a page not yet
translated is left out, named on stderr) and ends with the best, median and worst page for each
metric. The English grades stay in ``tools/grades.py``.
Higher is easier. Gates: Spanish Fernández-Huerta >= 70 and Szigriszt-Pazos/INFLESZ >= 65;
French Kandel-Moles >= 70 (``dryneedle_cli.content.reading_ease.GATES``).
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dryneedle_cli.content.reading_ease import GATES, score  # noqa: E402

SAMPLES = {
    "es": [
        (
            "muestra: cuidados",
            "Después de la sesión, beba agua. Camine un poco. El dolor "
            "suele pasar en uno o dos días.",
        ),
        ("muestra: aviso", "Si le falta el aire o le duele el pecho, llame al 911. No espere."),
    ],
    "fr": [
        (
            "exemple : soins",
            "Après la séance, buvez de l'eau. Marchez un peu. La douleur "
            "passe souvent en un ou deux jours.",
        ),
        (
            "exemple : alerte",
            "Si vous manquez d'air ou avez mal à la poitrine, appelez le 911. N'attendez pas.",
        ),
    ],
}


def table(pages: Iterable[tuple[str, str]], lang: str) -> list[tuple[str, dict[str, float]]]:
    """(page name, {metric: score}) for each page with words, hardest (lowest first metric)
    first."""
    first = next(iter(GATES[lang]))
    rows = []
    for name, text in pages:
        try:
            rows.append((name, score(text, lang)))
        except ValueError:  # no words: nothing a reader sees
            continue
    return sorted(rows, key=lambda r: r[1][first])


def summary(rows: list[tuple[str, dict[str, float]]], lang: str) -> dict[str, tuple]:
    """{metric: (best, median, worst, pages below the gate)}; best is the highest score."""
    out = {}
    for metric, low in GATES[lang].items():
        values = [r[1][metric] for r in rows]
        below = sum(v < low for v in values)
        out[metric] = (max(values), statistics.median(values), min(values), below)
    return out


def _read_pages(paths: list[str]) -> list[tuple[str, str]]:
    pages = []
    for arg in paths:
        p = Path(arg)
        files = sorted(f for f in p.iterdir() if f.suffix in (".txt", ".md")) if p.is_dir() else [p]
        pages.extend((str(f), f.read_text(encoding="utf-8")) for f in files)
    return pages


def knowledge_pages(lang: str) -> list[tuple[str, str]]:
    """(page name, text as a patient reads it) for every page of the built-in knowledge base in
    ``lang``."""
    from dryneedle_cli.checks.readability import page_text, patient_pages
    from dryneedle_cli.content.build import Layer, build
    from dryneedle_cli.env import data_dir
    from dryneedle_cli.query.pages import Query

    result = build([Layer("built-in", data_dir(), True)], langs=(lang,))
    if result.errors:
        raise SystemExit(f"the built-in files do not load: {result.errors[0]}")
    q = Query(result.translated[lang])
    missing: list[str] = []
    pages = [(name, page_text(page)) for name, page in patient_pages(q, untranslated=missing)]
    if missing:  # never measured in English with this language's formula
        print(
            f"not measured, not translated into {lang} yet: {', '.join(missing)}",
            file=sys.stderr,
        )
    return pages


def print_table(rows, lang: str) -> None:
    metrics = list(GATES[lang])
    print(f"{'page':40} " + " ".join(f"{m:>17}" for m in metrics))
    for name, got in rows:
        print(f"{name[:40]:40} " + " ".join(f"{got[m]:17.1f}" for m in metrics))
    print()
    for metric, (best, median, worst, below) in summary(rows, lang).items():
        first = max(rows, key=lambda r: r[1][metric])[0]
        last = min(rows, key=lambda r: r[1][metric])[0]
        print(
            f"{lang} {metric}: {len(rows)} pages: best {best:.1f} ({first}), median "
            f"{median:.1f}, worst {worst:.1f} ({last}) (gate >= {GATES[lang][metric]:g}; "
            f"{below} below)"
        )


def main(argv: list[str]) -> int:
    if "--table" in argv:
        langs = [argv[argv.index("--lang") + 1]] if "--lang" in argv else list(GATES)
        for n, lang in enumerate(langs):
            if lang not in GATES:
                print(f"no reading-ease gate for {lang!r}; have: {', '.join(GATES)}")
                return 2
            if n:
                print()
            print_table(table(knowledge_pages(lang), lang), lang)
        return 0
    if "--lang" not in argv or argv[argv.index("--lang") + 1 :][:1] == []:
        print(__doc__, file=sys.stderr)
        return 2
    i = argv.index("--lang")
    lang, rest = argv[i + 1], argv[:i] + argv[i + 2 :]
    if lang not in GATES:
        print(f"no reading-ease gate for {lang!r}; have: {', '.join(GATES)}", file=sys.stderr)
        return 2
    paths = [a for a in rest if a != "--sample"]
    pages = SAMPLES[lang] if "--sample" in rest else _read_pages(paths)
    rows = table(pages, lang)
    if not rows:
        print("no pages with words", file=sys.stderr)
        return 1
    print_table(rows, lang)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
