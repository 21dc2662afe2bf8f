"""The checks that run on the merged layers: cross-references between items, and warnings.

Which checks an item gets is listed with its kind (``kinds.Kind.checks``); each name is an
entry of ``CHECKS`` here (a ``check_<name>`` function), called with the item's stack of
versions, the ``Context`` of what exists and the builder's ``warn``. A failing clinic version
is left out and the one below it is checked again, until nothing more changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dryneedle_cli.content import kinds, walk
from dryneedle_cli.content.kinds import BY_NAME
from dryneedle_cli.content.yamlfile import error_at
from dryneedle_cli.errors import ContentError
from dryneedle_cli.model import Condition, reply_clash
from dryneedle_cli.safe import short

if TYPE_CHECKING:
    from dryneedle_cli.content.patch import Version

Warn = Callable[[ContentError], None]  # a warning that does not leave the version out

PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STALE_AFTER = dt.timedelta(days=730)
# A clinic's own consent sections: the form stays two pages a copy (the built-in text is
# about 4,300 characters)
MAX_EXTRA_SECTIONS, MAX_EXTRA_TEXT = 6, 2500
# Labels the program asks for; the built-in labels.yaml must define each one.
REQUIRED_LABELS = (
    "also_called", "clinical_name", "icd10", "icd10_cm", "region", "description",
    "how_it_may_help", "risks",
    "evidence", "evidence_strength", "strength_moderate", "strength_low", "strength_very-low",
    "strength_limited", "strength_conflicting", "sources", "references", "area_notes_prepare",
    "area_notes_aftercare", "areas", "related", "reviewed", "conditions", "references_title",
    "references_summary", "patient", "date", "clinician", "next_visit", "front", "back",
    "outline", "no_areas", "areas_planned", "outline_planned", "questions", "questions_phone",
    "emergency", "rules_out", "key_points", "teachback_questions", "teachback_opener", "logo",
    "status_draft", "status_approved", "status_approved_at", "status_translation_draft",
    "status_translation_revised",
)  # fmt: skip


@dataclass(frozen=True)
class Context:
    """What exists at the start of one round of checks."""

    keys: set[str]  # reference keys
    regions: set[str]
    topics: set[str]
    docs: set[str]  # topic and condition ids
    defaults: set[str]  # placeholder names


class Checks:
    """The checking loop of ``build.Builder`` (which provides the stacks, ``problem`` and
    ``warn``): every kind's ``CHECKS`` in rounds, until nothing more is left out."""

    def _fail(self, stack: list[Version], err: ContentError) -> bool:
        """Report the top version of ``stack`` as broken; leave it out unless it is built-in.

        True when something changed (a version was left out).
        """
        top = stack[-1]
        if id(top) in self.failed:
            return False
        self.problem(top.layer, err)
        if top.layer.builtin:
            self.failed.add(id(top))
            return False
        stack.pop()
        return True

    def _context(self) -> Context:
        topics = set(self.current(BY_NAME["topic"]))
        return Context(
            keys=set(self.current(BY_NAME["reference"])),
            regions=set(self.current(BY_NAME["region"])),
            topics=topics,
            docs=topics | set(self.current(BY_NAME["condition"])),
            defaults=set(self.labels.defaults),
        )

    def check(self) -> bool:
        """Run every kind's checks until nothing more is left out; True if no error is left."""
        builtin = self.layers[0]
        whole = [k for k in kinds.KINDS if k.one]
        if any(self.top(k) is None for k in whole):
            if not self.result.errors:
                self.result.errors.append(
                    ContentError(
                        str(builtin.root),
                        "the built-in knowledge files are incomplete; reinstall dryneedle",
                    )
                )
            return False
        self.check_required_labels(builtin)
        changed = True
        while changed:
            changed = False
            ctx = self._context()
            for kind in kinds.KINDS:
                if not kind.checks:
                    continue
                space = self.stacks[kind.space]
                for ident, stack in list(self.stacks_of(kind)):
                    while stack and id(stack[-1]) not in self.failed:
                        try:
                            for name in kind.checks:
                                CHECKS[name](stack, ctx, self.warn)
                            break
                        except ContentError as err:
                            if not self._fail(stack, err):
                                break
                            changed = True
                    if not stack:
                        del space[ident]
        return not self.result.errors

    def check_required_labels(self, builtin) -> None:
        path = builtin.root / BY_NAME["labels"].file
        missing = [k for k in REQUIRED_LABELS if k not in self.labels.labels]
        if missing:
            self.result.errors.append(
                error_at(path, "$.labels", f"missing labels: {', '.join(missing)}")
            )
        if "emergency_number" not in self.labels.defaults:
            self.result.errors.append(
                error_at(path, "$.defaults", "defaults must set 'emergency_number'")
            )


