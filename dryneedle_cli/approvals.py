"""Approvals: a clinic's clinician signs off the exact words of one page in one language.

Kept in the clinic's own content folder (the first --content-dir, else the first folder of
DRYNEEDLE_CONTENT_DIR; never inside the installed package), as plain files a person can read
and a version control system can diff:

    approvals.yaml                      who approved which page, in which language, when, and
                                        the hash of the words approved
    approvals/<lang>/<kind>.<id>.txt    the words approved, one statement a line

The words of a page are what a patient reads of it in that language, after the clinic's
overlays and patches, with the clinic's values filled in (its emergency number): every text
field of the page's file (title, summary, every section and list item, key points, teach-back
questions; a form's words), as ``fingerprint.form_text`` gives them. Search words (aliases)
are left out: a patient never reads them. The hash is ``fingerprint.content_hash`` of those
fields; for the screening and consent forms it is ``Query.form_hash``, the form code printed on
the form, so a printed form can be matched to its approval. An approval counts while the
page's words still have that hash; any change (an upgrade of dryneedle, a clinic's edit or
patch, a new translation) makes the page ``changed`` until it is approved again. The approved
words are kept beside the record so that ``review show`` can say what changed (a diff): a hash
alone says only that something did.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import functools
import os
import re
import unicodedata
from pathlib import Path

import msgspec

from dryneedle_cli import dates
from dryneedle_cli.errors import ContentError, NotFound, NotTranslated, OutputError, UsageError
from dryneedle_cli.records import RECORDS, Status

WORDS = "approvals"  # the folder of approved words, beside approvals.yaml
# every kind of page a clinic hands out, in the order the list shows them
KINDS = ("topic", "condition", "glossary", "prepare", "aftercare", "screening", "consent")
SHEETS = ("prepare", "aftercare")
FORMS = ("screening", "consent")
MAX_BY = 150
MAX_BYTES = 16 * 1024 * 1024  # an approvals file read without the YAML parser
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_HASH = re.compile(r"^[0-9a-f]{12}$")


class Record(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One approval: a page (kind and id) in one language, who approved it and when, and the
    hash of the words approved."""

    id: str
    kind: str
    lang: str
    by: str
    date: dt.date  # (not 'on': YAML reads that word as true)
    hash: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.lang, self.kind, self.id)


