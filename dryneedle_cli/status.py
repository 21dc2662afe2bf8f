"""What a page is, said truthfully on every output: a draft awaiting a clinician's review, or
approved for use by a named clinician on a date; and, in another language, whether a second
translator has checked the translation (issue 19).

``stamp`` gives a page (or a teach-back screen) its status line, in the page's language, from
labels.yaml (``status_*``). Under a clinic profile's ``require_approval`` it refuses a page
that is not approved in its language (``NotApproved``, exit 3) with the command that approves
it. Light on purpose: imported by every patient-facing command; the approval records and the
hashing (``dryneedle_cli.approvals``) load only when the clinic folder holds an approvals file.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from dryneedle_cli.errors import ContentError, DryneedleError, ExitCode

# below both this module and approvals (which reads and writes the records): re-exported
from dryneedle_cli.records import RECORDS, Status, clinic_folder  # noqa: F401

STATES = ("draft", "approved", "changed")
# a page view's kind -> the kind an approval names
REVIEW_KIND = {"overview": "topic"}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class NotApproved(DryneedleError):
    """A patient-facing output of a page that is not approved, under ``require_approval``."""

    exit_code = ExitCode.BAD_CONTENT


class Policy(NamedTuple):
    """The clinic's approval settings for one run (``cli.context.query`` sets ``q.review``)."""

    folder: str | None = None  # the clinic folder approvals are kept in (None: there is none)
    require: bool = False  # the profile's require_approval
    clinic: str = ""  # the clinic's name from its profile ('' without one)
    content_dirs: tuple[str, ...] = ()  # the --content-dir flags, for the approve command

    @property
    def records(self) -> str | None:
        """The approvals file, when there is one."""
        if self.folder is None:
            return None
        path = os.path.join(self.folder, RECORDS)
        return path if os.path.lexists(path) else None


def policy_of(q) -> Policy:
    return getattr(q, "review", None) or Policy()


def review_kind(kind: str) -> str:
    return REVIEW_KIND.get(kind, kind)


def status(q, kind: str, ident: str, policy: Policy | None = None) -> Status:
    """The approval status of a page in ``q``'s language (``q`` the Query of that language)."""
    policy = policy or policy_of(q)
    if policy.records is None:
        return Status()
    from dryneedle_cli import approvals

    return approvals.status(q, review_kind(kind), ident, approvals.load(policy.records))


def _fill(q, key: str, values: dict[str, str]) -> str:
    """A status label in ``q``'s language, its placeholders filled in one pass (a name that
    holds '{clinic}' stays as typed)."""
    from dryneedle_cli.model import tr

    text = tr(q.kb.labels.labels.get(key, ""), q.lang)
    merged = {**q.values, **values}
    return _PLACEHOLDER.sub(lambda m: merged.get(m.group(1), m.group(0)), text)


def translation_reviser(q, kind: str, ident: str) -> tuple[bool, str]:
    """(translated, the reviser or '') of a page in ``q``'s language: the translation files in
    use for it (a page and its patches), revised only when each names a reviser."""
    if q.lang == "en":
        return False, ""
    key = f"{review_kind(kind)}:{ident}"
    rows = [r for r in q.kb.trail if r.get("item") == key and r.get("status") == "in use"]
    if not rows:
        return False, ""
    revisers = [r.get("reviser") for r in rows]
    if not all(revisers):
        return True, ""
    return True, ", ".join(dict.fromkeys(str(r) for r in revisers))


def line(q, kind: str, ident: str, st: Status, policy: Policy) -> str:
    """The status sentence(s) of a page in ``q``'s language."""
    if st.state == "approved":
        key = "status_approved_at" if policy.clinic else "status_approved"
        values = {"approved_by": st.by or "", "approved_on": q.date(st.on or "")}
        if policy.clinic:
            values["clinic"] = policy.clinic
        parts = [_fill(q, key, values)]
    else:
        parts = [_fill(q, "status_draft", {})]
    translated, reviser = translation_reviser(q, kind, ident)
    if translated:
        if reviser:
            parts.append(_fill(q, "status_translation_revised", {"reviser": reviser}))
        else:
            parts.append(_fill(q, "status_translation_draft", {}))
    return " ".join(p for p in parts if p)


def refuse(q, kind: str, ident: str, title: str, st: Status, policy: Policy) -> NotApproved:
    """The one line that refuses a page under ``require_approval``."""
    from dryneedle_cli.languages import name

    lang = "" if q.lang == "en" else f" --lang {q.lang}"
    kind = review_kind(kind)
    folder = ""
    if policy.folder is None:
        folder = "--content-dir FOLDER "
    elif policy.content_dirs:
        folder = f"--content-dir {policy.content_dirs[0]} "
    why = (
        f"changed since {st.by} approved it on {st.on}"
        if st.state == "changed"
        else f"is not approved for use in {name(q.lang)}"
    )
    return NotApproved(
        f"'{title}' ({kind} {ident}) {why}, and the clinic profile requires approval; a "
        f"clinician reads it with 'dryneedle {folder}review show {ident}{lang}', then approves "
        f"it with 'dryneedle {folder}review approve {ident}{lang} --by \"NAME, ROLE\"'"
    )


def gate(q, kind: str, ident: str, title: str, lang: str) -> None:
    """Refuse (``NotApproved``) a patient-facing output that is not a ``Page`` (the screening
    questions asked on the consult screen) under ``require_approval``, unless approved."""
    policy = policy_of(q)
    if not policy.require:
        return
    speaker = q.speaking(lang)
    st = status(speaker, kind, ident, policy)
    if st.state != "approved":
        raise refuse(speaker, kind, ident, title, st, policy)


def stamp(q, view):
    """``view`` (a ``Page`` or a ``TeachBack``) with its status line and, for a page, its
    ``approval`` (the JSON's ``status``, ``approved_by``, ``approved_on``); refused
    (``NotApproved``) under ``require_approval`` unless approved."""
    import msgspec

    from dryneedle_cli.views import Approval, Page

    policy = policy_of(q)
    speaker = q.speaking(view.lang)
    kind = review_kind(view.kind)
    try:
        st = status(speaker, kind, view.id, policy)
    except ContentError as e:  # a damaged approvals file: nothing counts as approved
        if policy.require:
            raise
        notify = getattr(q, "_notify", None)
        if notify is not None:
            notify(f"{e}; every page is shown as a draft until it is fixed")
        st = Status()
    if policy.require and st.state != "approved":
        raise refuse(speaker, kind, view.id, view.title, st, policy)
    text = line(speaker, kind, view.id, st, policy)
    if isinstance(view, Page):
        approved = st.state == "approved"
        approval = Approval(st.state, st.by if approved else None, st.on if approved else None)
        return msgspec.structs.replace(view, status=text, approval=approval)
    return msgspec.structs.replace(view, status=text)
