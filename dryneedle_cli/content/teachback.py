"""Checks of a page's teach-back parts: its key points and its teach-back questions.

Teach-back (AHRQ Health Literacy Universal Precautions Toolkit, Tool 5): after explaining, the
clinician asks the patient to say in their own words what they need to know or do. It checks
how well the clinician explained, not the patient. So a question is open; a closed opener such
as "Do you understand?" or "Any questions?" invites a polite "yes" and is refused.

Errors: a closed opener; a key point with no reference key. Warnings: more than 5 key points or
2 questions, a key point longer than one short sentence, and a key point citing a reference the
rest of the page does not use (a key point repeats what the page says; it makes no new claim).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dryneedle_cli.content import walk

# Up to 5 key points: the printed key-points box of issue 23 (PEMAT-P item 11) holds 3 to 5;
# the teach-back screen asks about them 2 or 3 at a time.
MAX_POINTS, MAX_QUESTIONS, MAX_WORDS = 5, 2, 20
MAX_WORDS_TRANSLATED = 30  # Spanish and French run about a quarter to a half longer
EXAMPLE = "'In your own words, what will you watch for in the next two days?'"

# Closed openers, at the start of a question (after any opening punctuation such as '¿'),
# any case: English, and the usual ones in Spanish and French for translated text.
_CLOSED = (
    r"do you (?:understand|get it|have any questions)",
    r"did you (?:understand|get (?:it|that))",
    r"does (?:that|this|it|everything) make sense",
    r"(?:are there |have you got |do you have )?any (?:more |other )?questions",
    r"is (?:that|this|it|everything) (?:clear|ok|okay)",
    r"(?:are you )?clear\b",
    r"(?:got|get) (?:it|that)\b",
    r"(?:ok|okay|understood|right|all right|alright|yes)\s*\?",
    r"(?:usted )?(?:me )?entiende",
    r"(?:me )?entendió",
    r"tiene (?:alguna )?pregunta",
    r"alguna pregunta",
    r"(?:está|esta|quedó|quedo) claro",
    r"(?:vous )?comprenez",
    r"avez-vous (?:bien )?compris",
    r"(?:avez-vous )?des questions",
    r"(?:est-ce|c'est|c’est) clair",
    r"ça va\s*\?",
)
CLOSED = re.compile(r"^[\s¿¡\"'«“(-]*(" + "|".join(_CLOSED) + r")", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s+\S)")


def closed_opener(text: str) -> str | None:
    """The closed opener ``text`` starts with ("Do you understand"), or None."""
    m = CLOSED.match(text)
    return m.group(1) if m else None


def _variants(at: str, text) -> Iterator[tuple[str, str]]:
    """(field path, text) for a text, or for each language of a text given per language."""
    if isinstance(text, str):
        yield at, text
    elif isinstance(text, dict):
        for lang, value in text.items():
            if isinstance(value, str):
                yield f"{at}.{lang}", value


def problems(doc) -> Iterator[tuple[str, str, bool]]:
    """(field path, message, is an error) for every teach-back problem of a page."""
    points = getattr(doc, "key_points", ())
    questions = getattr(doc, "teachback", ())
    for i, question in enumerate(questions):
        for at, text in _variants(f"$.teachback[{i}].text", question.text):
            opener = closed_opener(text)
            if opener:
                yield (
                    at,
                    f"teach-back question starts with a closed question ('{opener}'), which "
                    "invites a polite 'yes'; ask the patient to say it in their own words, "
                    f"for example {EXAMPLE}",
                    True,
                )
    own = {k for at, k in walk.keys(doc, "refs") if not at.startswith("$.key_points")}
    for i, point in enumerate(points):
        if not point.refs:
            yield (
                f"$.key_points[{i}].refs",
                "a key point needs the reference keys of the statement it repeats; add "
                "'refs: [key]' (the same keys as that statement on the page)",
                True,
            )
        new = [k for k in point.refs if k not in own]
        if new:
            yield (
                f"$.key_points[{i}].refs",
                f"reference '{new[0]}' is not used anywhere else on this page; a key point "
                "repeats what the page says, with the same references, and makes no new claim",
                False,
            )
        for at, text in _variants(f"$.key_points[{i}].text", point.text):
            words = len(text.split())
            english = at.endswith(".text") or at.endswith(".text.en")
            limit = MAX_WORDS if english else MAX_WORDS_TRANSLATED
            if words > limit or _SENTENCE_END.search(text.strip()):
                yield (
                    at,
                    f"keep a key point to one short sentence (this has {words} words); "
                    "split it or shorten it",
                    False,
                )
    if len(points) > MAX_POINTS:
        yield (
            "$.key_points",
            f"{len(points)} key points; a key-points box holds at most {MAX_POINTS}",
            False,
        )
    if len(questions) > MAX_QUESTIONS:
        yield (
            "$.teachback",
            f"{len(questions)} teach-back questions; ask 1 or 2 for a page",
            False,
        )
