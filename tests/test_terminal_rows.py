"""The terminal's list and fact rows (render/terminal._Rows) are Rich's two-column grid, drawn
without importing rich.table: the same bytes, colour codes included, at every usual width."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from dryneedle_cli.render import terminal


def _draw(view, width: int, grid: bool, monkeypatch) -> str:
    if grid:  # the real Table.grid for every row group
        monkeypatch.setattr(terminal._Rows, "_widths", lambda self, console, options: None)
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system="truecolor")
    terminal.page(view, console, refs=True)
    monkeypatch.undo()
    return out.getvalue()


@pytest.mark.parametrize("width", [40, 61, 80, 100])
def test_rows_are_the_grid_byte_for_byte(q, width, monkeypatch):
    views = [
        q.explain("neck"),  # facts (a condition), a "See also" line, bullets
        q.explain("what is dry needling"),
        q.sheet("aftercare", ["neck", "low-back"]),  # checklists, steps, warning boxes
        q.sheet("prepare", ["shoulder"]),
    ]
    drawn = []
    for view in views:
        fast = _draw(view, width, grid=False, monkeypatch=monkeypatch)
        assert fast == _draw(view, width, grid=True, monkeypatch=monkeypatch), view.id
        drawn.append(fast)
    assert all(any(mark in text for text in drawn) for mark in ("•", "☐", "1."))


def test_a_long_word_on_a_narrow_terminal_is_folded_not_cut(q):
    out = io.StringIO()
    terminal.page(q.explain("ims"), Console(file=out, width=20, color_system=None))
    assert "…" not in out.getvalue()
