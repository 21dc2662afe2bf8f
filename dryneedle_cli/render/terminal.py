"""Rich output for a terminal: colour, boxes and wrapping. Imported only for a terminal.

Every text given to Rich is a ``Text`` object (or escaped), never markup built from content:
a clinic's '[link=...]' or '[/]' is shown as typed. Control characters were made visible before
the view got here (``Renderer.show``).
"""

# ruff: noqa: E402 - Rich is imported (below) after the stand-ins are set up for it
from __future__ import annotations

from dryneedle_cli import deferred

deferred.load("rich", "rich.console")  # Rich without inspect and pickle (``deferred``)

from rich.console import Console, Group
from rich.measure import Measurement
from rich.panel import Panel
from rich.segment import Segment
from rich.text import Text

from dryneedle_cli.render import Renderer, plain
from dryneedle_cli.views import (
    ConditionList,
    Note,
    Page,
    Paths,
    ReferenceList,
    SectionView,
    TeachBack,
    ValidateReport,
)

_STRENGTH_STYLE = {
    "moderate": "green",
    "low": "yellow",
    "very-low": "yellow",
    "limited": "red",
    "conflicting": "yellow",
}


class _Rows:
    """Rows of a short label beside a text whose wrapped lines hang under each other ("•",
    "1." or a fact's label): a two-column ``Table.grid`` (the same widths, padding and styles,
    byte for byte) without importing rich.table, whose import and layout were a tenth of a
    terminal page. ``gap``: the label column's right padding; ``right``: the labels are list
    markers (right-aligned, never wrapped). Only when a narrow terminal makes both columns
    wrap is the real grid drawn (Rich's rule for sharing the width is kept that way)."""

    def __init__(self, gap: int, *, right: bool, label_style: str = "") -> None:
        self.rows: list[tuple[Text, Text]] = []
        self.gap, self.right, self.label_style = gap, right, label_style

    def add_row(self, label: Text, text: Text) -> None:
        self.rows.append((label, text))

    def _widths(self, console: Console, options) -> tuple[int, int] | None:
        """(label, text) column widths, or None when the grid's own sharing rule applies."""
        width = options.max_width
        label = max(Measurement.get(console, options, r[0]).maximum for r in self.rows)
        text = max(Measurement.get(console, options, r[1]).maximum for r in self.rows)
        if label + self.gap + text <= width:
            return label, text
        left = width - label - self.gap  # the grid narrows the text column first
        if left >= 1 and (self.right or left >= label + self.gap):
            return label, left
        return None

    def _grid(self):
        from rich.table import Table

        grid = Table.grid(padding=(0, self.gap))
        grid.add_column(
            style=self.label_style, justify="right" if self.right else "left", no_wrap=self.right
        )
        grid.add_column()
        for row in self.rows:
            grid.add_row(*row)
        return grid

    def __rich_measure__(self, console: Console, options) -> Measurement:
        return Measurement.get(console, options, self._grid())

    def __rich_console__(self, console: Console, options):
        if not self.rows:
            return
        widths = self._widths(console, options)
        if widths is None:
            yield self._grid()
            return
        label_w, text_w = widths
        style = console.get_style(self.label_style) if self.label_style else None
        gap = Segment(" " * self.gap, style)  # the label column's padding, in its style
        blank_label = [Segment(" " * (label_w + self.gap), style)]
        blank_text = [Segment(" " * text_w)]
        label_options = options.update(width=label_w, justify="right" if self.right else "left")
        text_options = options.update(width=text_w, justify="left")
        for label, text in self.rows:
            left = console.render_lines(label, label_options, style=style, pad=True)
            right = console.render_lines(text, text_options, pad=True)
            for n in range(max(len(left), len(right))):
                yield from [*left[n], gap] if n < len(left) else blank_label
                yield from right[n] if n < len(right) else blank_text
                yield Segment.line()


def _section(s: SectionView, marks: str):
    """A section; ``marks``: its source marks ("[1] [3]"), '' in a warning box or steps
    (``views.Marks``)."""
    parts = []
    if s.text:
        parts.append(Text(s.text))
    if s.items:
        items = _Rows(1, right=True, label_style="bold")
        for n, item in enumerate(s.items, 1):
            marker = f"{n}." if s.style == "steps" else ("☐" if s.style == "checklist" else "•")
            items.add_row(Text(f" {marker}"), Text(item))
        parts.append(items)
    if marks:
        parts.append(Text(marks, style="dim"))
    body = Group(*parts)
    if s.style == "warning":
        return Panel(
            body, title=Text(s.heading, style="bold"), border_style="bold red", padding=(0, 1)
        )
    return Group(Text(s.heading, style="bold cyan"), body)


