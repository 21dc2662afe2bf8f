"""A handout as one self-contained HTML file: inline CSS and drawing, print styles.

Every value a user supplies (patient, clinician, clinic details) is escaped.
"""

from __future__ import annotations

import base64
import html

from dryneedle_cli.render import body
from dryneedle_cli.render.scripts import keep_numbers_together
from dryneedle_cli.views import FormHandout, Handout


def escape(text: str) -> str:
    """Escaped for HTML, a phone number kept on one line."""
    return html.escape(keep_numbers_together(text))


_CSS = """
@page { size: %(paper)s; margin: 8mm 11mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111;
  font-size: %(size)s; line-height: 1.16; margin: 0 auto; max-width: 190mm; }
header { display: flex; justify-content: space-between; align-items: flex-start;
  border-bottom: 2px solid #1f4e79; padding-bottom: 4px; margin-bottom: 6px; }
header .clinic { font-size: 1.35em; font-weight: bold; color: #1f4e79; }
header .contact { font-size: 0.85em; white-space: pre-line; }
header img { max-height: 16mm; max-width: 45mm; }
.details { display: flex; flex-wrap: wrap; gap: 2px 16px; margin: 4px 0; }
.details b { font-weight: bold; }
h1 { font-size: 1.3em; margin: 4px 0 2px; }
.summary { margin: 0 0 6px; }
.warning { border: 3px solid #b00020; background: #fff3f3; padding: 3px 8px; margin: 4px 0;
  break-inside: avoid; }
.warning h2 { color: #b00020; }
.note, .keypoints { border: 2px solid #1f4e79; padding: 3px 8px; margin: 4px 0;
  break-inside: avoid; }
.warning li { font-weight: bold; }
.areas { display: flex; align-items: center; gap: 10px; margin: 4px 0; break-inside: avoid; }
.areas svg { width: %(figure)s; height: auto; flex: none; }
.areas figcaption { font-size: 0.95em; }
.cols { columns: %(columns)s; column-gap: 8mm; }
section { break-inside: avoid; margin: 0 0 5px; }
h2 { font-size: 1.05em; margin: 0 0 2px; break-after: avoid; }
p { margin: 0 0 2px; }
ul, ol { margin: 0 0 2px; padding-left: 1.2em; }
ul.checklist { list-style: none; padding-left: 0.2em; }
ul.checklist li::before { content: "\\2610  "; }
.marks { color: #555; font-size: 0.78em; }
.sources ol { list-style: none; padding-left: 0; font-size: 0.85em; }
.areas figure.outline { margin: 0; flex: none; text-align: center; }
.areas .sides { display: flex; justify-content: space-around; font-size: 0.85em; color: #555; }
footer { border-top: 1px solid #999; margin-top: 3px; padding-top: 3px; font-weight: bold; }
footer .emergency { color: #b00020; }
footer .notice { color: #555; font-size: 0.8em; }
@media screen { body { padding: 12mm; } }
"""


def _logo(h: Handout) -> str:
    path = h.clinic.logo_path() if h.clinic else None
    if path is None:
        return ""
    mime = {".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(
        path.suffix.lower(), "image/png"
    )
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:{mime};base64,{data}" alt="{escape(h.clinic.name)}">'


# ------------------------------------------------------------------ the parts, by style
# Every section of a sheet or a form is drawn by ``section``: its heading, its text, then its
# items by the drawer of its style in ``DRAWERS`` (a list by default: numbered steps, a
# checklist's boxes), then its source marks, in a ``<section>`` that the print styles keep whole
# (boxed for a warning, a note and the key points). A part of questions (``FLOWING``) is not a
# ``<section>``: its table may run on to the next page. What differs between the two documents
# is only the ``_Pen``: a sheet's text is escaped with a number's spaces kept (``escape``), a
# form's as written.

BOXED = ("warning", "note", "keypoints")
FLOWING = ("questions",)


class _Pen:
    """What one document draws its sections with: its escaping (``escape`` on a sheet,
    ``html.escape`` on a form), its marks and words, and the number of the last question
    drawn (questions are numbered on across the parts of a form)."""

    def __init__(self, h, esc):
        self.h, self.esc, self.asked = h, esc, 0


