"""The screening questions and the consent form: their views, the answers' result, and the
short hash that ties a printed form to the chart note.

``Forms`` is a mixin of ``pages.Query`` (it uses its ``t``, ``areas``, ``near_lungs`` and
``_refs``). Nothing here says a person is fit for needling: a "yes" or "not sure" is listed for
the clinician under how each source classes it, and the decision stays with the clinician and
the patient.
"""

from __future__ import annotations

import msgspec

from dryneedle_cli.content.kinds import BY_NAME
from dryneedle_cli.errors import UsageError
from dryneedle_cli.model import ScreenQuestion, reply_map, tr
from dryneedle_cli.safe import short
from dryneedle_cli.views import (
    Page,
    Reviewed,
    ScreenClassView,
    ScreenGroupView,
    ScreenItem,
    ScreenQuestions,
    ScreenResult,
    SectionView,
    key_points_heading,
)

ANSWERS = ("yes", "no", "not-sure")  # what an answers file may say (and the JSON says)
FLAGGED = ("yes", "not-sure")  # answers that need the clinician's attention
FORMS = ("screening", "consent")  # the sheets that are forms
SHEETS = ("prepare", "aftercare")  # the handouts, which the chart note also codes
FORM_NAMES = {"screening": "the screening form", "consent": "the consent form"}


def _word_key(cls: str) -> str:
    """The ScreenWords field of a class: 'relative-contraindication' -> 'relative_...'."""
    return cls.replace("-", "_")


class Forms:
    """Screening and consent, for ``pages.Query``."""

    # ------------------------------------------------------------------ the language

    def form_query(self, kind: str, area_ids=(), what: str | None = None):
        """The Query a form is shown with: this one when the form (and the labels and the
        chosen areas it names) is translated into this language; else the English Query, the
        whole form in English with one note, or ``NotTranslated`` when the language was asked
        for strictly (``pages.Query.speaker``, asked once per request). A form is never a mix
        of languages."""
        item = getattr(self.kb, BY_NAME[kind].kb)
        needs = [f"{kind}:{item.id}", *(f"region:{a}" for a in area_ids), *self._cited(item)]
        return self.speaker(what or FORM_NAMES[kind], needs)

    # ------------------------------------------------------------------ the form code

    def form_fields(self, kind: str, area_ids=()) -> dict:
        """What the code of a form (or a handout) is made from: the text the patient reads,
        in the language it is shown in (``form_query``), placeholders filled with the clinic's
        values, as the form prints it.

        ``screening`` and ``consent``: every field the kind declares as text or words (the
        fields a translation translates: ``kinds.FORM_TEXT``, ``kinds.FORM_WORDS``) of the
        whole form, whatever the areas (the code names the form, not the questions picked
        for one visit; the areas are printed on it). ``prepare`` and ``aftercare``: the page as
        printed for these areas (``printed_page``, ``fingerprint.page_fields``).
        Never ids, reference keys, review dates or anything about the patient."""
        return form_fields(self, kind, area_ids)

    def form_hash(self, kind: str, area_ids=()) -> str:
        """The code printed on a form and written in the chart note (``dryneedle note``), so
        that the copy in the record can be matched to the one the patient took home: the one
        definition, ``fingerprint.content_hash`` (the first 12 hex digits of SHA-256 over the
        canonical JSON) of ``form_fields``. The same for any patient, date, clinician and copy;
        another language, another word or another emergency number gives another."""
        from dryneedle_cli.query import fingerprint

        return fingerprint.content_hash(self.form_fields(kind, area_ids))

    # ------------------------------------------------------------------ screening questions

    def screen_words(self) -> dict[str, str]:
        """The screening words (``ScreenWords``) in the form's language; the reply lists
        joined."""
        return self.form_query("screening")._screen_words()

    def _screen_words(self) -> dict[str, str]:
        words = self.kb.screening.words
        out = {}
        for name in words.__struct_fields__:
            value = getattr(words, name)
            if value is None:
                continue
            out[name] = "|".join(value) if isinstance(value, tuple) else self.t(value)
        out["areas"] = self.labels["areas_planned"]
        out["references"] = self.labels["references"]
        return out

    def replies(self) -> dict[str, str]:
        """What a patient may type (folded) -> the answer it means (yes, no, not-sure): the
        reply words of the form's language (``words.replies_*`` of its translation)."""
        words = self.form_query("screening").kb.screening.words
        return reply_map(words.replies_yes, words.replies_no, words.replies_not_sure)

    def asks(self, q: ScreenQuestion, areas: list[str] | None) -> bool:
        """Whether ``q`` is asked for the chosen areas (``None``: no area given): the one area
        rule, ``pages.applies_to``."""
        return self.applies(q, areas)

    def _chosen(self, area_words: list[str] | None) -> list[str] | None:
        return self.areas(area_words) if area_words else None

    def screen_questions(self, area_words: list[str] | None = None) -> ScreenQuestions:
        """Every question asked for the chosen areas, in order, for the clinician."""
        areas = self._chosen(area_words)
        return questions_view(self.form_query("screening", areas or ()), areas)

    def screen_result(
        self, answers: dict[str, str], area_words: list[str] | None = None
    ) -> ScreenResult:
        """What needs the clinician's attention: every "yes" and "not sure", under the form's
        own groups, each with every source's own class, and the questions left unanswered.
        Never a verdict (no class of the tool's own, no "worst class" heading): with
        nothing flagged it says only that no answer needs follow-up from this list, and that
        the clinician decides with the patient."""
        check_answers(self, answers)
        areas = self._chosen(area_words)
        return result_view(self.form_query("screening", areas or ()), answers, areas)

    # ------------------------------------------------------------------ the printed forms

    def form_page(self, kind: str, area_words: list[str] | None = None) -> Page:
        """The screening form or the consent form as a page: what the patient reads and fills
        in, in reading order (for the sheets and the reading gates)."""
        if kind not in FORMS:
            raise UsageError(f"no form called '{short(kind)}'; use screening or consent")
        return self.form_page_for(kind, self._chosen(area_words))

    def form_page_for(self, kind: str, areas: list[str] | None) -> Page:
        """``form_page`` for region ids (``None``: no area given), in the form's language."""
        q = self.form_query(kind, areas or ())
        return screening_page(q, areas) if kind == "screening" else consent_page(q, areas)

    def consent_words(self) -> dict[str, str]:
        """The consent form's words (copy labels, form code) in the form's language."""
        q = self.form_query("consent")
        words = q.kb.consent.words
        return {n: q.t(getattr(words, n)) for n in words.__struct_fields__}

    def region_names(self, areas) -> list[str]:
        return [tr(self.kb.regions[a].name, self.lang) for a in areas]