class _File(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    approvals: list[Record] = []


@dataclasses.dataclass(frozen=True)
class PageRef:
    kind: str
    id: str
    title: str


# --------------------------------------------------------------------------- reading


def load(path: str | Path) -> dict[tuple[str, str, str], Record]:
    """The approvals in ``path`` by (lang, kind, id); a damaged file is one ContentError naming
    the file, the line and the fix (read again only when the file changes)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as e:
        raise ContentError(str(path), f"cannot read the approvals file: {e.strerror}") from None
    return _load(str(path), st.st_mtime_ns, st.st_size, st.st_ino)


@functools.lru_cache(maxsize=4)
def _load(path: str, *_signature) -> dict[tuple[str, str, str], Record]:
    from dryneedle_cli import safeio

    where = Path(path)
    if not where.is_file():
        raise ContentError(path, "the approvals file is not a regular file; remove it")
    try:
        fast = _quick(safeio.read_limited(where, MAX_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        fast = None  # the YAML reader says why, naming the file
    if fast is not None:
        return fast
    return _read(where)


# One line of the file as ``dump`` writes it; anything else is read by the YAML parser.
_LINE = re.compile(r"^(  - id|    kind|    lang|    by|    date|    hash): (\S.*)$")


def _quick(text: str) -> dict[tuple[str, str, str], Record] | None:
    """The records of a file exactly as ``dump`` writes it, read without the YAML parser (a
    consult pays for no YAML import); None for anything else, which ``_read`` then reads (and
    reports with its line)."""
    import json

    rows: list[dict] = []
    started = False
    for raw in text.split("\n"):
        if not raw.strip() or raw.startswith("#"):
            continue
        if raw in ("approvals:", "approvals: []") and not started:
            started = True
            continue
        m = _LINE.match(raw)
        if m is None or not started:
            return None
        key, value = m.group(1).lstrip(" -"), m.group(2)
        if key == "id":
            rows.append({})
        if key in rows[-1]:
            return None
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                return None
            if not isinstance(value, str):
                return None
        rows[-1][key] = value
    out: dict[tuple[str, str, str], Record] = {}
    try:
        for row in rows:
            r = Record(**{**row, "date": dates.parse(row["date"])})
            if _problem(r) or r.key in out:
                return None
            out[r.key] = r
    except (KeyError, TypeError, ValueError):
        return None
    return out


def _read(where: Path) -> dict[tuple[str, str, str], Record]:
    """The records by the YAML parser; every problem a ContentError naming file and line."""
    from dryneedle_cli.content.yamlfile import convert, error_at, parse

    data = parse(where)
    records = convert(where, data, _File).approvals
    out: dict[tuple[str, str, str], Record] = {}
    for i, r in enumerate(records):
        at = f"$.approvals[{i}]"
        problem = _problem(r)
        if problem:
            field, message = problem
            raise error_at(where, f"{at}.{field}", message)
        if r.key in out:
            raise error_at(
                where, at, f"{r.kind} {r.id} ({r.lang}) is approved twice; keep one of them"
            )
        out[r.key] = r
    return out


def _problem(r: Record) -> tuple[str, str] | None:
    if r.kind not in KINDS:
        return "kind", f"'{r.kind[:40]}' is not a kind of page; use one of {', '.join(KINDS)}"
    if not _ID.match(r.id):
        return "id", "not a page id (lowercase letters, digits and hyphens)"
    if not _LANG.match(r.lang):
        return "lang", "not a language code such as en, es or fr"
    if not _HASH.match(r.hash):
        return "hash", "not a hash of 12 hex digits; approve the page again to write it"
    if not r.by.strip() or _bad_char(r.by) or len(r.by) > MAX_BY:
        return "by", "give the approver as plain text on one line (NAME, ROLE)"
    return None


def _bad_char(text: str) -> str | None:
    """A character that does not belong in a name on one line: controls, format characters,
    line and paragraph separators."""
    return next(
        (c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
        None,
    )


# --------------------------------------------------------------------------- the words


def doc_of(q, kind: str, ident: str):
    """The model item of a page in ``q``'s knowledge base."""
    from dryneedle_cli.content.kinds import BY_NAME

    if kind == "topic":
        return q.kb.topics[ident]
    if kind == "condition":
        return q.kb.conditions[ident]
    if kind == "glossary":
        return q.kb.glossary[ident]
    return getattr(q.kb, BY_NAME[kind].kb)


def fields(q, kind: str, ident: str) -> dict:
    """What the approval of a page covers, in ``q``'s language (see the module's docstring)."""
    from dryneedle_cli.content.kinds import BY_NAME
    from dryneedle_cli.query import fingerprint

    if kind in FORMS:
        return q.form_fields(kind)  # the form code's fields: Query.form_hash
    spec = msgspec.structs.replace(BY_NAME[kind], words=frozenset())  # no search words
    text = fingerprint.form_text(doc_of(q, kind, ident), spec, q.t)
    if kind in SHEETS:
        return {"lang": q.lang, "form": kind, "text": text}
    return {"lang": q.lang, "page": kind, "text": text}


def page_hash(q, kind: str, ident: str) -> str:
    from dryneedle_cli.query import fingerprint

    if kind in FORMS:
        return q.form_hash(kind)
    return fingerprint.content_hash(fields(q, kind, ident))


def lines(page_fields: dict) -> list[str]:
    """The words of ``page_fields`` one statement a line, each after the field it is in
    (``sections[2].items[0]: ...``); a line break inside a text continues on an indented line."""
    out: list[str] = []

    def walk(value, path: str) -> None:
        if isinstance(value, str):
            first, *rest = value.split("\n")
            out.append(f"{path}: {first}".rstrip())
            out.extend(f"    {more}".rstrip() for more in rest)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    walk(page_fields.get("text"), "")
    return out


def status(q, kind: str, ident: str, records) -> Status:
    """draft (never approved in this language), approved (the words have the approved hash)
    or changed (approved once, different now)."""
    record = records.get((q.lang, kind, ident))
    if record is None:
        return Status()
    current = page_hash(q, kind, ident)
    state = "approved" if current == record.hash else "changed"
    return Status(state, record.by, record.date.isoformat(), record.hash, current)


# --------------------------------------------------------------------------- the pages


def _untranslated(q, kind: str, ident: str) -> str | None:
    return q.kb.untranslated.get(f"{kind}:{ident}") if q.lang != "en" else None


def pages(q) -> list[PageRef]:
    """Every page a clinic hands out that exists in ``q``'s language, in list order."""
    from dryneedle_cli.model import tr

    out: list[PageRef] = []
    for ident in sorted(q.kb.topics):
        out.append(PageRef("topic", ident, tr(q.kb.topics[ident].title, q.lang)))
    for ident in sorted(q.kb.conditions):
        out.append(PageRef("condition", ident, tr(q.kb.conditions[ident].name, q.lang)))
    for ident in sorted(q.kb.glossary):
        out.append(PageRef("glossary", ident, tr(q.kb.glossary[ident].term, q.lang)))
    for kind in (*SHEETS, *FORMS):
        doc = _single(q, kind)
        if doc is not None:
            out.append(PageRef(kind, doc.id, tr(doc.title, q.lang)))
    return [p for p in out if _untranslated(q, p.kind, p.id) is None]


def _single(q, kind: str):
    """A sheet or form of the knowledge base, or None when this build has none."""
    from dryneedle_cli.content.kinds import BY_NAME

    return getattr(q.kb, BY_NAME[kind].kb, None) if kind in BY_NAME else None


def untranslated_count(q) -> int:
    return 0 if q.lang == "en" else len(_all(q)) - len(pages(q))


def _all(q) -> list[tuple[str, str]]:
    out = [("topic", i) for i in q.kb.topics] + [("condition", i) for i in q.kb.conditions]
    out += [("glossary", i) for i in q.kb.glossary]
    out += [(k, d.id) for k in (*SHEETS, *FORMS) if (d := _single(q, k)) is not None]
    return out


def resolve(q, word: str) -> PageRef:
    """The page an id names: ``neck-pain``, or ``kind:id`` when an id is used by two kinds
    (a topic and a glossary term). Only exact ids: an approval never goes to a guess."""
    from dryneedle_cli import safe
    from dryneedle_cli.model import tr

    text = word.strip()
    kind, _, ident = text.rpartition(":")
    every = _all(q)
    if kind:
        found = [(k, i) for k, i in every if (k, i) == (kind, ident)]
    else:
        found = [(k, i) for k, i in every if i == ident]
    if len(found) > 1:
        raise UsageError(
            f"'{safe.short(text)}' is the id of {len(found)} pages; name one as "
            + " or ".join(f"{k}:{i}" for k, i in found)
        )
    if not found:
        names = sorted({i for _, i in every} | {f"{k}:{i}" for k, i in every})
        close = tuple(difflib.get_close_matches(text, names, n=3, cutoff=0.6))
        raise NotFound(
            f"no page has the id '{safe.short(text)}' ('dryneedle review list' lists them)", close
        )
    kind, ident = found[0]
    reason = _untranslated(q, kind, ident)
    if reason is not None:
        from dryneedle_cli.languages import name

        raise NotTranslated(
            f"{kind} {ident} is not translated into {name(q.lang)}: {reason}; there is no "
            "page in that language to approve (approve the English one with --lang en)"
        )
    doc = doc_of(q, kind, ident)
    title = getattr(doc, "title", None) or getattr(doc, "name", None) or doc.term
    return PageRef(kind, ident, tr(title, q.lang))


# --------------------------------------------------------------------------- writing


def check_by(value: str) -> str:
    """--by as one clean line: 'NAME, ROLE'."""
    text = unicodedata.normalize("NFC", value or "")
    bad = _bad_char(text)
    if bad is not None:
        raise UsageError(
            f"--by holds a control or invisible character (U+{ord(bad):04X}); type the name plainly"
        )
    text = " ".join(text.split())
    if len(text) > MAX_BY:
        raise UsageError(f"--by is longer than {MAX_BY} characters")
    name, comma, role = text.partition(",")
    if not comma or not name.strip() or not role.strip():
        raise UsageError(
            "--by: give the approver's name and role, separated by a comma, for example "
            '--by "Dr Ana Ruiz, PT"'
        )
    return text


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    import json

    return json.dumps(text, ensure_ascii=False)


HEADER = """\
# Approvals: which pages this clinic's clinicians approved for use, in which language, when,
# and the hash of the exact words approved. Written by 'dryneedle review approve' and
# 'dryneedle review revoke'; the approved words are in approvals/<lang>/<kind>.<id>.txt.
# An approval counts only while the page's words still have this hash: any change makes the
# page 'changed' until a clinician approves it again ('dryneedle review show ID' says what).
"""


def dump(records) -> str:
    order = {k: n for n, k in enumerate(KINDS)}
    rows = sorted(records, key=lambda r: (r.lang, order[r.kind], r.id))
    if not rows:
        return HEADER + "approvals: []\n"
    out = [HEADER + "approvals:"]
    for r in rows:
        out += [
            f"  - id: {r.id}",
            f"    kind: {r.kind}",
            f"    lang: {r.lang}",
            f"    by: {_quoted(r.by)}",
            f"    date: {r.date.isoformat()}",
            f'    hash: "{r.hash}"',
        ]
    return "\n".join(out) + "\n"


def words_path(folder: Path, lang: str, kind: str, ident: str) -> Path:
    return folder / WORDS / lang / f"{kind}.{ident}.txt"


def words_file(r: Record, title: str, words: list[str]) -> str:
    head = [
        f"# {r.kind} {r.id} ({r.lang}): {title}",
        f"# approved by {r.by} on {r.date.isoformat()}; hash {r.hash}",
        "# the words approved, one statement a line (dryneedle review show compares them)",
    ]
    return "\n".join(head + words) + "\n"


def approved_words(folder: Path, lang: str, ref: PageRef) -> list[str] | None:
    """The words kept with an approval, or None when the file is missing or unreadable."""
    try:
        text = words_path(folder, lang, ref.kind, ref.id).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return [line for line in text.split("\n")[:-1] if not line.startswith("# ")]


def clinic_folder(content_dirs) -> Path:
    """The clinic folder approvals are written to; a UsageError with the fix when none."""
    from dryneedle_cli.records import clinic_folder as first

    folder = first(content_dirs)
    if folder is None:
        raise UsageError(
            "approvals are kept in the clinic's own content folder, and none is given; give "
            "it before the command (dryneedle --content-dir FOLDER review ...) or set "
            "DRYNEEDLE_CONTENT_DIR"
        )
    path = Path(folder)
    if not path.is_dir():
        raise OutputError(
            f"the clinic folder {folder} does not exist or is not a folder; create it first"
        )
    from dryneedle_cli import env

    real = path.resolve()
    package = Path(__file__).resolve().parent
    builtin = env.data_dir().resolve()
    if real in (builtin, package) or package in real.parents or builtin in real.parents:
        raise UsageError(
            f"{folder} is dryneedle's own built-in folder, which an upgrade replaces; keep "
            "approvals in the clinic's own content folder (--content-dir FOLDER)"
        )
    return path


def _existing(folder: Path) -> dict[tuple[str, str, str], Record]:
    path = folder / RECORDS
    if not os.path.lexists(path):
        return {}
    if path.is_symlink():
        raise ContentError(str(path), "is a link; approvals are written only to a plain file")
    return dict(load(path))


def _write(path: Path, text: str) -> None:
    from dryneedle_cli.safeio import write_atomic

    write_atomic(path, text.encode("utf-8"), force=True)


def approve(folder: Path, q, refs: list[PageRef], by: str, on: dt.date) -> list[Record]:
    """Approve ``refs`` in ``q``'s language: their words are written first, then the record
    (one atomic rename), so an interrupted run never leaves an approval without its words."""
    records = _existing(folder)
    made = []
    for ref in refs:
        page = fields(q, ref.kind, ref.id)
        r = Record(id=ref.id, kind=ref.kind, lang=q.lang, by=by, date=on,
                   hash=page_hash(q, ref.kind, ref.id))  # fmt: skip
        _write(words_path(folder, r.lang, r.kind, r.id), words_file(r, ref.title, lines(page)))
        records[r.key] = r
        made.append(r)
    _write(folder / RECORDS, dump(records.values()))
    _load.cache_clear()
    return made


def revoke(folder: Path, lang: str, refs: list[PageRef]) -> list[Record]:
    """Remove the approvals of ``refs`` in ``lang`` (and their words); NotFound when one of
    them is not approved in that language (nothing is changed then)."""
    from dryneedle_cli.languages import name

    records = _existing(folder)
    gone = []
    for ref in refs:
        r = records.pop((lang, ref.kind, ref.id), None)
        if r is None:
            raise NotFound(
                f"{ref.kind} {ref.id} is not approved in {name(lang)}; nothing was revoked"
            )
        gone.append(r)
    _write(folder / RECORDS, dump(records.values()))
    _load.cache_clear()
    for r in gone:
        with contextlib.suppress(OSError):
            words_path(folder, r.lang, r.kind, r.id).unlink()
    return gone


def diff(folder: Path, q, ref: PageRef, st: Status) -> list[str]:
    """A unified diff from the approved words to the words now ([] when the same)."""
    before = approved_words(folder, q.lang, ref)
    now = lines(fields(q, ref.kind, ref.id))
    if before is None:
        where = words_path(folder, q.lang, ref.kind, ref.id)
        return [f"(the words approved are missing: {where}; compare by hash only)"]
    return list(
        difflib.unified_diff(
            before, now, f"approved {st.on} ({st.hash})",
            f"now ({page_hash(q, ref.kind, ref.id)})", lineterm="",
        )
    )  # fmt: skip


# --------------------------------------------------------------------------- review show


NAMES = ("title", "name", "term", "heading")  # fields that name a part, not a statement


def statements(q, kind: str, ident: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(field, text, reference keys) for every statement of a page in ``q``'s language: the
    words ``fields`` covers, each with the keys of the nearest ``refs`` around it (an item's
    own, else its section's, else the page's)."""
    from dryneedle_cli.content.kinds import BY_NAME

    spec = BY_NAME[kind]
    words = spec.words if kind in FORMS else frozenset()
    out: list[tuple[str, str, tuple[str, ...]]] = []

    def is_text(value) -> bool:
        return (
            isinstance(value, dict)
            and "en" in value
            and all(isinstance(v, str) for v in value.values())
        )

    def keys(value: dict, refs: tuple[str, ...]) -> tuple[str, ...]:
        own = [*(value.get("refs") or ()), *(value.get("rules_out") or ())]
        return tuple(dict.fromkeys(own)) if own else refs

    def walk(value, path: str, mode: str | None, refs: tuple[str, ...]) -> None:
        if isinstance(value, str):
            if mode:
                out.append((path, q.t(value), refs))
        elif isinstance(value, dict):
            if mode and is_text(value):
                out.append((path, q.t(value), refs))
                return
            refs = keys(value, refs)
            first = [k for k in NAMES if k in value]  # a section's heading before its text
            for k in [*first, *(k for k in value if k not in NAMES)]:
                v = value[k]
                if k in ("refs", "rules_out", "references"):
                    continue
                m = "all" if (k in words or mode == "all") else "text" if k in spec.text else None
                walk(v, f"{path}.{k}" if path else str(k), m, refs)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]", mode, refs)

    walk(msgspec.to_builtins(doc_of(q, kind, ident)), "", None, ())
    return out


def show_text(q, ref: PageRef, st: Status) -> str:
    """``review show``: the page's status, each statement with its sources, the full
    references with the clinician-only notes, and a diff when it changed since approval."""
    from dryneedle_cli import safe
    from dryneedle_cli.languages import name

    lines = [ref.title, "=" * len(ref.title)]
    lines.append(f"{ref.kind} {ref.id}, {name(q.lang)}")
    current = st.current or page_hash(q, ref.kind, ref.id)
    if st.state == "approved":
        lines.append(f"Status: approved by {st.by} on {st.on} (hash {st.hash})")
    elif st.state == "changed":
        lines.append(
            f"Status: changed since {st.by} approved it on {st.on} (hash {st.hash}; now "
            f"{current}): read what changed below, then approve it again"
        )
    else:
        lines.append(f"Status: draft, never approved in {name(q.lang)} (hash now {current})")
    used: list[str] = []
    lines += ["", "Statements", "----------"]
    for path, text, refs in statements(q, ref.kind, ref.id):
        lines.append(f"{path}: {text}")
        if path.rsplit(".", 1)[-1] in NAMES:  # a title or heading states nothing itself
            continue
        known = [k for k in refs if k in q.kb.references]
        used += [k for k in known if k not in used]
        lines.append(
            "    sources: " + ("; ".join(f"[{k}] {q.kb.references[k].short}" for k in known)
                               if known else "none")
        )  # fmt: skip
    if used:
        lines += ["", "Sources", "-------"]
        for key in used:
            r = q.kb.references[key]
            link = f" doi:{r.doi}" if r.doi else (f" {r.url}" if r.url else "")
            lines.append(f"[{key}] {r.citation}{link}")
            lines.append(f"    status: {r.status}")
            if r.note:
                lines.append(f"    note: {r.note}")
    if st.state == "changed":
        lines += ["", "What changed since the approval", "-------------------------------"]
        folder = getattr(getattr(q, "review", None), "folder", None)
        lines += diff(Path(folder), q, ref, st) if folder else ["(no clinic folder)"]
    return "\n".join(safe.text(line) for line in lines)
