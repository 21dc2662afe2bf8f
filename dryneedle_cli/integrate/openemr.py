"""OpenEMR's local patient education files: ``icd10_<code>_<lang>.pdf``.

OpenEMR (``interface/patient_file/education.php``) serves, for a problem coded ICD10 and the
"Local Content" source, the file ``sites/<site>/documents/education/<codetype>_<code>_<lang>.pdf``
with the whole name in lower case (``icd10_m54.2_en.pdf``: the code as OpenEMR holds it, dot
kept); its language is ``es`` for a Spanish-speaking patient and ``en`` for everyone else.

Each file is the page of the condition its code names, made by the handout renderer as every
sheet is; a code that names several conditions (M79.1, myalgia, names four) gets one file
with each of their pages in turn. Nothing is written outside the folder: a file name is made
only from a code of the content, checked to be letters, digits, '.' and '-'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CODETYPE = "icd10"
_NAME = re.compile(r"[a-z0-9][a-z0-9.\-]{0,15}")


@dataclass(frozen=True)
class Planned:
    name: str  # the file's name
    code: str  # as the content writes it (M54.2)
    lang: str
    ids: tuple[str, ...]  # the conditions it names, in the content's order


@dataclass
class Result:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refused: bool = False  # nothing written: files already there, and no --force


def file_name(code: str, lang: str) -> str:
    """``icd10_m54.2_en.pdf``; a ValueError for a code that would not be a plain file name."""
    code = code.strip().lower()
    if not _NAME.fullmatch(code) or not re.fullmatch(r"[a-z]{2,3}", lang):
        raise ValueError(f"'{code}' cannot be part of a file name")
    return f"{CODETYPE}_{code}_{lang}.pdf"


def codes(kb) -> dict[str, list[str]]:
    """Every ICD-10 code of the content (WHO and ICD-10-CM, as written, upper case) and the
    ids of the conditions that carry it."""
    out: dict[str, list[str]] = {}
    for c in kb.conditions.values():
        for code in (*c.icd10, *c.icd10_cm):
            ids = out.setdefault(code.strip().upper(), [])
            if c.id not in ids:
                ids.append(c.id)
    return dict(sorted(out.items()))


def plan(kb, langs, only: list[str] | None = None) -> list[Planned]:
    """The files for every code (or those in ``only``) in every language of ``langs``."""
    wanted = {x.strip().upper() for x in only} if only else None
    out = []
    for code, ids in codes(kb).items():
        if wanted is not None and code not in wanted:
            continue
        for lang in langs:
            out.append(Planned(file_name(code, lang), code, lang, tuple(ids)))
    return out


def handout_for(q, ids, *, clinic=None, paper: str = "letter"):
    """The handout of one code: its condition's page, or each of its conditions' pages in
    turn (their titles as headings) when it names several, all in ``q``'s language."""
    import msgspec

    from dryneedle_cli.integrate.documents import page_handout
    from dryneedle_cli.views import SectionView

    handouts = [page_handout(q, "condition", i, clinic=clinic, paper=paper) for i in ids]
    if len(handouts) == 1:
        return handouts[0]
    pages = [h.page for h in handouts]
    sections, refs = [], {}
    for p in pages:
        sections.append(SectionView(heading=p.title, text=p.summary))
        sections.extend(p.sections)
        refs.update({r.key: r for r in p.references})
    statuses = list(dict.fromkeys(p.status for p in pages if p.status))
    page = msgspec.structs.replace(
        pages[0],
        id="+".join(ids),
        title=" · ".join(p.title for p in pages),
        summary="",
        sections=tuple(sections),
        references=tuple(refs.values()),
        status=" · ".join(statuses),
    )
    return msgspec.structs.replace(handouts[0], page=page)


def export(
    query_for: Callable[[str], object],
    folder: Path,
    langs,
    *,
    force: bool = False,
    clinic=None,
    paper: str = "letter",
    only: list[str] | None = None,
    render: Callable | None = None,
) -> Result:
    """Write every planned file into ``folder`` (made if new). Without ``force`` nothing is
    written when any file is already there (each is a problem, one line). A page that cannot
    be given in a language (not translated, or not approved under require_approval) is a
    problem for that file; the others are written. ``render(handout) -> bytes`` is the PDF
    renderer (``render.document(h, "pdf")``, the sheets' own)."""
    from dryneedle_cli import safeio
    from dryneedle_cli.errors import DryneedleError, OutputError

    if render is None:
        from dryneedle_cli.render import document

        def render(h):
            return document(h, "pdf")

    result = Result()
    planned = plan(query_for("en").kb, langs, only)
    if only:
        known = {p.code for p in planned}
        for code in only:
            if code.strip().upper() not in known:
                result.problems.append(f"{code}: no page has this ICD-10 code; nothing written")
    if safeio.exists(folder) and not safeio.is_dir(folder):
        raise OutputError(f"{folder} is a file, not a folder; give a folder")
    if not force:
        taken = [p for p in planned if safeio.exists(folder / p.name)]
        if taken:
            result.problems += [
                f"{folder / p.name} already exists; use --force to replace it" for p in taken
            ]
            result.refused = True
            return result
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot make the folder {folder}: {e.strerror}") from None
    root = folder.resolve()
    made: dict[tuple, bytes] = {}  # one PDF per (conditions, language), under each code
    for p in planned:
        path = folder / p.name
        if path.resolve().parent != root:  # a link planted in the folder: never followed
            result.problems.append(f"{path}: not a plain file in {folder}; not written")
            continue
        try:
            key = (p.ids, p.lang)
            if key not in made:
                made[key] = render(handout_for(query_for(p.lang), p.ids, clinic=clinic,
                                               paper=paper))  # fmt: skip
            safeio.write_atomic(path, made[key], force=force, create_folder=False)
        except DryneedleError as e:
            result.problems.append(f"{p.name}: not written: {e}")
            continue
        result.written.append(path)
    return result
