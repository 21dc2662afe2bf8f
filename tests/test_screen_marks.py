"""Source marks on the screens a patient reads (issue 23, the printed rule carried over).

A mark ([1]) belongs on a body section only: never in a warning box, numbered steps or the key
points. The sources a screen lists (the terminal's references under ``--refs``, plain text's
references, and the hint that marks stand for sources) are exactly those it marks, numbered 1
to N in order of first mark; a source cited only in a warning is not listed.

One table over every topic, condition and glossary page, the overview, the aftercare and
preparation sheets' pages (no area, neck and upper back, every area) and the teach-back
screens, in en, es and fr, in every screen format a patient reads: the terminal (colour, with
and without ``--refs``), plain text, and the web page (``serve``, ``export site``). The JSON is
for scripts: every section keeps its ``refs`` and the page every reference (data, not marks).

The styles that carry no marks are written out here, not taken from ``views``, so a change
there has to be made on purpose in both places.
"""

from __future__ import annotations

import html as html_lib
import io
import json
import re

import msgspec
import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout
from dryneedle_cli.query import teachback
from dryneedle_cli.render import screen, web

LANGS = ("en", "es", "fr")
NO_MARKS = {"warning", "keypoints", "note", "steps", "questions"}
AREA_SETS = {
    "none": [],
    "neck+upper-back": ["neck", "upper-back"],
    "all": ["head-jaw", "neck", "upper-back", "chest", "shoulder", "elbow", "forearm-wrist",
            "low-back", "hip-buttock", "thigh", "knee", "lower-leg", "foot"],
}  # fmt: skip
MARK = re.compile(r"\[(\d+)\]")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
BOX = re.compile(r"[│╭╮╰╯─]")
_Q: dict = {}


def q_for(lang: str):
    if lang not in _Q:
        _Q[lang] = query(Settings(), handout.values_for(None), quiet=True, lang=lang)
    return _Q[lang]


def _ids(lang: str) -> list[str]:
    q = q_for(lang)
    # sorted: the same order in every pytest-xdist worker, however the content was loaded
    ids = ["overview", *(f"topic:{t}" for t in sorted(q.kb.topics))]
    ids += [f"condition:{c}" for c in sorted(q.kb.conditions)]
    ids += [f"term:{t}" for t in sorted(q.kb.glossary)]
    ids += [f"{w}:{a}" for w in ("aftercare", "prepare") for a in AREA_SETS]
    # a page cut to its warning boxes or its steps: sources it knows, none of them marked
    return [*ids, "only-warning:topic:warning-signs", "only-steps:topic:visit"]


def view_of(lang: str, ident: str):
    q = q_for(lang)
    kind, _, rest = ident.partition(":")
    if kind.startswith("only-"):
        p = view_of(lang, rest)
        kept = tuple(s for s in p.sections if s.style == kind[5:])
        assert kept and any(s.refs for s in kept)
        return msgspec.structs.replace(p, sections=kept)
    if kind == "overview":
        return q.explain(None)
    if kind in ("aftercare", "prepare"):
        return q.sheet_for(kind, list(AREA_SETS[rest]))
    return q.page_of(kind, rest)


def expected(p) -> dict[str, int]:
    """Source key -> number: the order of first citation in the body sections only."""
    known = {r.key for r in p.references}
    keys = [k for s in p.sections if s.style not in NO_MARKS for k in s.refs if k in known]
    return {k: n for n, k in enumerate(dict.fromkeys(keys), 1)}


def flat(s: str) -> str:
    return " ".join(s.replace("\u00ad", "").split())


def last_text(s) -> str:
    return flat((s.items or (s.text,))[-1] if (s.items or s.text) else s.heading)


def want_marks(s, numbers) -> str | None:
    """The marks section ``s`` must show, or None for none."""
    if s.style in NO_MARKS:
        return None
    shown = sorted({numbers[k] for k in s.refs if k in numbers})
    return " ".join(f"[{n}]" for n in shown) or None


def marks_after(out: str, at: int) -> str | None:
    found = re.match(r"\s*((?:\[\d+\]\s*)+)", out[at : at + 200])
    return flat(found.group(1)) if found else None


def sections_in(out: str, p) -> tuple[list[str | None], int]:
    """The marks right after each section of ``p`` in the flat ``out`` (in order), and where
    the last section (with its marks) ends."""
    pos, shown = 0, []
    for s in p.sections:
        pos = out.index(flat(s.heading), pos)
        pos = out.index(last_text(s), pos) + len(last_text(s))
        marks = marks_after(out, pos)
        shown.append(marks)
        if marks:
            pos = out.index(marks, pos) + len(marks)
    return shown, pos


