"""One Query may serve many requests (a long-lived service): nothing on it changes per page,
its memories stay bounded, and what it answers after many requests is what a fresh Query
answers."""

from __future__ import annotations

import pytest

from dryneedle_cli.errors import DryneedleError
from dryneedle_cli.query import search, teachback
from dryneedle_cli.query.pages import Query


def _state(q) -> dict:
    """Every attribute of the Query but its two bounded memories, as a comparable snapshot."""
    skip = {"search", "kb", "_english", "_notify"}
    return {k: repr(v) for k, v in vars(q).items() if k not in skip}


def _answers(q, words: str, area: str):
    out = []
    for ask in (
        lambda: q.explain(words),
        lambda: q.conditions(words),
        lambda: q.sheet("aftercare", [area]),
        lambda: q.screen_questions([area]),
        lambda: teachback.view(q, "aftercare", [area]),
    ):
        try:
            out.append(ask())
        except DryneedleError as e:  # not found, ambiguous: the message is the answer
            out.append((type(e).__name__, str(e)))
    return out


def test_many_requests_on_one_query_stay_bounded_and_equal_a_fresh_one(kb, monkeypatch):
    monkeypatch.setattr(search, "MATCH_CACHE", 16)
    monkeypatch.setattr(search, "SUGGEST_CACHE", 8)
    shared = Query(kb)
    before = _state(shared)
    areas = list(kb.regions)
    words = [*kb.conditions, *kb.topics, "neck", "lower back", "M54", "nek", "zzz", "elbw"]
    words += [f"no such page {i}" for i in range(40)]  # ever new words, as a service sees
    for i, w in enumerate(words):
        area = areas[i % len(areas)]
        got = _answers(shared, w, area)
        assert got == _answers(Query(kb), w, area), w
    assert shared.search._matches.cache_info().currsize <= 16
    assert shared.search._suggestions.cache_info().currsize <= 8
    assert set(shared.search._scans) <= {"codes", "names", "texts", "fillers"}
    assert _state(shared) == before  # no per-page state left behind


def test_a_page_adds_its_placeholders_as_an_argument_not_on_the_query(q):
    """The lung line of one request never leaks into the next (``t``'s ``local``)."""
    near = [r for r, region in q.kb.regions.items() if region.near_lungs and not region.any_area]
    far = [r for r, region in q.kb.regions.items() if not region.near_lungs]
    first = q.sheet_for("aftercare", near[:1])
    assert not hasattr(q, "_local")
    assert q.sheet_for("aftercare", far[:1]) == Query(q.kb).sheet_for("aftercare", far[:1])
    assert q.sheet_for("aftercare", near[:1]) == first


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_for_request_keeps_each_requests_notes_apart(kb, lang):
    """Two requests on one shared Query each get their own one-time note."""
    import copy

    from dryneedle_cli.content import cache

    local = copy.copy(cache.load([], None, lang))
    ident = sorted(local.conditions)[0]
    local.untranslated = {f"condition:{ident}": "not yet"}
    english = Query(kb)
    shared = Query(local, strict=False, english=lambda: english)
    notes_a: list[str] = []
    notes_b: list[str] = []
    a = shared.for_request(notify=notes_a.append)
    b = shared.for_request(notify=notes_b.append)
    assert a.page_of("condition", ident) == b.page_of("condition", ident)
    assert a.page_of("condition", ident).lang == "en"
    assert len(notes_a) == 1 and len(notes_b) == 1
    assert a.kb is shared.kb and a.search is shared.search
    with pytest.raises(DryneedleError):
        shared.for_request(strict=True).page_of("condition", ident)


def test_requests_in_threads_on_one_query_answer_as_one_at_a_time(kb):
    """A service's threads share one Query: the answers are those given one at a time."""
    from concurrent.futures import ThreadPoolExecutor

    areas = list(kb.regions)
    asks = [(w, areas[i % len(areas)]) for i, w in enumerate([*kb.conditions, "nek", "M54"])]
    alone = [_answers(Query(kb), w, a) for w, a in asks]
    shared = Query(kb)
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda ask: _answers(shared, *ask), asks))
    assert together == alone