def _items(s, pen: _Pen) -> str:
    if not s.items:
        return ""
    tag = "ol" if s.style == "steps" else "ul"
    cls = {"steps": ' class="steps"', "checklist": ' class="checklist"'}.get(s.style, "")
    items = "".join(f"<li>{pen.esc(i)}</li>" for i in s.items)
    return f"<{tag}{cls}>{items}</{tag}>"


def _lines(s, pen: _Pen) -> str:
    """Each item with a line to write on under it."""
    return "".join(f'<p>{pen.esc(i)}</p><div class="line"></div>' for i in s.items)


def _sign(labels, esc=html.escape) -> str:
    """One row to sign: a line per label (Name, Signature, Date), the last one short."""
    last = len(labels) - 1
    cells = "".join(
        f'<div class="{"short" if n == last and n else ""}">{esc(lbl)}</div>'
        for n, lbl in enumerate(labels)
    )
    return f'<div class="sign">{cells}</div>'


def _signature(s, pen: _Pen) -> str:
    return _sign(s.items, pen.esc)


def _questions(s, pen: _Pen) -> str:
    """A table of numbered questions, each with its Yes / No / Not sure boxes."""
    w, esc = pen.h.words, pen.esc
    boxes = "".join(
        f'<span class="box"></span>{esc(w[k])}'
        for k in ("answer_yes", "answer_no", "answer_not_sure")
    )
    rows = []
    for item in s.items:
        pen.asked += 1
        rows.append(
            f'<tr><td class="n">{pen.asked}.</td><td>{esc(item)}</td>'
            f'<td class="boxes">{boxes}</td></tr>'
        )
    return f'<table class="questions">{"".join(rows)}</table>'


DRAWERS = {"questions": _questions, "lines": _lines, "signature": _signature}


def section(s, pen: _Pen) -> str:
    """One section of a sheet or a form, drawn by its style."""
    esc = pen.esc
    out = [f"<h2>{esc(s.heading)}</h2>"]
    if s.text:
        out.append(f"<p>{esc(s.text)}</p>")
    out.append(DRAWERS.get(s.style, _items)(s, pen))
    marks = pen.h.marks_of(s)  # a body section's marks only (``views.UNMARKED``)
    if marks:
        out.append(f'<p class="marks">{esc(marks)}</p>')
    if s.style in FLOWING:
        return "".join(out)
    cls = f' class="{s.style}"' if s.style in BOXED else ""
    return f"<section{cls}>{''.join(out)}</section>"


def sources(listed, label: str) -> str:
    """The numbered list of sources at the end: each number as its mark ([1]) shows it."""
    if not listed:
        return ""
    items = "".join(f"<li>[{n}] {escape(name)}</li>" for n, name in listed)
    return f'<section class="sources"><h2>{escape(label)}</h2><ol>{items}</ol></section>'


def outline(h, caption_label: str, alt_label: str) -> str:
    """The body outline ("Front" and "Back" under its views) and beside it the areas and the
    caption that says what to do; '' when no area was chosen."""
    if not h.areas:
        return ""
    labels = h.labels
    alt = f"{labels[alt_label]} {h.area_names}"
    what = h.outline_caption
    return (
        f'<div class="areas"><figure class="outline">{body.svg(dict(h.areas), title=alt)}'
        f'<div class="sides" aria-hidden="true"><span>{escape(labels["front"])}</span>'
        f"<span>{escape(labels['back'])}</span></div></figure>"
        f"<div><p><b>{escape(labels[caption_label])}:</b> {escape(h.area_names)}</p>"
        + (f"<p>{escape(what)}</p>" if what else "")
        + "</div></div>"
    )