def _link(r) -> str:
    """The DOI, or else the web address, after a citation."""
    if r.doi:
        return f" doi:{r.doi}"
    return f" {r.url}" if r.url else ""


def _strength(p: Page) -> Text | None:
    """The evidence strength, coloured, for a condition page."""
    level = p.evidence_strength
    if level is None:
        return None
    return Text(p.labels[f"strength_{level}"], style=f"bold {_STRENGTH_STYLE[level]}")


READ_WIDTH = 88  # columns: a page wraps here however wide the terminal
_CODES_AND_IDS = ("icd10", "icd10_cm", "related")  # facts a patient is not shown


def page(p: Page, console: Console, refs: bool = False) -> None:
    """The page as a patient reads it: no ids or codes, sources as [1] marks on its body
    sections (``views.Marks``: none in a warning box or steps); the full references of those
    marks only with ``refs``. At most ``READ_WIDTH`` columns wide."""
    width = console.width
    console.width = min(width, READ_WIDTH)
    try:
        _page(p, console, refs)
    finally:
        console.width = width


def _page(p: Page, console: Console, refs: bool) -> None:
    head = Text(p.title, style="bold")
    if p.summary:
        head.append("\n")
        head.append(p.summary, style="not bold italic")
    console.print(Panel(head, border_style="cyan", padding=(0, 1), expand=False))
    hidden = {p.labels[k] for k in _CODES_AND_IDS}
    facts = [(label, value) for label, value in p.facts if label not in hidden]
    if p.related:
        facts.append((p.labels["related"], "; ".join(p.related)))
    if facts:
        grid = _Rows(2, right=False, label_style="dim")
        strength = _strength(p)
        for label, value in facts:
            shown = (
                strength
                if strength is not None and label == p.labels["evidence_strength"]
                else value
            )
            grid.add_row(Text(label), shown if isinstance(shown, Text) else Text(shown))
        console.print(grid)
    for s in p.sections:
        console.print()
        console.print(_section(s, p.marks_of(s)))
    if p.status:  # one quiet line: a draft awaiting review, or approved by whom and when
        console.print()
        console.print(Text(p.status, style="dim italic"))
    _sources(p, console, refs)


def _sources(v, console: Console, refs: bool) -> None:
    """After a page: the hint that the marks stand for sources, or with ``refs`` the marked
    sources in number order (``views.Marks``); nothing when nothing is marked."""
    listed = v.marked_references
    if not listed:
        return
    console.print()
    if not refs:
        console.print(Text(v.labels["refs_hint"], style="dim"))
        return
    console.print(Text(v.labels["references"], style="bold dim"))
    numbers = v.numbers
    for r in listed:
        line = f"[{numbers[r.key]}] {r.short}. {r.citation}{_link(r)}"
        console.print(Text(line, style="dim"))


def teachback(v: TeachBack, console: Console, refs: bool = False) -> None:
    """The key points and questions as a patient sees them: no ids; the key points carry no
    source marks (``views.Marks``), so no list or hint follows either."""
    width = console.width
    console.width = min(width, READ_WIDTH)
    try:
        head = Text(v.title, style="bold")
        head.append("\n")
        head.append(v.opener, style="not bold italic")
        console.print(Panel(head, border_style="cyan", padding=(0, 1), expand=False))
        points = _Rows(1, right=True, label_style="bold")
        for n, p in enumerate(v.key_points, 1):
            line = Text(p.text)
            shown = v.marks(p.refs)  # '' by the rule: the key points are not marked
            if shown:
                line.append(f" {shown}", style="dim")
            points.add_row(Text(f" {n}."), line)
        console.print()
        console.print(Group(Text(v.labels["key_points"], style="bold cyan"), points))
        if v.questions:
            asks = _Rows(1, right=True, label_style="bold")
            for question in v.questions:
                asks.add_row(Text(" •"), Text(question))
            console.print()
            console.print(Group(Text(v.labels["teachback_questions"], style="bold cyan"), asks))
        if v.status:
            console.print()
            console.print(Text(v.status, style="dim italic"))
        _sources(v, console, refs)
    finally:
        console.width = width