def json_out(view) -> dict:
    out = io.StringIO()
    screen("json", out).show(view)
    return json.loads(out.getvalue())


def terminal_out(view, refs: bool) -> str:
    out = io.StringIO()
    renderer = screen("terminal", out, force_terminal=True, refs=refs)
    renderer.console.width = 100
    renderer.show(view)
    return flat(BOX.sub(" ", ANSI.sub("", out.getvalue())))


CASES = [pytest.param(lang, i, id=f"{lang}-{i}") for lang in LANGS for i in _ids(lang)]


@pytest.mark.parametrize("lang,ident", CASES)
def test_terminal_marks_body_sections_only_and_lists_what_it_marks(lang, ident):
    p = view_of(lang, ident)
    numbers = expected(p)
    shorts = {r.key: r.short for r in p.references}
    hint = flat(p.labels["refs_hint"])
    for refs in (False, True):
        out = terminal_out(p, refs)
        shown, end = sections_in(out, p)
        assert shown == [want_marks(s, numbers) for s in p.sections], refs
        body, tail = out[:end], out[end:]
        assert [m for s in shown if s for m in MARK.findall(s)] == MARK.findall(body)
        assert (hint in tail) == (bool(numbers) and not refs)
        if not refs or not numbers:  # no list: nothing marked in the tail but the hint's [1]
            assert not MARK.findall(tail.replace(hint, ""))
            continue
        listed = tail.split(flat(p.labels["references"]), 1)[1]
        assert [int(n) for n in MARK.findall(listed)] == list(range(1, len(numbers) + 1))
        for key, n in numbers.items():  # each number names its own source
            assert f"[{n}] {flat(shorts[key])}." in listed


@pytest.mark.parametrize("lang,ident", CASES)
def test_plain_names_sources_on_body_sections_only(lang, ident):
    p = view_of(lang, ident)
    numbers = expected(p)
    shorts = {r.key: r.short for r in p.references}
    out = io.StringIO()
    screen("plain", out).show(p)
    text = out.getvalue()
    label = f"{p.labels['sources']}: "
    pos = 0
    for s in p.sections:
        under = ("!" if s.style == "warning" else "-") * len(s.heading)
        pos = text.index(f"\n{s.heading}\n{under}\n", pos) + 1
        end = text.find("\n\n", pos)
        block = text[pos : end if end >= 0 else len(text)].split("\n")
        named = [line for line in block if line.startswith(label)]
        want = [flat(shorts[k]) for k in s.refs if k in numbers] if want_marks(s, numbers) else []
        assert named == ([label + "; ".join(want)] if want else []), s.heading
        pos = end
    assert text.count("\n" + label) == sum(1 for s in p.sections if want_marks(s, numbers))
    heading = f"\n{p.labels['references']}\n{'-' * len(p.labels['references'])}\n"
    if not numbers:
        assert heading not in text
        return
    listed = text.split(heading, 1)[1].splitlines()
    assert [line[1 : line.index("]")] for line in listed] == list(numbers)


@pytest.mark.parametrize("lang,ident", CASES)
def test_web_page_marks_body_sections_only(lang, ident):
    p = view_of(lang, ident)
    if p.kind in ("aftercare", "prepare"):  # the web pages are topics, conditions and terms
        return
    numbers = expected(p)
    q = q_for(lang)
    frame = web.Frame(lang=lang, labels=dict(q.labels), values=dict(q.values))
    page = web.page(p, frame)
    article = page[page.index("<article") : page.index("</article>")]
    blocks = re.findall(r"<section[^>]*>(.*?)</section>", article, re.S)
    assert len(blocks) == len(p.sections)
    for s, block in zip(p.sections, blocks, strict=True):
        found = re.findall(r'<p class="marks">([^<]*)</p>', block)
        want = want_marks(s, numbers)
        assert found == ([want] if want else []), s.heading
    hint = html_lib.escape(p.labels["refs_hint"], quote=True)
    assert (hint in article) == bool(numbers)
    marked = [m for b in blocks for m in MARK.findall("".join(re.findall(r'"marks">[^<]*', b)))]
    first = list(dict.fromkeys(int(m) for m in marked))
    assert first == list(range(1, len(numbers) + 1))


TEACHBACK = [
    pytest.param(lang, words, id=f"{lang}-{words}")
    for lang in LANGS
    for words in ("aftercare", "prepare", "neck", "warning signs", "side effects", None)
]


