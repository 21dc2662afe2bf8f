"""Safety gates: the lung warning for every area near the lungs, every tier of warning signs on
every aftercare output, 'back' asks which part, and 'rules out' always names a real source.

The lists come from the data (regions.yaml, aftercare.yaml), never from a copy in this file.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.errors import ContentError, UsageError
from dryneedle_cli.model import Item, tr
from dryneedle_cli.query.pages import in_sentence

runner = CliRunner()
SCREEN = ("plain", "json", "terminal")
SHEETS = ("pdf", "html", "md", "txt")


def _flat(text: str) -> str:
    """Words only: box lines, bullets and line wrapping removed, so wrapped text still matches."""
    text = re.sub(r"\\([^\w\s])", r"\1", html.unescape(text))  # Markdown's backslash escapes
    text = re.sub(r"[│╭╮╰╯─•☐!=\-*>#_]+", " ", text)
    return " ".join(text.split())


def _screen(args: list[str], mode: str) -> str:
    extra = {"plain": ["--plain"], "json": ["--json"], "terminal": []}[mode]
    env = {"COLUMNS": "80", **({"FORCE_COLOR": "1"} if mode == "terminal" else {})}
    result = runner.invoke(app, [*args, *extra], env=env)
    assert result.exit_code == 0, result.output
    if mode == "json":
        doc = json.loads(result.stdout)
        return " ".join(t for s in doc["sections"] for t in [s["heading"], s["text"], *s["items"]])
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)


def _sheet(tmp_path, args: list[str], fmt: str) -> str:
    out = tmp_path / f"sheet.{fmt}"
    result = runner.invoke(app, ["sheet", *args, "--format", fmt, "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    if fmt == "pdf":
        from pypdf import PdfReader

        return " ".join(p.extract_text() or "" for p in PdfReader(out).pages)
    return out.read_text(encoding="utf-8")


def _outputs(tmp_path, which: str, areas: list[str]):
    """(format, text) of every output of one sheet: three screen modes, four sheet formats."""
    args = [which, *(x for a in areas for x in ("--area", a))]
    for mode in SCREEN:
        yield mode, _screen(args, mode)
    for fmt in SHEETS:
        yield fmt, _sheet(tmp_path, args, fmt)


def _lung_areas(kb) -> list[str]:
    return [r.id for r in kb.regions.values() if r.near_lungs]


def _lung_note(q, kb, region: str) -> str:
    """The aftercare line an area near the lungs must get, as the patient reads it: it names
    the area, or every place near the lungs for one that names no place ("Several areas")."""
    items = [
        i
        for s in kb.aftercare.sections
        for i in s.items
        if isinstance(i, Item) and i.near_lungs or s.near_lungs
    ]
    assert items, "aftercare.yaml has no item with near_lungs: true"
    r = kb.regions[region]
    places = q.values["lung_places"] if r.any_area else in_sentence(tr(r.name))
    return q._item(items[0], {"lung_areas": places})


def _tiers(kb) -> list:
    return [s for s in kb.aftercare.sections if s.style == "warning" and not s.areas]


# ------------------------------------------------------------------ lung warning by area


def test_the_lung_list_covers_neck_shoulder_back_and_chest(kb):
    assert {"neck", "shoulder", "upper-back", "chest", "several"} <= set(_lung_areas(kb))


@pytest.mark.parametrize("fmt", [*SCREEN, *SHEETS])
def test_every_area_near_the_lungs_gets_the_lung_warning(tmp_path, q, kb, fmt):
    for region in _lung_areas(kb):
        note = _flat(_lung_note(q, kb, region))
        args = ["aftercare", "--area", region]
        text = _screen(args, fmt) if fmt in SCREEN else _sheet(tmp_path, args, fmt)
        assert note in _flat(text), (region, fmt)


def test_areas_away_from_the_lungs_do_not_get_the_area_lung_note(q, kb):
    for region in kb.regions.values():
        if region.near_lungs:
            continue
        page = q.sheet("aftercare", [region.id])
        assert not page.areas_near_lungs
        assert not any("needles near a lung" in i.lower() for s in page.sections for i in s.items)


def test_the_general_lung_text_names_every_area_plainly(q):
    page = q.sheet("aftercare", [])
    text = " ".join(t for s in page.sections for t in [s.text, *s.items])
    assert "neck, shoulders, back, chest or ribs" in text
    assert "at least two days" in text
    assert "near your chest" not in text


# ------------------------------------------------------------------ warning tiers


def test_aftercare_has_three_tiers_each_with_sources(kb):
    tiers = _tiers(kb)
    assert len(tiers) >= 3
    assert all(s.refs for s in tiers)
    assert "{emergency_number}" in (tiers[0].text if isinstance(tiers[0].text, str) else "")


@pytest.mark.parametrize("n", [0, 1, 2])
def test_every_tier_comes_first_on_every_page(q, kb, n):
    import itertools

    headings = [tr(s.heading) for s in _tiers(kb)]
    for areas in itertools.combinations(kb.regions, n):
        page = q.sheet("aftercare", list(areas))
        first = [s.heading for s in page.sections[: len(headings)]]
        assert first == headings, areas


@pytest.mark.parametrize("areas", [[], ["foot"], ["neck", "knee"], ["chest"], ["several"]])
def test_every_tier_in_every_aftercare_output(tmp_path, kb, areas):
    headings = [_flat(tr(s.heading)) for s in _tiers(kb)]
    others = [s for s in kb.aftercare.sections if s.style != "warning" and not s.near_lungs]
    first_other = _flat(tr(others[0].heading))
    for fmt, text in _outputs(tmp_path, "aftercare", areas):
        flat = _flat(text)
        for heading in headings:
            assert heading in flat, (areas, fmt, heading)
        assert "911 in the US and Canada" in flat, (areas, fmt)
        assert not re.search(r"\{[a-z_]+\}", text), (areas, fmt)  # every placeholder filled
        # warning tiers before any other section, on every format
        assert flat.index(headings[-1]) < flat.index(first_other), (areas, fmt)


def test_every_tier_for_each_single_area(q, kb):
    headings = [tr(s.heading) for s in _tiers(kb)]
    for region in kb.regions:
        shown = [s.heading for s in q.sheet("aftercare", [region]).sections]
        assert all(h in shown for h in headings), region


# ------------------------------------------------------------------ 'back' is ambiguous


def test_back_alone_asks_which_part(q, kb):
    with pytest.raises(UsageError) as info:
        q.areas(["back"])
    message = str(info.value)
    for rid in ("upper-back", "low-back"):
        assert tr(kb.regions[rid].name) in message
    assert "back" not in kb.regions["low-back"].aliases


@pytest.mark.parametrize("which", ["aftercare", "prepare"])
def test_area_back_exits_2_with_one_line(which):
    result = runner.invoke(app, [which, "--area", "back"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1
    assert lines[0] == (
        "dryneedle: 'back' could mean: Upper back and shoulder blades (upper back); "
        "Lower back (low back). Give one of them."
    )
    assert "Traceback" not in result.output


def test_sheet_area_back_exits_2(tmp_path):
    result = runner.invoke(
        app, ["sheet", "aftercare", "--area", "back", "-o", str(tmp_path / "a.txt")]
    )
    assert result.exit_code == 2 and "could mean" in result.stderr


# ------------------------------------------------------------------ 'rules out' names a source


def _items_that_rule_out(kb):
    docs = [kb.prepare, kb.aftercare, *kb.topics.values()]
    for doc in docs:
        for s in doc.sections:
            for i in s.items:
                if isinstance(i, Item) and i.rules_out:
                    yield doc.id, i


def test_every_rules_out_item_names_a_reference_that_exists(kb):
    found = list(_items_that_rule_out(kb))
    assert found, "no item is marked as ruling needling out"
    for doc, item in found:
        assert all(k in kb.references for k in item.rules_out), (doc, item.rules_out)


def test_rules_out_with_an_unknown_reference_is_refused(data_copy):
    from dryneedle_cli.content.build import build_dir

    f = data_copy / "sheets" / "prepare.yaml"
    text = f.read_text(encoding="utf-8")
    assert "rules_out: [clinic-advice]" in text
    f.write_text(text.replace("rules_out: [clinic-advice]", "rules_out: [no-such-source]", 1))
    with pytest.raises(ContentError) as info:
        build_dir(data_copy)
    assert "no-such-source" in info.value.detail
    assert (info.value.field or "").endswith("rules_out[0]"), info.value.field


def test_clinician_views_name_the_source_that_rules_out(q, kb):
    from dryneedle_cli.render import json as json_render
    from dryneedle_cli.render import plain

    page = q.sheet("prepare", [])
    doc = json.loads(json_render.render(page))
    assert doc["rules_out"] and all(
        r["refs"] and all(k in kb.references for k in r["refs"]) for r in doc["rules_out"]
    )
    text = plain.render(page)
    assert page.labels["rules_out"] in text
    short = kb.references[doc["rules_out"][0]["refs"][0]].short
    assert f"({short})" in text


def test_patient_sheet_has_no_clinician_notes(tmp_path, q):
    text = _sheet(tmp_path, ["prepare"], "txt")
    assert q.labels["rules_out"] not in text
