"""Sheet layout: every text line read back from the PDF; no two overlap, none leaves the page.

Issue 23: the type is read back too. Body text is at least 11 pt on a normal sheet or form and
at least 16 pt in large print; only the small print (the footer's notice, "page N of M", the
source marks [1] and the numbered list of sources, the clinic's contact lines, the labels
under the outline and the signature lines, a form's running header) is smaller. No heading is
the last line of a page, no warning box is split across pages, and a sheet or form stays within
its measured pages (``pdf.MAX_PAGES``, ``forms.pdf.PAGES``).

Each PDF is drawn for every sheet x paper x large print x profile x area set, with long
realistic names (and in Spanish and French for the longest cases: the longest profile, the most
areas, each sheet, paper and size), and its words are read back with pdfplumber, grouped into
lines. A line may not overlap another line, may not stray outside the printable area (the
margins), and the emergency footer owns its reserved space at the bottom of each page.
"""

from __future__ import annotations

import contextlib
import io
import itertools

import pdfplumber
import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout, printed
from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.render import pdf

MM = 72 / 25.4
EDGE = pdf.MARGIN * MM - 0.5  # the printable area: inside the margins, half a point of slack

LONG_CLINIC = Clinic(
    name="Riverside Sports Physiotherapy & Musculoskeletal Rehabilitation Centre of Springfield",
    phone="+61 (0)2 5550 1020 ext. 4417",
    address=(
        "Suite 14, Level 3, Riverside Medical & Allied Health Centre, 1207-1211 Great Western "
        "Highway, North Springfield Heights NSW 2777, Australia"
    ),
    website="www.riverside-sports-physiotherapy-and-rehabilitation.example.com.au",
    emergency_number="000",
    clinicians=("Dr Maria-Fernanda Castellanos-Villarreal",),
)
AREA_SETS = {
    "none": [],
    "one": ["neck"],
    "near-lungs": ["neck", "upper-back", "chest", "shoulder"],
    "all": ["head-jaw", "neck", "upper-back", "chest", "shoulder", "elbow", "forearm-wrist",
            "low-back", "hip-buttock", "thigh", "knee", "lower-leg", "foot"],
}  # fmt: skip
PATIENT = "Anh-Thư Nguyễn-Wójcik Fitzgerald-Oyelaran Zoë Marie-Claire"
CLINICIAN = "Dr Maria-Fernanda Castellanos-Villarreal"
NEXT = "Tuesday 1 December 2026 at 4:45 pm with Dr Castellanos-Villarreal"
NOTES = (
    "Put a cold pack on the left side of your neck for 10 minutes, twice this evening, and "
    "again tomorrow morning if it is still sore.",
    "Skip tomorrow's swim; light walking is fine. Ring us on Friday to tell us how you feel.",
)


