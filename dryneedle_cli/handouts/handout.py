"""The handout view model: a preparation or aftercare page plus the clinic's and patient's details.

Nothing about the patient is stored or logged: the name lives only in this object and in the
file the user asked for.
"""

from __future__ import annotations

import unicodedata

import msgspec

from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.views import Page

FIRST_STYLES = ("warning", "keypoints", "note")  # the sections every format puts first


class Handout(msgspec.Struct, frozen=True, kw_only=True):
    page: Page
    clinic: Clinic | None
    patient: str = ""
    clinician: str = ""
    date: str = ""
    next_visit: str = ""
    areas: tuple[tuple[str, str], ...] = ()  # (region id, name)
    paper: str = "letter"
    large_print: bool = False
    labels: dict[str, str] = {}
    questions: str = ""  # the footer line
    emergency: str = ""  # the emergency line
    logo_alt: str = ""  # the logo's alternative text in a tagged PDF (labels.yaml "logo")
    notice: str = ""  # content version, review status, "supports your clinician's advice"

    @property
    def details(self) -> list[tuple[str, str]]:
        """(label, value) for the patient block, only those given."""
        pairs = [
            ("patient", self.patient),
            ("date", self.date),
            ("clinician", self.clinician),
            ("next_visit", self.next_visit),
        ]
        return [(self.labels[k], v) for k, v in pairs if v]

    @property
    def area_names(self) -> str:
        return ", ".join(name for _, name in self.areas) or self.labels["no_areas"]

    @property
    def first_sections(self) -> tuple:
        """The warning signs, the key points box, then the clinician's notes: at the top of
        every format, in that order."""
        order = {"warning": 0, "keypoints": 1, "note": 2}
        top = [s for s in self.page.sections if s.style in order]
        return tuple(sorted(top, key=lambda s: order[s.style]))

    @property
    def other_sections(self) -> tuple:
        """Everything else, after the areas treated, in the page's order."""
        return tuple(s for s in self.page.sections if s.style not in FIRST_STYLES)

    @property
    def numbers(self) -> dict[str, int]:
        """Each cited source's number, in the order the sheet prints its sections."""
        return numbering((), (*self.first_sections, *self.other_sections), self.page.references)

    def marks(self, keys) -> str:
        return marks(self.numbers, keys)

    @property
    def sources(self) -> list[tuple[int, str]]:
        return source_list(self.numbers, self.page.references)

    @property
    def outline_caption(self) -> str:
        return outline_caption(self.labels, self.page.kind)


def numbering(first_keys, sections, references) -> dict[str, int]:
    """Source key -> its number (1, 2 ...), in the order the sources are first cited:
    ``first_keys`` (a form's summary), then each section's ``refs``. Only sources the page
    knows (``references``) are numbered."""
    known = {r.key for r in references}
    keys = [*first_keys, *(k for s in sections for k in s.refs)]
    order = [k for k in dict.fromkeys(keys) if k in known]
    return {k: n for n, k in enumerate(order, 1)}


def marks(numbers: dict[str, int], keys) -> str:
    """The marks that stand for ``keys`` in the text: "[1] [3]" (each source once)."""
    return " ".join(f"[{n}]" for n in sorted({numbers[k] for k in keys if k in numbers}))


def source_list(numbers: dict[str, int], references) -> list[tuple[int, str]]:
    """(number, short name) of every numbered source, in number order: the list at the end."""
    shorts = {r.key: r.short for r in references}
    return sorted((n, shorts[k]) for k, n in numbers.items())


def outline_caption(labels: dict[str, str], kind: str) -> str:
    """What to do with the body outline: labels ``body_outline_caption_<kind>`` if there is one
    (e.g. ``_prepare``: before the visit), else ``body_outline_caption``; '' if neither."""
    return labels.get(f"body_outline_caption_{kind}") or labels.get("body_outline_caption", "")


def key_points_heading(labels: dict[str, str]) -> str:
    """The key points box's heading: labels ``key_points_heading``, else ``key_points``."""
    return labels.get("key_points_heading") or labels.get("key_points", "")


MAX_FIELD = 150  # longest patient, clinician, date or next-visit text: a sheet stays one page
MAX_NOTE, MAX_NOTES = 300, 5  # the clinician's own instructions (--note): each, and how many


