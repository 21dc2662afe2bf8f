"""Snapshots of whole pages, with the terminal width pinned. After a deliberate change to
content or layout, refresh them with: UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from dryneedle_cli.render import plain, terminal

SNAPSHOTS = Path(__file__).parent / "snapshots"


def check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not os.environ.get("UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {name} was missing and has been written; check it in")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see the diff above"


def test_plain_tennis_elbow(q):
    check("explain-tennis-elbow.txt", plain.render(q.explain("tennis elbow")))


def test_plain_aftercare_neck(q):
    check("aftercare-neck.txt", plain.render(q.sheet("aftercare", ["neck"])))


def test_terminal_aftercare_neck_80_columns(q):
    out = io.StringIO()
    terminal.page(q.sheet("aftercare", ["neck"]), Console(file=out, width=80, color_system=None))
    check("aftercare-neck-terminal-80.txt", out.getvalue())
