"""``dryneedle validate``: every problem in knowledge files, not only the first.

With no paths, every active layer is checked. A folder is checked as a clinic layer on top of
the built-in files; a single file is checked inside the layer folder it belongs to, and only
its own problems are reported. Errors: anything that would stop the file being used. Warnings:
a statement with no reference, a review older than 24 months, a name shared by two items, and
(when textstat is installed) a page above reading grade 6.0. Every language the layers have
(``i18n/<lang>/``) is checked too: a translation that does not mirror its English is an error,
a stale one (its English changed since) and each page not translated are warnings, and one
warning per language names the pages these files take out of that language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dryneedle_cli.content import kinds
from dryneedle_cli.content.build import build
from dryneedle_cli.content.layers import Layer, languages, root_of
from dryneedle_cli.errors import ContentError, ContentWarning


@dataclass
class Report:
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # the layer folders looked at
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def run(targets: list[Path], active: list[Layer]) -> Report:
    report = Report()
    builtin = Layer(active[0].name, active[0].root, True)
    if not targets:
        layers = list(active)
        focus: list[Path] | None = None
    else:
        layers, focus = [builtin], []
        for target in targets:
            path = target.resolve()
            if path.is_dir():
                root = path
            elif path.is_file():
                root = root_of(path)
                if root is None or kinds.kind_of(path.relative_to(root).as_posix())[0] is None:
                    report.errors.append(ContentError(
                        str(target),
                        "cannot tell what kind of knowledge file this is; put it in a topics/ "
                        "or conditions/ folder, or name it like the built-in files",
                    ))  # fmt: skip
                    continue
            else:
                report.errors.append(ContentError(str(target), "no such file or folder"))
                continue
            focus.append(path)
            if root != builtin.root.resolve() and all(la.root != root for la in layers):
                layers.append(Layer(str(target), root))
    report.checked = [str(layer.root) for layer in layers]
    result = build(layers, strict=True, langs=tuple(languages(layers)[1:]))

    def wanted(file: str) -> bool:
        """Whether problems in ``file`` are asked for."""
        if focus is None:
            return True
        given = Path(file)  # a link is judged by where it sits, not where it points
        where = given.parent.resolve() / given.name
        return any(where == f or f in where.parents for f in focus)

    report.errors += [e for e in result.errors if wanted(e.file)]
    report.warnings += [w for w in result.warnings if wanted(w.file)]
    for lang, out in result.out.items():
        _out_of_language(lang, out, report, wanted)
    if result.kb is not None:
        _readability(result.kb, report, wanted)
    for lang, kb in result.translated.items():
        _reading_ease(kb, lang, report, wanted)
    return report


def _out_of_language(lang: str, out: dict, report: Report, wanted) -> None:
    """One warning per language: the pages these files take out of it (a clinic's English
    change with no translation of it). A warning, not an error: the pages still work in
    English, and in that language they are refused with the fix, never shown mixed."""
    from dryneedle_cli.languages import name

    mine = [(key, file) for key, (_, file) in out.items() if wanted(file)]
    if not mine:
        return
    said = {w.detail for w in report.warnings}
    for key, file in mine:  # each page's reason, where no warning said it yet
        detail = f"not translated into {name(lang)}: {out[key][0]}"
        if not any(out[key][0] in d for d in said):
            report.warnings.append(ContentWarning(file, detail))
    every = any(key == "labels:labels" for key, _ in mine)
    what = [_item_name(key) for key, _ in mine]
    shown = "; ".join(what[:8]) + (f"; and {len(what) - 8} more" if len(what) > 8 else "")
    lang_name = name(lang)
    scope = "every page" if every else count(len(mine), "page")
    report.warnings.append(ContentWarning(
        mine[0][1],
        f"{lang_name}: {scope} not shown in {lang_name.split(' ')[0]} because of changes here "
        f"with no translation ({shown}); asked for in '{lang}' they are refused as not "
        f"translated yet; 'dryneedle translations --lang {lang}' says what each needs",
    ))  # fmt: skip


def _item_name(key: str) -> str:
    kind, _, ident = key.partition(":")
    if kind == "labels":
        return "the labels"
    if kind in ("prepare", "aftercare"):
        return f"the {kind} sheet"
    if kind in ("screening", "consent"):
        return f"the {kind} form"
    return f"{kind} {ident}"


def _reading_ease(kb, lang: str, report: Report, wanted) -> None:
    """A translated page that reads harder than its language's gate (``reading_ease``: never
    the English grade), for the languages that have a gate."""
    from dryneedle_cli.checks.readability import page_text, patient_pages
    from dryneedle_cli.content import reading_ease
    from dryneedle_cli.query.pages import Query

    if lang not in reading_ease.GATES:
        return
    q = Query(kb)
    ids = {i for i, f in kb.sources.items() if wanted(f)}
    ids -= {k.split(":", 1)[1] for k in kb.untranslated}
    if "labels:labels" in kb.untranslated:
        return
    files = {r["item"].split(":", 1)[1]: r["file"] for r in kb.trail if r["file"]}
    for name, page in patient_pages(q, ids):
        try:
            low = reading_ease.failures(page_text(page), lang)
        except ValueError:  # no words
            continue
        for metric, got, gate in low:
            report.warnings.append(ContentWarning(
                files.get(page.id) or kb.sources.get(page.id, name),
                f"'{name}' in {lang} scores {got:.1f} on "
                f"{metric}, below {gate:g}; use shorter sentences and everyday words",
            ))  # fmt: skip


def _readability(kb, report: Report, wanted) -> None:
    from dryneedle_cli.checks import readability
    from dryneedle_cli.query.pages import Query

    if not readability.available():
        report.notes.append(
            "reading grades not checked: install textstat 0.7.8 (dryneedle[validate])"
        )
        return
    q = Query(kb)
    ids = {i for i, f in kb.sources.items() if wanted(f)}  # sheets and glossary terms too
    for page_grade, name, section_grade, heading, ident in readability.table(q, ids):
        file = kb.sources[ident]
        if page_grade > readability.PAGE_LIMIT:
            report.warnings.append(ContentWarning(
                file, f"'{name}' reads at grade {page_grade:.1f}, above "
                f"{readability.PAGE_LIMIT}; use shorter sentences and everyday words",
            ))  # fmt: skip
        elif section_grade > readability.SECTION_LIMIT:
            report.warnings.append(ContentWarning(
                file, f"section '{heading}' of '{name}' reads at grade {section_grade:.1f}, "
                f"above {readability.SECTION_LIMIT}",
            ))  # fmt: skip


def as_dict(report: Report) -> dict:
    def item(e: ContentError) -> dict:
        return {"file": e.file, "line": e.line, "column": e.column, "field": e.field,
                "message": e.detail}  # fmt: skip

    return {
        "schema_version": 1,
        "command": "validate",
        "ok": report.ok,
        "checked": report.checked,
        "errors": [item(e) for e in report.errors],
        "warnings": [item(w) for w in report.warnings],
        "notes": report.notes,
    }


def lines(report: Report) -> list[str]:
    """``file:line:column: error|warning: message`` lines."""
    out = []
    for severity, items in (("error", report.errors), ("warning", report.warnings)):
        for e in items:
            field_ = f" (field '{e.field}')" if e.field else ""
            out.append(f"{e.where()}: {severity}: {e.detail}{field_}")
    return out


def count(n: int, noun: str) -> str:
    """'1 error', '2 errors', '0 warnings'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def summary(report: Report) -> str:
    """The last line of a run: '1 error, 0 warnings (1 layer checked)'."""
    return (
        f"{count(len(report.errors), 'error')}, {count(len(report.warnings), 'warning')} "
        f"({count(len(report.checked), 'layer')} checked)"
    )
