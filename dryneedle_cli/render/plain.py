"""Plain text: no colour, no boxes, no wrapping; a stable line layout for pipes and scripts.

Pages: title underlined with '=', headings underlined with '-' ('!' for warnings), one
paragraph per line, list items as '- ', numbered steps as '1. ', checklists as '[ ] '. A body
section ends with the names of its sources; a warning, steps or key points never do, and the
references at the end are the sources named (``views.Marks``, the rule of every patient view).
Lists of conditions or references: one record per line, fields separated by tabs.
"""

from __future__ import annotations

from dryneedle_cli.render import Renderer
from dryneedle_cli.safe import line as _one_line
from dryneedle_cli.safe import message as _message
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

_BULLET = {"checklist": "[ ] "}


def _underline(text: str, char: str) -> list[str]:
    return [text, char * len(text)]


def _section(s: SectionView, named: list[str], sources_label: str) -> list[str]:
    """A section; ``named``: the short names of its sources, [] where it carries none."""
    lines = _underline(s.heading, "!" if s.style == "warning" else "-")
    if s.text:
        lines.append(s.text)
    for n, item in enumerate(s.items, 1):
        prefix = f"{n}. " if s.style == "steps" else _BULLET.get(s.style, "- ")
        lines.append(f"{prefix}{item}")
    if named:
        lines.append(f"{sources_label}: {'; '.join(named)}")
    return lines


def _rules_out(p: Page, shorts: dict[str, str]) -> list[str]:
    """For the clinician: items that a named source says rule dry needling out."""
    if not p.rules_out:
        return []
    lines = ["", *_underline(p.labels["rules_out"], "-")]
    for item, refs in p.rules_out:
        lines.append(f"- {item} ({'; '.join(shorts[k] for k in refs)})")
    return lines


def page(p: Page, clinician: bool = True) -> str:
    """The page as plain text; ``clinician`` adds the notes meant for the clinician only."""
    lines = _underline(p.title, "=")
    if p.summary:
        lines.append(p.summary)
    if p.facts:
        lines.append("")
        lines.extend(f"{label}: {value}" for label, value in p.facts)
    shorts = {r.key: r.short for r in p.references}
    for s in p.sections:
        lines.append("")
        named = [shorts[k] for k in s.refs if k in shorts] if p.marked(s) else []
        lines.extend(_section(s, named, p.labels["sources"]))
    if clinician:
        lines.extend(_rules_out(p, shorts))
    if p.status:  # what the page is: a draft awaiting review, or approved by whom and when
        lines += ["", p.status]
    listed = p.marked_references  # the sources a body section names, in order of first name
    if listed:
        lines.append("")
        lines.extend(_underline(p.labels["references"], "-"))
        lines.extend(_citation(r) for r in listed)
    return "\n".join(lines) + "\n"


def _citation(r) -> str:
    doi = f" doi:{r.doi}" if r.doi else ""
    url = f" {r.url}" if r.url and not r.doi else ""
    return f"[{r.key}] {r.citation}{doi}{url}"


CONDITION_FIELDS = ("id", "name", "region", "icd10", "evidence")
REFERENCE_FIELDS = ("key", "citation", "link", "supports", "note")


def _records(rows, fields, query: str | None, header: bool) -> str:
    prefix = [] if query is None else [query]
    lines = ["\t".join(([] if query is None else ["query"]) + list(fields))] if header else []
    # a tab or line break inside a field would split the record: shown as \t or \n instead
    lines += ["\t".join(_one_line(x) for x in prefix + list(row)) for row in rows]
    return "".join(f"{line}\n" for line in lines)


def conditions(v: ConditionList, query: str | None = None, header: bool = False) -> str:
    rows = [(r.id, r.name, r.region, ",".join(r.icd10), r.evidence) for r in v.rows]
    return _records(rows, CONDITION_FIELDS, query, header)