@pytest.mark.parametrize("lang,words", TEACHBACK)
def test_teachback_key_points_carry_no_marks(lang, words):
    """The teach-back screen is key points and questions: no marks, so no sources either."""
    areas = ["neck"] if words in ("aftercare", "prepare") else []
    v = teachback.view(q_for(lang), words, areas)
    assert v.key_points and any(p.refs for p in v.key_points)
    hint = flat(v.labels["refs_hint"])
    for refs in (False, True):
        out = terminal_out(v, refs)
        assert not MARK.findall(out) and hint not in out
        assert all(flat(r.citation) not in out for r in v.references)
    out = io.StringIO()
    screen("plain", out).show(v)
    text = out.getvalue()
    assert f"{v.labels['sources']}:" not in text
    assert all(f"[{r.key}]" not in text for r in v.references)


@pytest.mark.parametrize("lang", LANGS)
def test_json_keeps_every_refs_as_data(lang):
    """For scripts: a warning's sources stay in its ``refs``, the page lists every source."""
    for ident in ("topic:warning-signs", "aftercare:neck+upper-back", "topic:visit"):
        p = view_of(lang, ident)
        doc = json_out(p)
        assert [s["refs"] for s in doc["sections"]] == [list(s.refs) for s in p.sections]
        assert [r["key"] for r in doc["references"]] == [r.key for r in p.references]
        unmarked = {k for s in p.sections if s.style in NO_MARKS for k in s.refs}
        assert unmarked - set(expected(p)), "a source cited only where no mark goes"
    v = teachback.view(q_for(lang), "aftercare", ["neck"])
    doc = json_out(v)
    assert [p["refs"] for p in doc["key_points"]] == [list(p.refs) for p in v.key_points]


def test_the_table_reaches_warnings_and_steps():
    """The table has teeth: some pages have marked sections beside warning boxes and steps."""
    styles = {s.style for i in _ids("en") for s in view_of("en", i).sections if s.refs}
    assert {"warning", "steps", "checklist", "normal", "evidence"} <= styles


def _clinic_topic(tmp_path, body: bool):
    """A clinic's topic: a warning box (brady-2014) and steps (white-2001), and with ``body`` a
    body section (apta-2012)."""
    topics = tmp_path / "clinic" / "topics"
    topics.mkdir(parents=True)
    text = (
        "id: odd\nreviewed_on: 2026-11-23\nreviewed_by: x\n"
        f"references: [brady-2014, white-2001{', apta-2012' if body else ''}]\n"
        "title: Odd\nsummary: Odd page.\n"
        "sections:\n"
        "  - heading: Get help\n    style: warning\n    refs: [brady-2014]\n    text: Call now.\n"
        "  - heading: Do this\n    style: steps\n    refs: [white-2001]\n    items: [Sit., Rest.]\n"
    )
    if body:
        text += "  - heading: Why\n    refs: [apta-2012]\n    text: Because.\n"
    (topics / "odd.yaml").write_text(text)
    return str(tmp_path / "clinic")


@pytest.mark.parametrize("body", [True, False], ids=["with-body", "no-body"])
def test_the_commands_mark_and_list_body_sources_only(tmp_path, body):
    """Through the command: a source cited only in a warning or steps is neither marked nor
    listed; with no body section nothing is marked, so no hint and no list either."""
    from typer.testing import CliRunner

    from dryneedle_cli.cli import app

    folder = _clinic_topic(tmp_path, body)

    def run(*args):
        result = CliRunner().invoke(
            app, ["--content-dir", folder, "explain", "odd", *args], env={"COLUMNS": "100"}
        )
        assert result.exit_code == 0, result.output
        return result.stdout

    colour = flat(BOX.sub(" ", ANSI.sub("", run("--color", "always"))))
    listed = flat(BOX.sub(" ", ANSI.sub("", run("--color", "always", "--refs"))))
    plain = run("--plain")
    assert MARK.findall(colour) == (["1", "1"] if body else [])  # "Because. [1]" and the hint
    assert ("Ask your therapist" in colour) == body
    assert ("[1] APTA 2012." in listed) == body and MARK.findall(listed) == (["1"] * 2 * body)
    assert "Brady" not in listed and "White" not in listed
    assert ("Sources: APTA 2012" in plain) == body and ("[apta-2012]" in plain) == body
    assert "Brady" not in plain and "White" not in plain and "[brady-2014]" not in plain
    doc = json.loads(run("--json"))  # the data keeps them
    assert [s["refs"] for s in doc["sections"]][:2] == [["brady-2014"], ["white-2001"]]