def _lines(page) -> list[tuple[float, float, float, float, str]]:
    """The page's words grouped into lines: (x0, top, x1, bottom, text)."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=True, extra_attrs=["size"])
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        for row in rows:
            if abs(row[0]["top"] - w["top"]) < 0.5 and abs(row[0]["bottom"] - w["bottom"]) < 0.5:
                row.append(w)
                break
        else:
            rows.append([w])
    out = []
    for row in rows:
        out.append((
            min(w["x0"] for w in row), min(w["top"] for w in row),
            max(w["x1"] for w in row), max(w["bottom"] for w in row),
            " ".join(w["text"] for w in row),
        ))  # fmt: skip
    return out


def _overlap(a, b) -> bool:
    # boxes touching or within a fraction of a point are fine (glyph boxes include leading)
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.8


_READ: list = []  # the PDF read last: (its bytes, its pdfplumber document)


@contextlib.contextmanager
def opened(data: bytes):
    """``data`` read with pdfplumber once: ``problems()``, ``type_problems()`` and the test that
    called them share one document (pdfplumber keeps each page's objects, so a page is parsed
    once instead of three times)."""
    if not (_READ and _READ[0][0] is data):
        while _READ:
            _READ.pop()[1].close()
        _READ.append((data, pdfplumber.open(io.BytesIO(data))))
    yield _READ[0][1]


def problems(data: bytes, footer: list[str], h=None) -> list[str]:
    """Every overlap or stray line in a PDF, in words; [] when the layout is clean.

    ``footer`` is the footer's text: from its first line down, a page holds only footer words,
    and no drawing (the body outline, a box) reaches into it.
    """
    found = []
    words = set(" ".join(footer).split())
    if h is not None:  # "Page N of M"
        words |= set(h.labels["page_of"].split())
    with opened(data) as doc:
        for n, page in enumerate(doc.pages, 1):
            lines = _lines(page)
            for a, b in itertools.combinations(lines, 2):
                if _overlap(a, b):
                    found.append(f"page {n}: {a[4][:40]!r} overlaps {b[4][:40]!r}")
            for x0, top, x1, bottom, text in lines:
                if x0 < EDGE or top < EDGE or x1 > page.width - EDGE or bottom > page.height - EDGE:
                    found.append(f"page {n}: {text[:40]!r} outside the printable area")
            first = footer[0].split()[:3]
            foot = [ln for ln in lines if ln[4].split()[:3] == first]
            if not foot:
                found.append(f"page {n}: no footer")
                continue
            top = max(ln[1] for ln in foot) - 0.5
            for ln in lines:
                rest = {w for w in ln[4].split() if not w.isdigit()}
                if ln[1] >= top and not rest <= words:
                    found.append(f"page {n}: {ln[4][:40]!r} is in the footer's space")
            for shape in [*page.rects, *page.curves]:
                if shape["bottom"] > top - 1 and shape["top"] < page.height - EDGE:
                    found.append(f"page {n}: a drawing at y={shape['top']:.0f} reaches the footer")
    return found


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def small_print(h) -> str:
    """Every text a sheet or form may print below the body size, as one string."""
    texts = [h.notice, h.labels["front"], h.labels["back"]]
    texts += [h.marks(s.refs) for s in h.page.sections]
    texts += [f"[{n}] {name}" for n, name in h.sources]
    if h.clinic:
        texts += h.clinic.contact
    if hasattr(h, "header"):  # a form: its running header, its signature and form words
        texts += [h.header(c) for c in h.copies] + [h.notice_for(c) for c in h.copies]
        texts += [*h.words.values()]
        texts += [i for s in h.page.sections if s.style == "signature" for i in s.items]
    return " | ".join(_flat(t) for t in texts if t)


def type_problems(data: bytes, h) -> list[str]:
    """Body text under the minimum (11 pt, 16 pt in large print), a heading left as the last
    line of a page, a warning box split across pages: in words, [] when none."""
    found = []
    least = 16.0 if h.large_print else 11.0
    allowed = small_print(h)
    small_words = set(allowed.split()) | set(_flat(h.labels["page_of"]).split())
    small_words |= {str(n) for n in range(1, 40)}
    import re

    marks = re.compile(r"(\[\d+\]\s*)+")
    label = re.escape(_flat(h.labels["page_of"]))
    page_of = re.compile(label.replace(r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+"))
    with opened(data) as doc:
        texts = []
        for n, page in enumerate(doc.pages, 1):
            words = page.extract_words(use_text_flow=True, extra_attrs=["size"])
            texts.append(_flat(" ".join(w["text"] for w in words)))
            sizes = {}  # each line (as _lines groups them) -> its words' sizes
            for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
                for ln in sizes:
                    if abs(ln[1] - w["top"]) < 0.5 and abs(ln[3] - w["bottom"]) < 0.5:
                        sizes[ln].append(w)
                        break
                else:
                    sizes[(w["x0"], w["top"], w["x1"], w["bottom"])] = [w]
            sizes = {
                (ln[0], ln[1], ln[2], ln[3], " ".join(w["text"] for w in ws)): [
                    w["size"] for w in ws
                ]
                for ln, ws in sizes.items()
            }
            body_lines = []
            for ln, got in sizes.items():
                text = _flat(ln[4])
                if min(got) >= least - 0.05:
                    body_lines.append((ln, max(got)))
                    continue
                if marks.fullmatch(text) or page_of.fullmatch(text):
                    continue
                # pieces side by side (two columns of sources, "Signature" and "Date" under
                # their lines, a header and its page number): each word is small print
                if text in allowed or set(text.split()) <= small_words:
                    continue
                found.append(f"page {n}: {text[:50]!r} at {min(got):.1f} pt (under {least})")
            if n < len(doc.pages) and body_lines:  # no heading alone at the foot of a page
                body = sorted(x for _, x in body_lines)[len(body_lines) // 2]
                foot = _flat(h.emergency).split()[:3]
                above = [b for b in body_lines if _flat(b[0][4]).split()[:3] != foot]
                last, size = max(above, key=lambda b: b[0][1]) if above else (None, 0)
                if last is not None and size > body * 1.05 and not _flat(last[4]).isdigit():
                    found.append(f"page {n}: the heading {last[4][:40]!r} ends the page")
    for s in h.page.sections:  # a warning box is never split across pages
        if s.style != "warning":
            continue
        head = _flat(s.heading)
        end = " ".join(_flat(s.items[-1] if s.items else s.text).split()[-3:])
        where = [i for i, t in enumerate(texts) if head in t]
        if not where or end not in texts[where[0]]:
            found.append(f"the warning box {head!r} is split across pages")
    return found


def pages_of(data: bytes) -> int:
    with opened(data) as doc:
        return len(doc.pages)


@pytest.fixture(scope="module")
def queries():
    return {
        None: query(Settings(), handout.values_for(None), quiet=True),
        "long": query(Settings(), handout.values_for(LONG_CLINIC), quiet=True),
        **{
            (lang, profile): query(Settings(), handout.values_for(clinic), quiet=True, lang=lang)
            for lang in ("es", "fr")
            for profile, clinic in ((None, None), ("long", LONG_CLINIC))
        },
    }


def render(q, which, areas, clinic, paper, large) -> tuple[bytes, handout.Handout]:
    h = printed.make(
        q, which, areas, clinic=clinic, patient=PATIENT, clinician=CLINICIAN,
        date="2026-11-23", next_visit=NEXT, paper=paper, large_print=large,
        notes=NOTES if clinic else (),
    )  # fmt: skip
    return pdf.render(h), h


@pytest.mark.parametrize("areas", list(AREA_SETS))
@pytest.mark.parametrize("profile", [None, "long"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("which", ["aftercare", "prepare"])
def test_no_text_overlaps_or_leaves_the_page(queries, which, paper, large, profile, areas):
    clinic = LONG_CLINIC if profile else None
    data, h = render(queries[profile], which, AREA_SETS[areas], clinic, paper, large)
    found = problems(data, pdf.footer_texts(h), h) + type_problems(data, h)
    assert not found, "\n".join(found[:10])
    assert pages_of(data) <= pdf.MAX_PAGES[large]


@pytest.mark.parametrize("areas", ["near-lungs", "all"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("which", ["aftercare", "prepare"])
@pytest.mark.parametrize("lang", ["es", "fr"])
def test_translated_sheets_keep_their_layout(queries, lang, which, paper, large, areas):
    """Spanish and French run longer than English: the longest cases keep the type sizes and
    their pages, every line inside the page and clear of the others and of the footer, and
    every character in the font (no box or missing glyph: each word reads back as drawn)."""
    data, h = render(queries[(lang, "long")], which, AREA_SETS[areas], LONG_CLINIC, paper, large)
    assert h.page.lang == lang
    found = problems(data, pdf.footer_texts(h), h) + type_problems(data, h)
    assert not found, "\n".join(found[:10])
    assert pages_of(data) <= pdf.MAX_PAGES[large]
    with opened(data) as doc:
        text = " ".join(" ".join(page.extract_text().split()) for page in doc.pages)
    title = " ".join(h.page.title.split())
    assert title in text and "\ufffd" not in text
    for s in h.page.sections:
        first = " ".join((s.items[0] if s.items else s.text).split()[:4])
        assert first in text, first


@pytest.mark.parametrize(
    "lang,date,notice",
    [
        ("en", "23 November 2026", "adds to the advice of your therapist"),
        ("es", "23 de noviembre de 2026", "Esta hoja apoya los consejos"),
        ("fr", "23 novembre 2026", "Cette feuille accompagne les conseils"),
    ],
)
@pytest.mark.parametrize("which", ["aftercare", "prepare"])
def test_footer_has_version_review_status_and_notice(queries, which, lang, date, notice):
    """The footer, and the date, in the sheet's language (labels date_format and months)."""
    from dryneedle_cli import __version__

    q = queries[None] if lang == "en" else queries[(lang, None)]
    data, h = render(q, which, ["neck"], None, "letter", False)
    with opened(data) as doc:
        text = " ".join(doc.pages[-1].extract_text().split())
        first = " ".join(doc.pages[0].extract_text().split())
    assert __version__ in text and notice in text  # the footer, on every page
    # --date 2026-11-23, as the language writes it, in the patient block on the first page
    assert f"{h.labels['date']}: {date}" in first
    # what the sheet is, never a review that did not happen (issue 19)
    assert h.labels["status_draft"] in text and h.page.status.startswith(h.labels["status_draft"])


