"""Each renderer on the same view models."""

from __future__ import annotations

import io
import json

from rich.console import Console

from dryneedle_cli.render import json as json_render
from dryneedle_cli.render import plain, terminal


def test_plain_page_layout(q):
    text = plain.render(q.explain("tennis elbow"))
    lines = text.splitlines()
    assert lines[0] == "Tennis elbow" and lines[1] == "=" * len("Tennis elbow")
    assert "ICD-10 (WHO): M77.1" in lines
    assert "What the research says" in lines
    assert any(line.startswith("Sources: Navarro-Santana et al. 2020 (elbow)") for line in lines)
    assert any(line.startswith("[ma-2024] Ma X, Qiao Y,") for line in lines)
    assert "\x1b" not in text


def test_plain_warning_and_checklist_markers(q):
    after = plain.render(q.sheet("aftercare", []))
    assert "!!!!" in after
    prep = plain.render(q.sheet("prepare", []))
    assert "[ ] Drink enough water that day, so you are not thirsty." in prep.splitlines()
    visit = plain.render(q.explain("visit"))
    assert any(line.startswith("1. ") for line in visit.splitlines())


def test_plain_conditions_one_record_per_line(q, kb):
    lines = plain.render(q.conditions(None)).splitlines()
    assert len(lines) == len(kb.conditions)
    assert "tennis-elbow\tTennis elbow\telbow\tM77.1\tlow" in lines
    assert all(line.count("\t") == 4 for line in lines)


def test_plain_references_one_record_per_line(q, kb):
    lines = plain.render(q.evidence(None)).splitlines()
    assert len(lines) == len(kb.references)
    assert all(line.count("\t") == 4 for line in lines)


def test_json_page(q):
    doc = json.loads(json_render.render(q.explain("neck")))
    assert doc["schema_version"] == 1
    assert doc["command"] == "explain" and doc["kind"] == "condition" and doc["id"] == "neck-pain"
    assert doc["icd10"] == ["M54.2"] and doc["region"] == "neck"
    assert doc["evidence_strength"] == "low"
    assert all(set(s) == {"heading", "style", "text", "items", "refs"} for s in doc["sections"])
    keys = {r["key"] for r in doc["references"]}
    assert {k for s in doc["sections"] for k in s["refs"]} == keys


def test_json_conditions_and_references(q, kb):
    doc = json.loads(json_render.render(q.conditions(None)))
    assert doc["count"] == len(kb.conditions) == len(doc["conditions"])
    assert {"id", "name", "icd10", "region", "evidence_strength"} <= set(doc["conditions"][0])
    refs = json.loads(json_render.render(q.evidence("neck")))
    assert refs["subject"] == "neck-pain" and refs["count"] == len(refs["references"])


def _rich(view, width=100) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system="standard")
    terminal.page(view, console) if hasattr(view, "sections") else None
    return out.getvalue()


def test_rich_page_boxes_the_warning(q):
    text = _rich(q.sheet("aftercare", ["neck"]))
    assert "\x1b[" in text  # coloured
    assert "╭" in text and "Get help now" in text
    assert "911 in the US and Canada" in text


def test_rich_write_dispatches_every_view(q):
    for view in (q.explain("neck"), q.conditions(None), q.evidence("neck")):
        out = io.StringIO()
        terminal.write(view, out)
        assert out.getvalue().strip()
