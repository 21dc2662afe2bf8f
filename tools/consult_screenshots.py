"""Write docs/consult-neck-80.svg and docs/consult-neck-120.svg: `dryneedle explain neck` as a
patient sees it on a terminal 80 and 120 columns wide (Rich's SVG export).

Run: python tools/consult_screenshots.py
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.render import terminal

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    q = query(Settings())
    for width in (80, 120):
        console = Console(file=io.StringIO(), width=width, record=True, force_terminal=True)
        terminal.page(q.explain("neck"), console)
        title = f"dryneedle explain neck  ({width} columns)"
        (DOCS / f"consult-neck-{width}.svg").write_text(
            console.export_svg(title=title), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
