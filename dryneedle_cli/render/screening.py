"""``dryneedle screen``: the question list and the result, in plain text and Rich (their JSON
is in ``render.json``, ``screen_questions`` and ``screen_result``).

The result is the clinician's view: each flagged answer under the form's own group heading,
every source's own class beside it (never one class of the tool's own for the question), and
what to discuss. It never says that a person is
fit for needling; with nothing flagged it prints the neutral line from ``data/screening.yaml``.
The renderer classes call these functions (``plain.PlainRenderer.screen_result`` ...); Rich is
imported only by the terminal functions.
"""

from __future__ import annotations

from dryneedle_cli.safe import line as _one_line
from dryneedle_cli.views import ScreenItem, ScreenQuestions, ScreenResult


def _by_class(item: ScreenItem, detail: bool) -> str:
    """'rules out: A (as written); B · take care: C' in the order of the classes."""
    parts: dict[str, list[str]] = {}
    for c in item.classes:
        name = f"{c.short} ({c.as_written})" if detail and c.as_written else c.short
        parts.setdefault(c.label, []).append(name)
    return " · ".join(f"{label}: {'; '.join(names)}" for label, names in parts.items())


def _areas(item: ScreenItem) -> str:
    if item.near_lungs:
        return "near-lungs"
    return ",".join(item.areas)


# ---------------------------------------------------------------------------- plain


QUESTION_FIELDS = ("id", "group", "question", "sources", "areas")


def plain_questions(v: ScreenQuestions, header: bool = False) -> str:
    """One question per line, tab-separated: id, group, question, every source's own class,
    areas (``near-lungs``, area ids, or empty for every area)."""
    rows = [QUESTION_FIELDS] if header else []
    rows += [(i.id, i.group, i.question, _by_class(i, detail=False), _areas(i)) for i in v.items]
    return "".join("\t".join(_one_line(x) for x in row) + "\n" for row in rows)


def _underline(text: str, char: str) -> list[str]:
    return [text, char * len(text)]


def plain_result(v: ScreenResult) -> str:
    w = v.words
    lines = _underline(v.title, "=")
    if v.summary:
        lines.append(v.summary)
    if v.areas:
        lines.append(f"{w['areas']}: {', '.join(v.areas)}")
    for g in v.groups:
        lines += ["", *_underline(g.heading, "-")]
        for i in g.items:
            lines.append(f"- {i.id}: {i.question} {w['answer']}: {i.answer_label}")
            lines.append(f"  {_by_class(i, detail=True)}")
            lines.append(f"  {w['discuss']}: {i.discuss}")
    if v.unanswered:
        lines += ["", *_underline(w["not_answered"], "-")]
        lines += [f"- {i.id}: {i.question}" for i in v.unanswered]
    lines.append("")
    if v.message:
        lines.append(v.message)
    lines.append(v.closing)
    if v.references:
        lines += ["", *_underline(w["references"], "-")]
        for r in v.references:
            link = f" doi:{r.doi}" if r.doi else (f" {r.url}" if r.url else "")
            lines.append(f"[{r.key}] {r.citation}{link}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- terminal


def terminal_questions(v: ScreenQuestions, console) -> None:
    """The questions by group, numbered, each with its id (dim) and every source's class."""
    from rich.padding import Padding
    from rich.text import Text

    console.print(Text(v.title, style="bold"))
    group = None
    for n, i in enumerate(v.items, 1):
        if i.group != group:
            group = i.group
            console.print()
            console.print(Text(i.group_heading, style="bold cyan"))
        line = Text(f"{n:>2}. ")
        line.append(i.question)
        line.append(f"  {i.id}", style="dim")
        console.print(Padding(line, (0, 0, 0, 1)))
        console.print(Padding(Text(_by_class(i, detail=False), style="dim"), (0, 0, 0, 5)))


def terminal_result(v: ScreenResult, console) -> None:
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.text import Text

    w = v.words
    head = Text(v.title, style="bold")
    if v.summary:
        head.append("\n")
        head.append(v.summary, style="not bold italic")
    console.print(Panel(head, border_style="cyan", padding=(0, 1), expand=False))
    for g in v.groups:
        console.print()
        console.print(Text(g.heading, style="bold cyan"))
        for i in g.items:
            line = Text(" • ")
            line.append(i.question, style="bold")
            line.append(f"  {w['answer']}: {i.answer_label}")
            console.print(line)
            console.print(Padding(Text(_by_class(i, detail=False), style="dim"), (0, 0, 0, 3)))
            console.print(Padding(Text(f"{w['discuss']}: {i.discuss}"), (0, 0, 0, 3)))
    if v.unanswered:
        console.print()
        console.print(Text(w["not_answered"], style="bold"))
        for i in v.unanswered:
            console.print(Text(f" • {i.question}"))
    console.print()
    if v.message:
        console.print(Text(v.message, style="bold"))
    console.print(Text(v.closing, style="italic"))
