"""One matcher for explain, conditions and --area (issue 12, new-user trial item 8): a table of
queries and what each entry point gives, so what one finds the others find."""

from __future__ import annotations

import contextlib
import json

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.errors import Ambiguous, NotFound, UsageError

runner = CliRunner()

# query: (explain: page id, or the set of candidates it lists and exits 1 on, or None = not found;
#         conditions: ids listed (empty = none, exit 1);
#         --area: region id, or the set of regions it asks between, or None = no area)
TABLE = {
    "neck": ("neck-pain", {"neck-pain", "whiplash", "upper-back-pain"}, "neck"),
    "stiff neck": ("neck-pain", {"neck-pain"}, "neck"),
    "plantar": ("plantar-heel-pain", {"plantar-heel-pain"}, "foot"),
    "heel": ("plantar-heel-pain", {"plantar-heel-pain"}, "foot"),
    "M54": (
        {"neck-pain", "upper-back-pain", "low-back-pain", "sciatica"},
        {"neck-pain", "upper-back-pain", "low-back-pain", "sciatica"},
        {"neck", "upper-back", "low-back"},
    ),
    "M54.5": ("low-back-pain", {"low-back-pain"}, "low-back"),
    "M54.50": ("low-back-pain", {"low-back-pain"}, "low-back"),  # ICD-10-CM
    "m77.1": ("tennis-elbow", {"tennis-elbow"}, "elbow"),
    "knee": ({"knee-pain", "knee-osteoarthritis"}, {"knee-pain", "knee-osteoarthritis"}, "knee"),
    "hip": ({"hip-pain", "hip-osteoarthritis"}, {"hip-pain", "hip-osteoarthritis"}, "hip-buttock"),
    "elbow": ({"tennis-elbow", "golfers-elbow"}, {"tennis-elbow", "golfers-elbow"}, "elbow"),
    "back": (
        {"low-back-pain", "upper-back-pain", "sciatica", "hamstring-strain"},
        {"low-back-pain", "upper-back-pain", "sciatica", "hamstring-strain"},
        {"upper-back", "low-back"},
    ),
    "pregnant": (None, set(), None),
}


def _explain(q, words):
    try:
        return q.find(words)[1]
    except Ambiguous as e:
        return {s.rsplit("(", 1)[1].rstrip(")") for s in e.suggestions}
    except NotFound:
        return None


def _areas(q, words):
    try:
        return q.areas([words])[0]
    except UsageError as e:
        return {r for r in q.kb.regions if f"({(q.kb.regions[r].aliases or (r,))[0]})" in str(e)}
    except NotFound:
        return None


@pytest.mark.parametrize("words", TABLE)
def test_one_matcher_three_entry_points(q, words):
    explain, listed, area = TABLE[words]
    assert _explain(q, words) == explain
    try:
        got = {row.id for _, _, rows in q.conditions(words).groups for row in rows}
    except NotFound:
        got = set()
    assert got == listed
    assert _areas(q, words) == area


@pytest.mark.parametrize("words", TABLE)
def test_what_explain_finds_conditions_lists(q, words):
    found = _explain(q, words)
    pages = {found} if isinstance(found, str) else (found or set())
    listed = set()
    with contextlib.suppress(NotFound):
        listed = {row.id for _, _, rows in q.conditions(words).groups for row in rows}
    assert {p for p in pages if p in q.kb.conditions} <= listed


def test_ambiguous_lists_each_choice_on_its_own_line_and_exits_1():
    result = runner.invoke(app, ["explain", "knee", "--plain"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "fits 2 pages" in lines[0]
    assert sorted(line.strip() for line in lines[1:]) == [
        "Knee arthritis (knee-osteoarthritis)",
        "Pain around the kneecap (knee-pain)",
    ]
    assert result.stdout == ""


def test_unrelated_words_get_no_suggestions():
    result = runner.invoke(app, ["explain", "pregnant"])
    assert result.exit_code == 1
    assert "Did you mean" not in result.stderr
    assert "nothing found for 'pregnant'" in result.stderr


def test_a_typo_still_gets_suggestions():
    result = runner.invoke(app, ["explain", "tenis elbw"])
    assert result.exit_code == 1
    assert "Did you mean: Tennis elbow (tennis-elbow)" in result.stderr


def test_stream_records_ambiguous_as_not_found_with_candidates():
    result = runner.invoke(app, ["explain", "-", "--json"], input="knee\nplantar\n")
    assert result.exit_code == 1
    knee, plantar = (json.loads(line) for line in result.stdout.splitlines())
    assert knee["found"] is False
    assert {s.rsplit("(", 1)[1].rstrip(")") for s in knee["suggestions"]} == {
        "knee-pain",
        "knee-osteoarthritis",
    }
    assert plantar.get("found", True) is not False