def references(v: ReferenceList, query: str | None = None, header: bool = False) -> str:
    rows = [
        (r.key, r.citation, r.doi or r.url or "", r.supports, r.note or "") for r in v.references
    ]
    return _records(rows, REFERENCE_FIELDS, query, header)


def validate_report(v: ValidateReport) -> str:
    """``file:line:column: error|warning: message`` lines."""
    out = []
    for severity, items in (("error", v.errors), ("warning", v.warnings)):
        for e in items:
            field_ = f" (field '{e.field}')" if e.field else ""
            # a message like every other: quoted values cut (a clinic's 900-character word)
            out.append(_message(f"{e.where()}: {severity}: {e.message}{field_}"))
    return "".join(f"{line}\n" for line in out)


def paths(v: Paths) -> str:
    """Layers as ``name<TAB>folder`` (highest first), or ``id<TAB>origin`` per part."""
    if v.id is None:
        rows = [
            (r.layer, r.folder) if r.present else (r.layer, r.folder, "(not present)")
            for r in v.layers
        ]
    else:
        rows = [(v.id, part) for part in v.parts]
    return "".join("\t".join(_one_line(x) for x in row) + "\n" for row in rows)


def teachback(v: TeachBack) -> str:
    """The key points (numbered) and the questions of one page. Key points name no sources
    (``views.Marks``), so no references follow them either."""
    shorts = {r.key: r.short for r in v.references}
    numbers = v.numbers  # empty by the rule: the key points are not marked
    lines = [*_underline(v.title, "="), v.opener, "", *_underline(v.labels["key_points"], "-")]
    for n, p in enumerate(v.key_points, 1):
        lines.append(f"{n}. {p.text}")
        named = [shorts[k] for k in dict.fromkeys(p.refs) if k in numbers]
        if named:
            lines.append(f"   {v.labels['sources']}: {'; '.join(named)}")
    if v.questions:
        lines += ["", *_underline(v.labels["teachback_questions"], "-")]
        lines += [f"- {question}" for question in v.questions]
    if v.status:
        lines += ["", v.status]
    if v.marked_references:
        lines += ["", *_underline(v.labels["references"], "-")]
        lines += [_citation(r) for r in v.marked_references]
    return "\n".join(lines) + "\n"


def note(v: Note) -> str:
    """The chart note: one line."""
    return _one_line(v.line) + "\n"


class PlainRenderer(Renderer):
    """Plain text on ``out``; in a stream, list records start with the query."""

    def page(self, v: Page, stream=False, **_) -> None:
        self.out.write(page(v) + ("\n" if stream else ""))

    def conditions(self, v: ConditionList, stream=False, header=False, **_) -> None:
        self.out.write(conditions(v, v.query if stream else None, header))

    def references(self, v: ReferenceList, stream=False, header=False, **_) -> None:
        self.out.write(references(v, v.query if stream else None, header))

    def missing(self, v, **_) -> None:
        pass  # the message goes to stderr

    def validate_report(self, v: ValidateReport, **_) -> None:
        self.out.write(validate_report(v))

    def paths(self, v: Paths, **_) -> None:
        self.out.write(paths(v))

    def teachback(self, v: TeachBack, **_) -> None:
        self.out.write(teachback(v))

    def note(self, v: Note, **_) -> None:
        self.out.write(note(v))

    def screen_questions(self, v, header=False, **_) -> None:
        from dryneedle_cli.render.screening import plain_questions

        self.out.write(plain_questions(v, header))

    def screen_result(self, v, **_) -> None:
        from dryneedle_cli.render.screening import plain_result

        self.out.write(plain_result(v))


def render(view, stream: bool = False, header: bool = False) -> str:
    """The plain text of a view (as ``PlainRenderer`` shows it, without escaping)."""
    import io

    out = io.StringIO()
    renderer = PlainRenderer(out)
    getattr(renderer, view.RENDER)(view, stream=stream, header=header)
    return out.getvalue()
