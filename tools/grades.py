"""Reading grades (Flesch-Kincaid, textstat 0.7.8) of every page a patient sees.

python tools/grades.py            # table, hardest first
python tools/grades.py --worst 5
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dryneedle_cli import env as paths  # noqa: E402
from dryneedle_cli.checks.readability import PAGE_LIMIT, SECTION_LIMIT, table  # noqa: E402
from dryneedle_cli.content.build import build_dir  # noqa: E402
from dryneedle_cli.query.pages import Query  # noqa: E402


def main(argv: list[str]) -> int:
    rows = table(Query(build_dir(paths.data_dir())))
    limit = int(argv[argv.index("--worst") + 1]) if "--worst" in argv else len(rows)
    print(f"{'page':34} {'grade':>5}  worst section")
    for g, name, sg, heading, _ in rows[:limit]:
        print(f"{name:34} {g:5.1f}  {sg:4.1f} {heading}")
    grades = [r[0] for r in rows]
    print(
        f"\n{len(rows)} pages: best {min(grades):.1f}, median {statistics.median(grades):.1f}, "
        f"worst {max(grades):.1f} (limit {PAGE_LIMIT}; sections {SECTION_LIMIT})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