def conditions(v: ConditionList, console: Console) -> None:
    from rich.table import Table

    table = Table(title=Text(v.title), show_lines=False)
    for key in ("region", "conditions", "icd10", "evidence_strength"):
        # an id is what a clinician types next: wrapped when the column is narrow, never cut
        table.add_column(Text(v.labels[key]), overflow="fold" if key == "conditions" else None)
    for _, region_name, rows in v.groups:
        for n, r in enumerate(rows):
            name = Text(r.name)
            if v.lang == "en":  # the id to type next; in another language its names are
                name.append(f"\n({r.id})", style="dim")
            table.add_row(
                Text(region_name if n == 0 else ""),
                name,
                Text(", ".join([*r.icd10, *(f"{c} (CM)" for c in r.icd10_cm)])),
                Text(v.labels[f"strength_{r.evidence}"], style=_STRENGTH_STYLE[r.evidence]),
            )
        table.add_section()
    console.print(table)


def references(v: ReferenceList, console: Console) -> None:
    console.print(Text(v.title, style="bold"))
    console.print(Text(v.summary, style="italic"))
    for r in v.references:
        console.print()
        console.print(Text(f"{r.short}  [{r.key}]", style="bold cyan"))
        console.print(Text(f"{r.citation}{_link(r)}"))
        console.print(Text(r.supports, style="green"))
        if r.note:  # the evidence list is the clinician's view
            console.print(Text(r.note, style="dim italic"))


def page_through(pager: str, text: str) -> bool:
    """Show ``text`` through the ``pager`` command; False when it cannot run or reports a
    failure (exits with a status other than 0; ``PAGER=false``): the page is then printed, so
    it is never lost. A pager stopped by a signal was stopped by the reader: not printed."""
    import shlex
    import subprocess

    try:
        args = shlex.split(pager)
        if not args:
            return False
        done = subprocess.run(args, input=text.encode("utf-8"), check=False)
    except (OSError, ValueError):
        return False
    return done.returncode <= 0


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away: let the command end quietly with exit 0, as in plain mode."""
        raise BrokenPipeError


MIN_WIDTH, MAX_WIDTH = 20, 400  # COLUMNS outside this (0, negative, huge) is clamped


class TerminalRenderer(Renderer):
    """Rich on ``out``. ``validate`` and ``paths`` are line-per-record reports: plain text."""

    def __init__(self, out=None, *, force_terminal: bool | None = None, **options):
        super().__init__(out, force_terminal=force_terminal, **options)
        self.console = _Console(file=self.out, highlight=False, force_terminal=force_terminal)
        self.console.width = max(MIN_WIDTH, min(MAX_WIDTH, self.console.width))
        # the height, asked once: Rich otherwise asks the terminal three times a line printed
        self.console.height = self.console.height

    def show(self, view, **options) -> None:
        if self.pager and view.RENDER == "page" and not options.get("stream"):
            with self.console.capture() as captured:
                super().show(view, **options)
            text = captured.get()
            if text.count("\n") < self.console.height or not page_through(self.pager, text):
                self.out.write(text)
            return
        with self.console:  # one write for the whole view, not one per line printed
            super().show(view, **options)

    def page(self, v: Page, stream=False, **_) -> None:
        page(v, self.console, refs=self.refs)
        if stream:
            self.console.rule()

    def conditions(self, v: ConditionList, **_) -> None:
        conditions(v, self.console)

    def references(self, v: ReferenceList, **_) -> None:
        references(v, self.console)

    def missing(self, v, **_) -> None:
        pass  # the message goes to stderr

    def validate_report(self, v: ValidateReport, **_) -> None:
        self.out.write(plain.validate_report(v))

    def paths(self, v: Paths, **_) -> None:
        self.out.write(plain.paths(v))

    def teachback(self, v: TeachBack, **_) -> None:
        teachback(v, self.console, refs=self.refs)

    def note(self, v: Note, **_) -> None:
        self.out.write(plain.note(v))

    def screen_questions(self, v, **_) -> None:
        from dryneedle_cli.render.screening import terminal_questions

        width = self.console.width
        self.console.width = min(width, READ_WIDTH + 12)
        try:
            terminal_questions(v, self.console)
        finally:
            self.console.width = width

    def screen_result(self, v, **_) -> None:
        from dryneedle_cli.render.screening import terminal_result

        width = self.console.width
        self.console.width = min(width, READ_WIDTH)
        try:
            terminal_result(v, self.console)
        finally:
            self.console.width = width


def write(view, out, stream: bool = False, force_terminal: bool | None = None, **_) -> None:
    TerminalRenderer(out, force_terminal=force_terminal).show(view, stream=stream)