# ---------------------------------------------------------------------- the builders
# ``(query, ...) -> view`` over a Query already in the form's language (``form_query``).


def form_fields(query, kind: str, area_ids=()) -> dict:
    """``Forms.form_fields``."""
    from dryneedle_cli.query import fingerprint

    if kind in FORMS:
        q = query.form_query(kind)
        item = getattr(q.kb, BY_NAME[kind].kb)
        text = fingerprint.form_text(item, BY_NAME[kind], q.t)
        return {"lang": q.lang, "form": kind, "text": text}
    if kind in SHEETS:
        page = printed_page(query, kind, list(area_ids))
        return fingerprint.page_fields(page, page.lang)
    raise UsageError(
        f"no form called '{short(kind)}'; use screening, consent, prepare or aftercare"
    )


def screen_item(query, q: ScreenQuestion, answer: str | None = None) -> ScreenItem:
    words = query.kb.screening.words
    heading = {g.id: g.heading for g in query.kb.screening.groups}
    classes = tuple(
        ScreenClassView(
            source=c.source,
            short=query.kb.references[c.source].short,
            cls=c.class_,
            label=query.t(getattr(words, f"short_{_word_key(c.class_)}")),
            as_written=c.as_written or "",
        )
        for c in q.classes
    )
    labels = {"yes": words.answer_yes, "no": words.answer_no, "not-sure": words.answer_not_sure}
    return ScreenItem(
        id=q.id,
        group=q.group,
        group_heading=query.t(heading[q.group]),
        question=query.t(q.question),
        why=q.why,
        discuss=q.discuss,
        classes=classes,
        refs=tuple(q.refs),
        areas=tuple(q.areas),
        near_lungs=q.near_lungs,
        answer=answer,
        answer_label=query.t(labels[answer]) if answer else "",
    )


def questions_view(query, areas: list[str] | None) -> ScreenQuestions:
    s = query.kb.screening
    items = tuple(screen_item(query, q) for q in s.questions if query.asks(q, areas))
    keys = [*s.refs, *(k for i in items for k in i.refs)]
    return ScreenQuestions(
        title=query.t(s.title),
        summary=query.t(s.summary),
        areas=tuple(areas or ()),
        items=items,
        references=query._refs(keys),
        words=query._screen_words(),
        lang=query.lang,
    )


