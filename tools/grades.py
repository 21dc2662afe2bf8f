"""Reading grades (Flesch-Kincaid, textstat 0.7.8) of every page a patient sees.

    python tools/grades.py            # table, worst first
    python tools/grades.py --worst 5

What is measured: the page's opening sentence, each section heading, paragraph and list item,
as the patient reads them. Not measured: titles of facts (clinical names, ICD-10 codes) and
citations, which are for the clinician.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import textstat  # noqa: E402

from dryneedle_cli import paths  # noqa: E402
from dryneedle_cli.build import build_dir  # noqa: E402
from dryneedle_cli.query import Query  # noqa: E402

PAGE_LIMIT = 6.0
SECTION_LIMIT = 8.0


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!:" else f"{text}."


def section_text(section) -> str:
    parts = [section.heading, section.text, *section.items]
    return " ".join(_sentence(p) for p in parts if p)


def page_text(page) -> str:
    parts = [_sentence(page.summary)] if page.summary else []
    parts.extend(section_text(s) for s in page.sections)
    return " ".join(parts)


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def patient_pages(q: Query):
    """(name, page) for every page a patient may see."""
    yield "explain (overview)", q.explain(None)
    for tid in q.kb.topics:
        yield f"explain {tid}", q.topic_page(q.kb.topics[tid])
    for cid in q.kb.conditions:
        yield f"explain {cid}", q.condition_page(q.kb.conditions[cid])
    for term in q.kb.glossary.values():
        if term.see is None:
            yield f"explain {term.id}", q.term_page(term)
    yield "prepare", q.sheet("prepare", [])
    yield "prepare (all areas)", q.sheet("prepare", list(q.kb.regions))
    yield "aftercare", q.sheet("aftercare", [])
    yield "aftercare (all areas)", q.sheet("aftercare", list(q.kb.regions))


def table(q: Query):
    rows = []
    for name, page in patient_pages(q):
        worst = max(((grade(section_text(s)), s.heading) for s in page.sections), default=(0, ""))
        rows.append((grade(page_text(page)), name, worst[0], worst[1]))
    return sorted(rows, reverse=True)


def main(argv: list[str]) -> int:
    q = Query(build_dir(paths.data_dir()))
    rows = table(q)
    limit = int(argv[argv.index("--worst") + 1]) if "--worst" in argv else len(rows)
    print(f"{'page':34} {'grade':>5}  worst section")
    for g, name, sg, heading in rows[:limit]:
        print(f"{name:34} {g:5.1f}  {sg:4.1f} {heading}")
    grades = [r[0] for r in rows]
    print(
        f"\n{len(rows)} pages: best {min(grades):.1f}, median {statistics.median(grades):.1f}, "
        f"worst {max(grades):.1f} (limit {PAGE_LIMIT}; sections {SECTION_LIMIT})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