def test_no_areas_no_outline(queries):
    data, _ = render(queries[None], "aftercare", [], None, "letter", False)
    with opened(data) as doc:
        assert not doc.pages[0].curves  # the outline's heads and joints are curves


RTL_PATIENT = "محمد عبد الرحمن الشمري"  # a long Arabic name, shaped right to left
RTL_CLINICIAN = "ד״ר נועה בן־דוד"
RTL_NOTE = "ضع كيس ثلج على الرقبة لمدة عشر دقائق مرتين هذا المساء"


@pytest.mark.parametrize("areas", ["one", "all"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("which", ["aftercare", "prepare"])
def test_right_to_left_names_and_notes_keep_the_layout(queries, which, paper, large, areas):
    h = printed.make(
        queries["long"], which, AREA_SETS[areas], clinic=LONG_CLINIC, patient=RTL_PATIENT,
        clinician=RTL_CLINICIAN, date="2026-11-23", next_visit=NEXT, paper=paper,
        large_print=large, notes=(RTL_NOTE, NOTES[1]),
    )  # fmt: skip
    data = pdf.render(h)
    found = problems(data, pdf.footer_texts(h), h)
    assert not found, "\n".join(found[:10])
    assert pages_of(data) <= pdf.MAX_PAGES[large]


# ------------------------------------------------------------------------------ the forms


def render_form(q, which, areas, clinic, paper, large, copies=1):
    from dryneedle_cli.handouts import printed
    from dryneedle_cli.render import pdf as form_pdf

    h = printed.make(
        q, which, areas, clinic=clinic, patient=PATIENT, clinician=CLINICIAN,
        date="2026-11-23", paper=paper, large_print=large, copies=copies,
    )  # fmt: skip
    return form_pdf.render(h), h


# Profile and areas in three pairs, not all six: the longest (a long profile and every area,
# the most lines and the outline), no area (no outline: the other branch) with no profile, and
# the areas near the lungs (the lung parts) with a long profile; each pair on every form, paper
# and size. The sheets' test above keeps the full product.
@pytest.mark.parametrize(
    ("profile", "areas"), [(None, "none"), ("long", "near-lungs"), ("long", "all")]
)
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("which", ["screening", "consent"])
def test_forms_no_text_overlaps_or_leaves_the_page(queries, which, paper, large, profile, areas):
    """The screening and consent forms, two copies of the consent form in one file: no line
    overlaps another or leaves the page, the type sizes hold, every page has its footer (with
    the copy's name), and each copy stays within its measured pages."""
    from dryneedle_cli.render import pdf as form_pdf

    clinic = LONG_CLINIC if profile else None
    copies = 2 if which == "consent" else 1
    data, h = render_form(queries[profile], which, AREA_SETS[areas], clinic, paper, large, copies)
    footer = [*pdf.footer_texts(h), *h.copies]
    found = problems(data, footer, h) + type_problems(data, h)
    assert not found, "\n".join(found[:10])
    with opened(data) as doc:
        pages = [" ".join((p.extract_text() or "").split()) for p in doc.pages]
    assert len(pages) <= form_pdf.PAGES[which][large] * copies
    for label in h.copies:
        if label:
            assert any(label in p for p in pages)
    assert all(h.form_hash in p for p in pages), "the form code on every page"


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("which", ["screening", "consent"])
def test_every_form_page_names_its_patient_title_and_page(queries, which, paper, lang):
    """Issue 23: every page of a form carries the patient's name (or "Name: ____" to write it
    on), the form's title and "page N of M" of its copy, so a page that comes loose can be
    tied to its patient; two copies number their own pages."""
    q = queries[None] if lang == "en" else queries[(lang, None)]
    for patient, copies in ((PATIENT, 1), ("", 2 if which == "consent" else 1)):
        from dryneedle_cli.handouts import printed
        from dryneedle_cli.render import pdf as form_pdf

        h = printed.make(
            q, which, ["neck"], clinic=None, patient=patient, paper=paper, copies=copies
        )  # fmt: skip
        with pdfplumber.open(io.BytesIO(form_pdf.render(h))) as doc:
            pages = [_flat(p.extract_text() or "") for p in doc.pages]
        assert h.page.lang == lang
        per_copy = len(pages) // copies
        for i, text in enumerate(pages):
            page_of = h.labels["page_of"].format(page=i % per_copy + 1, pages=per_copy)
            assert page_of in text, (i, page_of)
            text = _flat(text.replace(page_of, " "))  # beside the header's first line
            name = patient or f"{h.labels['form_name_line']}: ____"
            assert name in text, (i, text[:80])
            assert _flat(h.page.title) in text


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_sheets_number_their_pages_and_list_their_sources_last(queries, lang):
    """Every page of a sheet says "page N of M"; no "Sources:" line in the body; the numbered
    list at the end has exactly the numbers of the marks in the text."""
    import re

    q = queries[None] if lang == "en" else queries[(lang, None)]
    for which in ("aftercare", "prepare"):
        data, h = render(q, which, ["neck", "upper-back"], None, "letter", False)
        with opened(data) as doc:
            pages = [_flat(p.extract_text() or "") for p in doc.pages]
        for i, text in enumerate(pages):
            assert h.labels["page_of"].format(page=i + 1, pages=len(pages)) in text
        whole = " ".join(pages)
        assert f"{h.labels['sources']}:" not in whole
        head = whole.rindex(_flat(h.labels["sources"]))
        body, listed = whole[:head], whole[head:]
        marked = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
        numbered = {int(n) for n in re.findall(r"\[(\d+)\]", listed)}
        assert marked and marked == numbered == set(range(1, len(h.sources) + 1))


# ------------------------------------------------------------------------------ line breaking


def test_quick_line_breaks_match_fpdf2(queries, monkeypatch):
    """``_Engine.break_lines`` (``quick_lines``: each character measured once) gives exactly
    the lines fpdf2's ``multi_cell`` dry run gives, for every text block of every sheet and
    form at every size tried (normal and large print, Letter and A4, the long profile and
    notes), plus edge cases: a word longer than the line, runs of spaces, blank lines,
    no-break spaces."""
    from fpdf.enums import MethodReturnValue

    seen: list[tuple[str, float, float, bool]] = []
    quick = pdf._Engine.break_lines

    def both(self, w, text):
        lines = quick(self, w, text)
        ref = self.multi_cell(w, 1, text, dry_run=True, output=MethodReturnValue.LINES, align="L")
        seen.append((text, w, self.font_size_pt, lines is None))
        assert lines is None or lines == ref, (text[:60], w, self.font_size_pt)
        return lines

    monkeypatch.setattr(pdf._Engine, "break_lines", both)
    monkeypatch.setattr(pdf, "_LINES", {})
    for large, paper in itertools.product((False, True), ("letter", "a4")):
        for which in ("aftercare", "prepare"):
            render(queries["long"], which, AREA_SETS["all"], LONG_CLINIC, paper, large)
        for which in ("screening", "consent"):
            render_form(queries["long"], which, AREA_SETS["one"], LONG_CLINIC, paper, large)
    sheet = pdf._Engine(render(queries[None], "aftercare", [], None, "a4", False)[1], 9.5, None)
    sheet.add_page()
    edge = ["x" * 400, "two  spaces   here " * 12, "a\n\nb c d", " lead"]
    edge.append("555\u00a0010\u00a02030 " * 9)
    for text, size, w in itertools.product(edge, (7.0, 18.0), (15.0, 88.0)):
        sheet.size = size
        sheet.font()
        both(sheet, w, text)
    assert len(seen) > 1000
    assert sum(left for *_, left in seen) < len(seen) / 50  # almost none left to fpdf2