def document(h: Handout) -> str:
    p, labels = h.page, h.labels
    warnings, others = h.first_sections, h.other_sections
    css = _CSS % {
        "paper": h.paper,
        "size": "18pt" if h.large_print else "11pt",
        "columns": "1" if h.large_print else "2",
        "figure": "60mm" if h.large_print else "30mm",
    }
    clinic = ""
    if h.clinic:
        contact = "\n".join(h.clinic.contact)
        clinic = (
            f'<div><div class="clinic">{escape(h.clinic.name)}</div>'
            f'<div class="contact">{escape(contact)}</div></div>{_logo(h)}'
        )
    # <bdi>: a right-to-left name keeps its own order without moving the text around it
    details = "".join(
        f"<span><b>{escape(k)}:</b> <bdi>{escape(v)}</bdi></span>" for k, v in h.details
    )
    # as on the PDF: no outline (and no "no area" line) when none was chosen
    figure = outline(h, "areas", "outline")
    pen = _Pen(h, escape)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(p.lang)}">',
            '<head><meta charset="utf-8">',
            f"<title>{escape(p.title)}</title>",
            f"<style>{css}</style></head>",
            "<body>",
            f"<header>{clinic}</header>" if clinic else "",
            "<main>",  # every part but the clinic's header and the footer: one landmark
            f'<div class="details">{details}</div>' if details else "",
            f"<h1>{escape(p.title)}</h1>",
            f'<p class="summary">{escape(p.summary)}</p>',
            *(section(s, pen) for s in warnings),
            figure,
            '<div class="cols">',
            *(section(s, pen) for s in others),
            "</div>",
            sources(h.sources, labels["sources"]),
            "</main>",
            f'<footer><div class="emergency">{escape(h.emergency)}</div>'
            f"<div>{escape(h.questions)}</div>"
            f'<div class="notice">{escape(h.notice)}</div></footer>',
            "</body></html>",
            "",
        ]
    )


# ------------------------------------------------------------------ the forms
# A form as one self-contained HTML file: the sheets' look, a table of questions with
# Yes / No / Not sure boxes, lines to write on, signature rows, and each copy on its own page
# when printed. Every value is escaped.

_FORM_CSS = """
@page { size: %(paper)s; margin: 10mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111;
  font-size: %(size)s; line-height: 1.2; margin: 0 auto; max-width: 190mm; }
article + article { break-before: page; margin-top: 12mm; }
header { display: flex; justify-content: space-between; align-items: flex-start;
  border-bottom: 2px solid #1f4e79; padding-bottom: 4px; margin-bottom: 6px; }
header .clinic { font-size: 1.35em; font-weight: bold; color: #1f4e79; }
header .contact { font-size: 0.85em; white-space: pre-line; }
header img { max-height: 16mm; max-width: 45mm; }
h1 { font-size: 1.3em; margin: 4px 0 2px; }
h2 { font-size: 1.05em; color: #1f4e79; margin: 6px 0 2px; }
p { margin: 0 0 3px; }
.fields { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 6px 0; }
.blank { display: inline-block; min-width: 45mm; border-bottom: 1px solid #555; }
table.questions { width: 100%%; border-collapse: collapse; }
table.questions td { padding: 2px 4px; border-bottom: 1px solid #ddd; vertical-align: top; }
table.questions td.n { width: 2.2em; font-weight: bold; }
table.questions td.boxes { white-space: nowrap; text-align: right; }
.box { display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid #111;
  vertical-align: -0.1em; margin: 0 0.25em 0 0.8em; }
.cols { columns: %(columns)s; column-gap: 8mm; }
section { break-inside: avoid; margin: 0 0 6px; }
section.warning { border: 3px solid #b00020; background: #fff3f3; padding: 3px 8px; }
section.warning h2 { color: #b00020; }
ul { margin: 0 0 2px; padding-left: 1.2em; }
ul.checklist { list-style: none; padding-left: 0.2em; }
ul.checklist li::before { content: "\\2610  "; }
.line { border-bottom: 1px solid #555; height: 7mm; margin-bottom: 2px; }
.sign { display: flex; gap: 4mm; margin: 2px 0 8px; }
.sign div { flex: 1; border-top: 1px solid #555; padding-top: 1px; margin-top: 8mm;
  font-size: 0.8em; color: #555; }
.sign div.short { flex: 0.55; }
.marks { color: #555; font-size: 0.78em; }
.sources ol { list-style: none; padding-left: 0; font-size: 0.85em; columns: %(columns)s; }
section.keypoints { border: 2px solid #1f4e79; padding: 3px 8px; margin: 4px 0; }
ol.steps { margin: 0 0 4px; padding-left: 1.6em; }
.runhead { color: #555; font-size: 0.85em; border-bottom: 1px solid #999; margin-bottom: 4px; }
.areas { display: flex; align-items: center; gap: 10px; margin: 4px 0; break-inside: avoid; }
.areas svg { width: %(figure)s; height: auto; flex: none; }
.areas figure.outline { margin: 0; flex: none; text-align: center; }
.areas .sides { display: flex; justify-content: space-around; font-size: 0.85em; color: #555; }
footer { border-top: 1px solid #999; margin-top: 6px; padding-top: 3px; font-weight: bold; }
footer .emergency { color: #b00020; }
footer .notice { color: #555; font-size: 0.8em; font-weight: normal; }
@media screen { body { padding: 12mm; } }
"""