# Invisible marks that change how a line is ordered or joined, never what it says: a name
# pasted from a record system may carry them, and U+202E would print a name backwards. They
# are removed (the line is then laid out by the Unicode bidirectional algorithm alone).
_BIDI_MARKS = dict.fromkeys(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
# Zero-width characters that are invisible in every script: removed too.
_ZERO_WIDTH = dict.fromkeys([0x00AD, 0x180E, 0x200B, 0x2060, 0xFEFF])
# Zero-width (non-)joiners: needed in Persian, Arabic and Indic names (they choose a letter's
# joined form), meaningless elsewhere; kept only in text that needs shaping.
_JOINERS = dict.fromkeys([0x200C, 0x200D])


def strip_invisible(text: str) -> str:
    """``text`` without bidirectional controls and zero-width marks (joiners kept where the
    script uses them)."""
    from dryneedle_cli.render.scripts import needs_shaping

    text = text.translate(_BIDI_MARKS).translate(_ZERO_WIDTH)
    return text if needs_shaping(text) else text.translate(_JOINERS)


def clean(value: str | None, name: str = "", limit: int = MAX_FIELD) -> str:
    """User-typed text as one NFC-normalised line (so 'Nguyễn' prints as typed), without
    invisible marks that could reorder it (see ``strip_invisible``).

    Longer than ``MAX_FIELD`` characters is refused, naming the field, never showing it.
    """
    if not value:
        return ""
    text = strip_invisible(unicodedata.normalize("NFC", value))
    text = " ".join(text.split())
    if len(text) > limit:
        from dryneedle_cli.errors import UsageError

        raise UsageError(f"the {name or 'text'} is longer than {limit} characters")
    return text


def values_for(clinic: Clinic | None) -> dict[str, str]:
    """Placeholder values the clinic profile overrides."""
    if clinic is None:
        return {}
    out = {"clinic": clinic.name, "clinic_phone": clinic.phone}
    if clinic.emergency_number:
        out["emergency_number"] = clinic.emergency_number
    word = clinician_word(clinic)
    if word:
        out["clinician_word"] = word
        out["clinician_word_start"] = word[:1].upper() + word[1:]
    return out


# Characters a clinic's word for the person who treats may not hold: it is put into patient
# text on screen and paper ({clinician_word}), so nothing that could read as markup or as a
# placeholder, in any format.
_NOT_IN_WORD = set("<>{}[]*_`#|\\&")


def clinician_word(clinic: Clinic | None) -> str:
    """The profile's ``clinician_word`` ("your physiotherapist"), checked: one line, no markup;
    '' when none is set (then labels.yaml's default speaks)."""
    word = getattr(clinic, "clinician_word", "") if clinic is not None else ""
    if not word:
        return ""
    word = " ".join(strip_invisible(unicodedata.normalize("NFC", word)).split())
    bad = sorted({c for c in word if c in _NOT_IN_WORD})
    if bad:
        from dryneedle_cli.errors import ContentError

        raise ContentError(
            "the clinic profile",
            f"'clinician_word' holds {' '.join(bad)}; write plain words such as "
            "'your physiotherapist'",
            field="clinician_word",
        )
    return word


# Sheets that print their key points (teach-back) in a box, right after the warning signs
# (issue 23: a key-points box on every sheet; a sheet may take two pages at 11 pt).
KEY_POINTS_BOX = ("prepare", "aftercare")


def printed_page(q, which: str, areas: list[str]):
    """The sheet's page as printed, before the clinician's own notes: the page and, for the
    sheets in ``KEY_POINTS_BOX``, its key points box after the warning signs. ``note`` hashes
    this page, so the hash in the record matches what was printed."""
    page = q.sheet(which, areas)
    q = q.speaking(page.lang)  # the key points in the page's own language
    if which not in KEY_POINTS_BOX:
        return page
    from dryneedle_cli.query import teachback

    box = teachback.box(q, which, list(page.areas))
    if box is None:
        return page
    box = msgspec.structs.replace(box, heading=key_points_heading(q.labels) or box.heading)
    warn = [s for s in page.sections if s.style == "warning"]
    rest = [s for s in page.sections if s.style != "warning"]
    sections = (*warn, box, *rest)
    refs = q._refs(k for s in sections for k in s.refs)
    return msgspec.structs.replace(page, sections=sections, references=refs)


def make(
    q,
    which: str,
    areas: list[str],
    *,
    clinic: Clinic | None,
    patient=None,
    clinician=None,
    date=None,
    next_visit=None,
    paper="letter",
    large_print=False,
    notes=(),
) -> Handout:
    """Build the handout from a ``Query`` made with ``values_for(clinic)``.

    ``notes`` (the clinician's --note lines) become their own section, style "note", right
    after the warning signs, in every format.
    """
    from dryneedle_cli.status import stamp

    # its review status (refused under require_approval unless approved), before the notes
    page = stamp(q, printed_page(q, which, areas))
    q = q.speaking(page.lang)  # the English Query when the page could not be translated
    notes = [clean(n, "--note", MAX_NOTE) for n in notes]
    notes = [n for n in notes if n]
    if len(notes) > MAX_NOTES:
        from dryneedle_cli.errors import UsageError

        raise UsageError(f"give at most {MAX_NOTES} --note lines")
    if notes:
        import msgspec

        from dryneedle_cli.views import SectionView

        note = SectionView(heading=q.label("notes"), items=tuple(notes), style="note")
        warn = [s for s in page.sections if s.style == "warning"]
        rest = [s for s in page.sections if s.style != "warning"]
        page = msgspec.structs.replace(page, sections=(*warn, note, *rest))
    names = tuple((a, q.region_name(a)) for a in page.areas)
    label = "questions_phone" if clinic is not None and clinic.phone else "questions"
    return Handout(
        page=page,
        clinic=clinic,
        patient=clean(patient, "patient's name"),
        clinician=clean(clinician, "clinician's name"),
        date=q.date(clean(date, "date")),
        next_visit=clean(next_visit, "next visit"),
        areas=names,
        paper=paper,
        large_print=large_print,
        labels=page.labels,
        questions=q.label(label),
        emergency=q.label("emergency"),
        logo_alt=q.label("logo"),
        notice=_notice(q, page),
    )


def _notice(q, page) -> str:
    """The footer's small print: content version, what the sheet is (a draft awaiting a
    clinician's review, or approved by whom and when: ``status.stamp``), and that the sheet
    supports the clinician's advice (all words from labels.yaml)."""
    from dryneedle_cli import __version__

    parts = [f"{q.label('content_version')} {__version__}"]
    if page.status:
        parts.append(page.status)
    parts.append(q.label("supports"))
    return " · ".join(parts)
