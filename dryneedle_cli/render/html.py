"""A handout as one self-contained HTML file: inline CSS and drawing, print styles.

Every value a user supplies (patient, clinician, clinic details) is escaped.
"""

from __future__ import annotations

import base64
import html

from dryneedle_cli.render import body
from dryneedle_cli.render.scripts import keep_numbers_together
from dryneedle_cli.views import Handout


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


def _section(s, marks) -> str:
    """One section; ``marks(s)`` gives its sources' marks ("[1] [3]"), '' if it has none."""
    out = [f"<h2>{escape(s.heading)}</h2>"]
    if s.text:
        out.append(f"<p>{escape(s.text)}</p>")
    if s.items:
        tag = "ol" if s.style == "steps" else "ul"
        cls = ' class="checklist"' if s.style == "checklist" else ""
        items = "".join(f"<li>{escape(i)}</li>" for i in s.items)
        out.append(f"<{tag}{cls}>{items}</{tag}>")
    if marks(s):
        out.append(f'<p class="marks">{escape(marks(s))}</p>')
    cls = f' class="{s.style}"' if s.style in ("warning", "note", "keypoints") else ""
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
            *(_section(s, h.marks_of) for s in warnings),
            figure,
            '<div class="cols">',
            *(_section(s, h.marks_of) for s in others),
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


def render(h: Handout, font=None) -> bytes:
    """The file's bytes; ``font`` is for the PDF only."""
    return document(h).encode("utf-8")
