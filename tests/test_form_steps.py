"""The numbered "How to fill in this form" steps are true for the printout they are on (issue
23, PEMAT-P item 22): a step with ``when`` in the form's file prints only where it applies
(``no_areas``: the areas to be treated are left to write in; ``one_copy`` / ``two_copies``:
``--copies``), in every language; no step counts pages.
"""

from __future__ import annotations

import re

import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout, printed
from dryneedle_cli.model import Step
from dryneedle_cli.render import document

LANGS = ("en", "es", "fr")
_Q: dict = {}


def q_for(lang):
    if lang not in _Q:
        _Q[lang] = query(Settings(), handout.values_for(None), quiet=True, lang=lang)
    return _Q[lang]


def conditional(q, which) -> dict[str, str]:
    """``when`` -> the step's text, in the form's language, placeholders filled."""
    doc = q.kb.consent if which == "consent" else q.kb.screening
    return {s.when: q.t(s.text) for s in doc.steps if isinstance(s, Step)}


@pytest.mark.parametrize("lang", LANGS)
def test_consent_steps_follow_the_printout(lang):
    q = q_for(lang)
    when = conditional(q, "consent")
    assert set(when) == {"no_areas", "one_copy", "two_copies"}
    cases = {
        (("neck",), 1): {"one_copy"},
        ((), 1): {"no_areas", "one_copy"},
        (("neck",), 2): {"two_copies"},
        ((), 2): {"no_areas", "two_copies"},
    }
    for (areas, copies), shown in cases.items():
        h = printed.make(q, "consent", list(areas), clinic=None, copies=copies)
        got = {k for k, text in when.items() if text in h.steps}
        assert got == shown, (areas, copies, h.steps)
        assert 5 <= len(h.steps) <= 8
        text = document(h, "txt").decode("utf-8")
        for k, step in when.items():  # printed as numbered steps, or not at all
            assert (step in text) == (k in shown), (k, areas, copies)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("which", ["consent", "screening"])
def test_no_step_counts_pages(lang, which):
    q = q_for(lang)
    h = printed.make(q, which, [], clinic=None)
    words = {"en": r"\b(both|two|three|four) pages\b", "es": r"\b(ambas|dos) páginas\b",
             "fr": r"\b(deux|les deux) pages\b"}[lang]  # fmt: skip
    assert not [s for s in h.steps if re.search(words, s, re.IGNORECASE)]