def _form_copy(h, copy: str) -> str:
    p, w = h.page, h.words
    parts = []
    if h.clinic:
        contact = "\n".join(h.clinic.contact)
        parts.append(
            f'<header><div><div class="clinic">{html.escape(h.clinic.name)}</div>'
            f'<div class="contact">{html.escape(contact)}</div></div>{_logo(h)}</header>'
        )
    parts.insert(0, f'<div class="runhead" aria-hidden="true">{html.escape(h.header(copy))}</div>')
    title = p.title + (f" · {copy}" if copy else "")
    parts += [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(p.summary)}</p>"]
    pen = _Pen(h, html.escape)  # the questions numbered from 1 in each copy
    parts += [section(s, pen) for s in h.top_sections]  # key points, how to fill it in
    fields = "".join(
        f"<span><b>{html.escape(k)}:</b> "
        + (html.escape(v) if v else '<span class="blank">&nbsp;</span>')
        + "</span>"
        for k, v in h.fields
    )
    parts.append(f'<div class="fields">{fields}</div>')
    parts.append(outline(h, "areas_planned", "outline_planned"))
    if p.kind == "screening":  # the questions, what else to tell, the rows to sign
        parts += [section(s, pen) for s in p.sections]
        parts.append(f"<h2>{html.escape(w['form_anything_else'])}</h2>")
        parts.append('<div class="line"></div><div class="line"></div>')
        parts.append(_sign((w["form_signature"], w["form_date"])))
        parts.append(_sign((w["form_checked_by"], w["form_date"])))
    else:  # the information in columns, then the agreement and the rows to sign
        rest = [s for s in p.sections if s.style == "signature"]
        info = [s for s in p.sections if s.style != "signature"]
        parts.append(f'<div class="cols">{"".join(section(s, pen) for s in info[:-1])}</div>')
        parts += [section(s, pen) for s in (info[-1], *rest)]
    parts.append(sources(h.sources, h.labels["sources"]))
    parts.append(
        f'<footer><div class="emergency">{html.escape(h.emergency)}</div>'
        f"<div>{html.escape(h.questions)}</div>"
        f'<div class="notice">{html.escape(h.notice_for(copy))}</div></footer>'
    )
    return f"<article>{''.join(parts)}</article>"


def form_document(h) -> str:
    css = _FORM_CSS % {
        "paper": h.paper,
        "size": "18pt" if h.large_print else "11pt",
        "columns": "1" if h.large_print else "2",
        "figure": "60mm" if h.large_print else "40mm",
    }
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{html.escape(h.page.lang)}">',
            '<head><meta charset="utf-8">',
            f"<title>{html.escape(h.page.title)}</title>",
            f"<style>{css}</style></head>",
            "<body>",
            "<main>",  # every copy in the one main landmark
            *(_form_copy(h, copy) for copy in h.copies),
            "</main>",
            "</body></html>",
            "",
        ]
    )


def render(h: Handout | FormHandout, font=None) -> bytes:
    """The file's bytes, a sheet's or a form's; ``font`` is for the PDF only."""
    made = form_document(h) if isinstance(h, FormHandout) else document(h)
    return made.encode("utf-8")