def check_labels(stack: list[Version], ctx: Context, warn: Warn) -> None:
    top = stack[-1]
    if not top.doc.overview_topic:
        raise error_at(top.path, "$", "labels.yaml must name its 'overview_topic' (a topic id)")
    if top.doc.overview_topic not in ctx.topics:
        raise error_at(
            top.path,
            "$.overview_topic",
            f"overview_topic '{top.doc.overview_topic}' is not a topic id",
        )


def check_term(stack: list[Version], ctx: Context, warn: Warn) -> None:
    top = stack[-1]
    term = top.doc
    missing = [k for k in term.refs if k not in ctx.keys]
    if missing:
        raise error_at(top.path, top.at, f"reference '{missing[0]}' is not in references.yaml")
    if term.see is not None and term.see not in ctx.docs:
        raise error_at(top.path, top.at, f"'see: {term.see}' is not a topic or condition id")


def check_document(stack: list[Version], ctx: Context, warn: Warn) -> None:
    version = stack[-1]
    doc = version.doc

    def error(at: str, message: str) -> ContentError:
        return error_at(*version.where(at), message)

    steps = walk.walk(doc)  # one walk answers every question below
    used = []
    for at, key in walk.keys(steps, "refs"):
        if key not in ctx.keys:
            raise error(at, f"reference '{key}' is not in references.yaml; add it there")
        used.append(key)
    for at, key in walk.keys(steps, "rules_out"):
        if key not in ctx.keys:
            raise error(
                at,
                f"reference '{key}' (the source that rules needling out) is not in "
                "references.yaml; add it there",
            )
        used.append(key)
    listed = set(doc.references)
    if listed != set(used):
        missing, extra = sorted(set(used) - listed), sorted(listed - set(used))
        parts = ([f"add {', '.join(missing)}"] if missing else []) + (
            [f"remove {', '.join(extra)} (not used)"] if extra else []
        )
        raise error(
            "$.references", f"the file's references list is out of date: {'; '.join(parts)}"
        )
    for at, area in walk.keys(steps, "areas"):
        if area not in ctx.regions:
            raise error(at, f"area '{area}' is not a region in regions.yaml")
    for at, text in walk.texts(steps):
        for name in PLACEHOLDER_RE.findall(text):
            if name not in ctx.defaults:
                raise error(
                    at,
                    f"unknown placeholder '{{{name}}}'; known: {', '.join(sorted(ctx.defaults))}",
                )
    for i, rel in enumerate(getattr(doc, "related", ())):
        if rel not in ctx.docs:
            raise error(f"$.related[{i}]", f"'{rel}' is not a topic or condition id")
    if isinstance(doc, Condition):
        if doc.region not in ctx.regions:
            raise error("$.region", f"region '{doc.region}' is not in regions.yaml")
        if not doc.icd10 and doc.icd10_note is None:
            raise error(
                "$.icd10", "give at least one ICD-10 code, or an 'icd10_note' saying why not"
            )
    for at in walk.unsourced(steps):
        warn(error(at, "this statement has no reference key; add 'refs: [key]'"))
    if dt.date.today() - doc.reviewed_on > STALE_AFTER:
        warn(
            error(
                "$.reviewed_on",
                f"last reviewed on {doc.reviewed_on}, over 24 months ago; review it",
            )
        )


def check_aftercare(stack: list[Version], ctx: Context, warn: Warn) -> None:
    """The warning signs must show for every area: a clinic's aftercare without them is
    left out (the one below is used); the built-in one without them is an error. A clinic's
    copy keeps at least as many warning tiers as the sheet it replaces, so that no tier
    (get help now, see a doctor today, call your clinic) is lost by an edit."""
    version, below = stack[-1], stack[-2] if len(stack) > 1 else None

    def shown(s) -> bool:
        """The tier says something whatever the areas: its text, or an item for all areas."""
        return bool(s.text) or any(isinstance(i, str) or not i.areas for i in s.items)

    def tiers(v: Version) -> int:
        return sum(1 for s in v.doc.sections if s.style == "warning" and not s.areas and shown(s))

    have = tiers(version)
    if not have:
        raise error_at(
            *version.where("$.sections"),
            "aftercare needs a section with 'style: warning', no 'areas' and text or items "
            "for every area, so warning signs show for every area",
        )
    if below is not None and have < tiers(below):
        raise error_at(
            *version.where("$.sections"),
            f"aftercare has {have} warning tiers ('style: warning', no 'areas', text or items "
            f"for every area) where the "
            f"sheet it replaces has {tiers(below)}; keep every tier",
        )


def check_teachback(stack: list[Version], ctx: Context, warn: Warn) -> None:
    """Key points and teach-back questions (``content.teachback``): a closed opener or an
    unsourced key point is an error; the rest are warnings."""
    from dryneedle_cli.content import teachback

    version = stack[-1]
    for at, message, fatal in teachback.problems(version.doc):
        err = error_at(*version.where(at), message)
        if fatal:
            raise err
        warn(err)