def check_answers(query, answers: dict[str, str], where: str = "the answers") -> None:
    """A UsageError (exit 2) naming every unknown id or answer and the fix."""
    ids = [q.id for q in query.kb.screening.questions]
    unknown = [i for i in answers if i not in ids]
    if unknown:
        shown = ", ".join(f"'{short(i)}'" for i in unknown[:3])
        more = f" (and {len(unknown) - 3} more)" if len(unknown) > 3 else ""
        raise UsageError(
            f"{where}: unknown question id {shown}{more}; valid ids: {', '.join(ids)} "
            "(see 'dryneedle screen --questions')"
        )
    bad = [(i, a) for i, a in answers.items() if a not in ANSWERS]
    if bad:
        i, a = bad[0]
        raise UsageError(
            f"{where}: the answer for '{short(i)}' is '{short(a, 40)}'; answer yes, no or "
            "not-sure (leave a question out, or empty, if it was not asked)"
        )


def result_view(query, answers: dict[str, str], areas: list[str] | None) -> ScreenResult:
    s = query.kb.screening
    words = s.words
    flagged = [
        screen_item(query, q, answers[q.id]) for q in s.questions if answers.get(q.id) in FLAGGED
    ]
    unanswered = tuple(
        screen_item(query, q) for q in s.questions if q.id not in answers and query.asks(q, areas)
    )
    groups = []
    for g in s.groups:
        items = tuple(i for i in flagged if i.group == g.id)
        if items:
            groups.append(ScreenGroupView(group=g.id, heading=query.t(g.heading), items=items))
    keys = [k for i in flagged for k in i.refs]
    return ScreenResult(
        title=query.t(words.result_title),
        summary=query.t(words.result_summary) if flagged else "",
        areas=tuple(areas or ()),
        answers=tuple((q.id, answers[q.id]) for q in s.questions if q.id in answers),
        groups=tuple(groups),
        unanswered=unanswered,
        message=query.t(words.nothing_flagged) if not flagged and not unanswered else "",
        closing=query.t(words.closing),
        references=query._refs(keys),
        words=query._screen_words(),
        lang=query.lang,
    )


def screening_page(query, areas: list[str] | None) -> Page:
    s = query.kb.screening
    sections = []
    for g in s.groups:
        qs = [q for q in s.questions if q.group == g.id and query.asks(q, areas)]
        if qs:
            refs = tuple(dict.fromkeys(k for q in qs for k in q.refs))
            sections.append(
                SectionView(
                    heading=query.t(g.heading),
                    items=tuple(query.t(q.question) for q in qs),
                    refs=refs,
                    style="questions",
                )
            )
    asked = [q.id for q in s.questions if query.asks(q, areas)]
    keys = [*s.refs, *(k for sec in sections for k in sec.refs)]
    return Page(
        command="sheet",
        kind="screening",
        id=s.id,
        title=query.t(s.title),
        summary=query.t(s.summary),
        sections=tuple(sections),
        references=query._refs(keys),
        labels=query.labels,
        summary_refs=tuple(s.refs),
        questions=tuple(asked),
        areas=tuple(areas or ()),
        reviewed=Reviewed(s.reviewed_on.isoformat(), s.reviewed_by),
        lang=query.lang,
    )


def consent_page(query, areas: list[str] | None) -> Page:
    c = query.kb.consent

    def view(section, style=None) -> SectionView:
        return SectionView(
            heading=query.t(section.heading),
            text=query.t(section.text) if section.text is not None else "",
            items=tuple(_item_text(query, i) for i in section.items),
            refs=tuple(section.refs),
            style=style or section.style,
        )

    sections = [view(s) for s in (*c.sections, *c.extra_sections)]
    sections.append(view(c.agreement))
    sections += [
        SectionView(
            heading=query.t(b.heading),
            text=query.t(b.text) if b.text is not None else "",
            items=tuple(query.t(line) for line in b.lines),
            refs=tuple(b.refs),
            style="signature",
        )
        for b in c.signatures
    ]
    keys = [k for s in sections for k in s.refs]
    return Page(
        command="sheet",
        kind="consent",
        id=c.id,
        title=query.t(c.title),
        summary=query.t(c.summary),
        sections=tuple(sections),
        references=query._refs(keys),
        labels=query.labels,
        areas=tuple(areas or ()),
        extra_sections=len(c.extra_sections),
        reviewed=Reviewed(c.reviewed_on.isoformat(), c.reviewed_by),
        lang=query.lang,
    )


def _item_text(query, item) -> str:
    return query.t(item if isinstance(item, (str, dict)) else item.text)


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
