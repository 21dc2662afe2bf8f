"""What a sheet (preparation, aftercare) adds to its page, for the one maker ``printed.make``:
the clinician's notes, the clinic's phone line, the footer, the notice; and the cleaning of
what a user types (names, dates, notes) for every printed document.

Nothing about the patient is stored or logged: the name lives only in this object and in the
file the user asked for.
"""

from __future__ import annotations

import unicodedata

from dryneedle_cli.handouts.clinic import Clinic

# The view models live in views.py (below every renderer); re-exported here for old imports.
from dryneedle_cli.query.forms import KEY_POINTS_BOX, printed_page  # noqa: F401
from dryneedle_cli.views import (  # noqa: F401
    Handout,
    key_points_heading,
    marks,
    numbering,
    outline_caption,
    source_list,
)

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
    if word:  # in the profile's language (pages in another use that language's default)
        out["clinician_word"] = word
        out["clinician_word_start"] = word[:1].upper() + word[1:]
        out["clinician_word_lang"] = clinic.language or "en"
    return out


# Characters a clinic's word for the person who treats may not hold: it is put into patient
# text on screen and paper ({clinician_word}), so nothing that could read as markup or as a
# placeholder, in any format.
_NOT_IN_WORD = set(r"<>{}[]*_`#|\&")


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


def with_notes(q, page, notes):
    """``page`` with the clinician's --note lines as their own section (style "note") right
    after the warning signs, in every format; each note one clean line, at most ``MAX_NOTES``."""
    notes = [clean(n, "--note", MAX_NOTE) for n in notes]
    notes = [n for n in notes if n]
    if len(notes) > MAX_NOTES:
        from dryneedle_cli.errors import UsageError

        raise UsageError(f"give at most {MAX_NOTES} --note lines")
    if not notes:
        return page
    import msgspec

    from dryneedle_cli.views import SectionView

    note = SectionView(heading=q.label("notes"), items=tuple(notes), style="note")
    warn = [s for s in page.sections if s.style == "warning"]
    rest = [s for s in page.sections if s.style != "warning"]
    return msgspec.structs.replace(page, sections=(*warn, note, *rest))


def footer(q, clinic: Clinic | None) -> dict[str, str]:
    """What every printed document says around its page, in ``q``'s language: the questions
    line (with the clinic's phone when the profile has one), the emergency line, and the
    logo's alternative text."""
    label = "questions_phone" if clinic is not None and clinic.phone else "questions"
    return {
        "questions": q.label(label),
        "emergency": q.label("emergency"),
        "logo_alt": q.label("logo"),
    }


def framed(q, page, clinic: Clinic | None, **details) -> Handout:
    """``page`` (stamped) as a handout: the clinic's footer lines (questions, the emergency
    line, the notice) and the logo's alternative text in ``q``'s language; ``details`` are the
    patient block, the areas, the paper and the print size."""
    return Handout(
        page=page,
        clinic=clinic,
        labels=page.labels,
        notice=notice(q, page),
        **footer(q, clinic),
        **details,
    )


PHONE_BLANK = "_" * 16  # the line a patient writes the clinic's number on


def with_phone_line(q, page, clinic: Clinic | None):
    """The aftercare page with the clinic's phone as the last item of its last warning tier
    ("Call your clinic if": the tiers run from most to least urgent): the profile's phone, or
    the label ``clinic_phone_line`` with a line to write it on when the profile has none. An
    item of the page, so every format prints it (PEMAT-P item 22)."""
    import msgspec

    warn = [i for i, s in enumerate(page.sections) if s.style == "warning"]
    label = q.label("clinic_phone_line")
    if not warn or not label:
        return page
    phone = clean(clinic.phone, "clinic's phone") if clinic is not None else ""
    line = f"{label} {phone or PHONE_BLANK}"
    sections = list(page.sections)
    last = sections[warn[-1]]
    sections[warn[-1]] = msgspec.structs.replace(last, items=(*last.items, line))
    return msgspec.structs.replace(page, sections=tuple(sections))


def notice(q, page) -> str:
    """The footer's small print: content version, what the sheet is (a draft awaiting a
    clinician's review, or approved by whom and when: ``status.stamp``), and that the sheet
    supports the clinician's advice (all words from labels.yaml)."""
    from dryneedle_cli import __version__

    parts = [f"{q.label('content_version')} {__version__}"]
    if page.status:
        parts.append(page.status)
    parts.append(q.label("supports"))
    return " · ".join(parts)