def check_screening(stack: list[Version], ctx: Context, warn: Warn) -> None:
    """Ids that are unique and well formed, groups that exist, every class's source a
    reference the question also cites, and answers a patient can tell apart."""
    version = stack[-1]
    doc = version.doc

    def error(at: str, message: str) -> ContentError:
        return error_at(*version.where(at), message)

    groups = set()
    for i, g in enumerate(doc.groups):
        if not ID_RE.match(g.id) or g.id in groups:
            raise error(f"$.groups[{i}].id", f"group id '{g.id}' is invalid or appears twice")
        groups.add(g.id)
    seen = set()
    for i, q in enumerate(doc.questions):
        at = f"$.questions[{i}]"
        if not ID_RE.match(q.id) or q.id in seen:
            raise error(
                f"{at}.id",
                f"question id '{q.id}' must be lowercase letters, digits and hyphens, "
                "and used once",
            )
        seen.add(q.id)
        if q.group not in groups:
            raise error(
                f"{at}.group", f"group '{q.group}' is not one of: {', '.join(sorted(groups))}"
            )
        if not q.classes:
            raise error(f"{at}.classes", "give at least one source and the class it gives")
        for n, c in enumerate(q.classes):
            if c.source not in ctx.keys:
                raise error(
                    f"{at}.classes[{n}].source",
                    f"reference '{c.source}' is not in references.yaml; add it there",
                )
            if c.source not in q.refs:
                raise error(f"{at}.refs", f"add '{c.source}' (a source in its classes) to refs")
    if not doc.questions:
        raise error("$.questions", "give at least one question")
    for at, message in reply_problems(doc.words):
        raise error(at, message)


def check_consent(stack: list[Version], ctx: Context, warn: Warn) -> None:
    """The patient and the clinician each have lines to sign; signature ids are unique."""
    version = stack[-1]
    ids = [b.id for b in version.doc.signatures]
    for i, ident in enumerate(ids):
        if not ID_RE.match(ident) or ident in ids[:i]:
            raise error_at(
                *version.where(f"$.signatures[{i}].id"),
                f"signature id '{ident}' is invalid or appears twice",
            )
    for needed in ("patient", "clinician"):
        if needed not in ids:
            raise error_at(
                *version.where("$.signatures"),
                f"the form needs a signature block with id '{needed}'",
            )
    for i, block in enumerate(version.doc.signatures):
        if not block.lines:
            raise error_at(
                *version.where(f"$.signatures[{i}].lines"),
                "give the lines to fill in (for example Name, Signature, Date)",
            )
    extra = version.doc.extra_sections
    size = _characters(extra)
    if len(extra) > MAX_EXTRA_SECTIONS or size > MAX_EXTRA_TEXT:
        raise error_at(
            *version.where("$.extra_sections"),
            f"the clinic's extra sections are {len(extra)} sections and {size:,} characters; "
            f"at most {MAX_EXTRA_SECTIONS} sections and {MAX_EXTRA_TEXT:,} characters keep "
            "the consent form to two pages a copy: shorten them, or give the patient a "
            "separate leaflet",
        )


# The checks an item gets, by the names its kind lists (``kinds.Kind.checks``): each is called
# with the item's stack of versions (its top is checked), the ``Context`` and ``warn``, and
# raises a ``ContentError`` for what leaves the version out.
CHECKS: dict[str, Callable[[list[Version], Context, Warn], None]] = {
    "labels": check_labels,
    "term": check_term,
    "document": check_document,
    "aftercare": check_aftercare,
    "teachback": check_teachback,
    "screening": check_screening,
    "consent": check_consent,
}


def _characters(value) -> int:
    """Characters of every text inside ``value`` (structs, lists, a text in each language)."""
    import msgspec

    todo, total = [msgspec.to_builtins(value)], 0
    while todo:
        v = todo.pop()
        if isinstance(v, str):
            total += len(v)
        elif isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, (list, tuple)):
            todo.extend(v)
    return total


def reply_problems(words) -> list[tuple[str, str]]:
    """(field path, message) when a screening file's reply words (English or a translation)
    cannot be told apart: a list is empty, or a word is empty or also means another answer
    once case, accents and punctuation are set aside (``model.reply_clash``)."""
    for name in ("replies_yes", "replies_no", "replies_not_sure"):
        if not getattr(words, name):
            return [(f"$.words.{name}", "give at least one reply a patient may type")]
    clash = reply_clash(words.replies_yes, words.replies_no, words.replies_not_sure)
    if clash is None:
        return []
    name, word = clash
    shown = short(word)
    return [(
        f"$.words.{name}",
        f"the reply '{shown}' is empty or also means another answer (case, accents and "
        "punctuation aside; 'yes', 'no', 'not-sure', 'true' and 'false' keep their meaning in "
        "every language); give each reply to one answer only",
    )]  # fmt: skip
