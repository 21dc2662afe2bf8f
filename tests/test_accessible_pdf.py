"""Every PDF sheet and form is a tagged PDF/UA-1 document (issue 23).

Two offline validators from PyPI read the files: ``pdfua check`` (0 errors, 0 warnings, no rule
skipped) and ``outloud --json -`` (0 errors). A representative subset runs every time (each
sheet and form, each language, both papers, both sizes, a clinic logo and a name in another
script); the matrix (sheet x paper x large print, in English and split between Spanish and
French) is one e2e test. Each test writes all its files first and runs each validator once over
them all: outloud loads a layout model when it starts (about 2 s of CPU a run). The
structure itself (headings, lists, the screening table, the figure's alternative text, the
language of a name in another script, the footer read once) is checked with pikepdf.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout, printed
from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.render import pdf
from dryneedle_cli.render import pdf as form_pdf

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf comes with the pdfua test extra")
BIN = Path(sys.executable).parent
PDFUA = shutil.which("pdfua", path=str(BIN)) or shutil.which("pdfua")
OUTLOUD = shutil.which("outloud", path=str(BIN)) or shutil.which("outloud")
needs_validators = pytest.mark.skipif(
    not (PDFUA and OUTLOUD),
    reason="pdfua and outloud are not installed (pip install -e '.[test]')",
)
SHEETS = ("aftercare", "prepare", "screening", "consent")
LANGS = ("en", "es", "fr")
HEBREW_NAME = "Zoë שרה כהן"  # a Hebrew name on a sheet in another language: /Lang he


def _png(w: int = 8, h: int = 4) -> bytes:
    """A small navy PNG, made here (no file shipped)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes((31, 78, 121)) * w for _ in range(h))
    head = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(rows))
    return png + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Clinic:
    folder = tmp_path_factory.mktemp("clinic")
    (folder / "logo.png").write_bytes(_png())
    return Clinic(
        name="Harbour Physio", phone="555 0100", emergency_number="000",
        logo="logo.png", folder=str(folder),
    )  # fmt: skip


_QUERIES: dict = {}


def _query(lang: str, clinic: Clinic | None):
    key = (lang, clinic is not None)
    if key not in _QUERIES:
        _QUERIES[key] = query(Settings(), handout.values_for(clinic), quiet=True, lang=lang)
    return _QUERIES[key]


def make_pdf(which, lang, paper, large, clinic=None, patient=HEBREW_NAME, copies=1) -> bytes:
    q = _query(lang, clinic)
    if which in ("screening", "consent"):
        h = printed.make(
            q, which, ["neck"], clinic=clinic, patient=patient, clinician="Dr Ana Ruiz",
            date="2026-11-23", paper=paper, large_print=large, copies=copies,
        )  # fmt: skip
        return form_pdf.render(h)
    h = printed.make(
        q, which, ["neck", "low back"], clinic=clinic, patient=patient, clinician="Dr Ana Ruiz",
        date="2026-11-23", next_visit="Tue 1 Dec 2026 4:45 pm", paper=paper, large_print=large,
        notes=("Ice for 10 minutes tonight.",) if clinic else (),
    )  # fmt: skip
    return pdf.render(h)


def validate(files: list[Path]) -> list[str]:
    """Every problem either validator finds in ``files``, one line each."""
    found = []
    out = subprocess.run(
        [PDFUA, "check", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=600,
    ).stdout  # fmt: skip
    decoder, pos, reports = json.JSONDecoder(), 0, []
    while pos < len(out):
        if out[pos].isspace():
            pos += 1
            continue
        report, pos = decoder.raw_decode(out, pos)
        reports.append(report)
    assert len(reports) == len(files), out[:500]
    for r in reports:
        name = Path(r["file"]).name
        found += [f"pdfua {name}: {f['rule_id']} {f['message']}" for f in r["findings"]]
        found += [f"pdfua {name}: skipped {s}" for s in r["skipped"]]
    out = subprocess.run(
        [OUTLOUD, "--json", "-", *map(str, files)], capture_output=True, text=True, timeout=900
    ).stdout
    results = json.loads(out)["results"]
    assert len(results) == len(files)
    for r in results:
        name = Path(r["path"]).name
        if r.get("error"):
            found.append(f"outloud {name}: {r['error']}")
        found += [
            f"outloud {name}: {f['rule']} {f['message']}"
            for f in r["findings"]
            if f["severity"] == "error"
        ]
    return found


# a representative subset, every run: each sheet and form, each language, both papers and sizes,
# a clinic logo on a normal and a large sheet, and a consent form printed twice in each language
SUBSET = [
    ("aftercare", "en", "letter", False, True),
    ("prepare", "es", "a4", False, False),
    ("screening", "fr", "letter", False, True),
    ("consent", "en", "a4", True, False),
    ("aftercare", "fr", "a4", True, False),
    ("screening", "es", "a4", True, True),
]


def _write(folder: Path, clinic: Clinic, cases) -> list[Path]:
    """One PDF per case ``(which, lang, paper, large, logo, copies)``, named after it."""
    files = []
    for which, lang, paper, large, logo, copies in cases:
        f = folder / f"{which}-{lang}-{paper}-{'large' if large else 'normal'}-{copies}.pdf"
        f.write_bytes(make_pdf(which, lang, paper, large, clinic if logo else None, copies=copies))
        files.append(f)
    return files


@needs_validators
def test_subset_passes_both_validators(tmp_path, clinic):
    cases = [(*case, 1) for case in SUBSET]
    cases += [("consent", lang, "letter", False, True, 2) for lang in LANGS]
    assert validate(_write(tmp_path, clinic, cases)) == []


def matrix() -> list[tuple]:
    """Every sheet and form x paper x large print in English, and the same 16 split in two
    halves between Spanish and French, a clinic logo on the large ones.

    The tagging code (render/tagged.py, pdf.py, forms/pdf.py) has no branch on the language: a
    language gives the document's /Lang and metadata, the labels (the figures' alternative
    text, the headings) and the text, which decides where lines and pages break. Each kind in
    each translation is still made on both papers and at both sizes (Spanish gets the cases
    where A4 goes with large print, French the others), and every combination of kind, paper and
    size is validated in English and in one translation."""
    cases = []
    for which, paper, large in itertools.product(SHEETS, ("letter", "a4"), (False, True)):
        cases.append((which, "en", paper, large, large, 1))
        cases.append((which, "es" if (paper == "a4") == large else "fr", paper, large, large, 1))
    return cases


@pytest.mark.e2e
@needs_validators
@pytest.mark.parametrize("part", range(4))
def test_whole_matrix_passes_both_validators(tmp_path, clinic, part):
    """The matrix above in four parts, one run of each validator per part (the e2e tier): the
    parts run on different workers, so the matrix no longer takes one worker for a minute."""
    assert validate(_write(tmp_path, clinic, matrix()[part::4])) == []


# ------------------------------------------------------------------------------ the structure


def _tree(data: bytes) -> tuple[object, list[tuple[int, str, dict]]]:
    """The document and its structure elements in reading order: (depth, type, entries)."""
    import io

    doc = pikepdf.open(io.BytesIO(data))
    out: list[tuple[int, str, dict]] = []

    def walk(e, depth):
        if isinstance(e, pikepdf.Array):
            for kid in e:
                walk(kid, depth)
            return
        if not (isinstance(e, pikepdf.Dictionary) and "/S" in e):
            return
        entries = {k: str(e[k]) for k in ("/Alt", "/Lang") if k in e}
        if "/A" in e:
            entries["/A"] = {k: str(v) for k, v in e.A.items()}
        out.append((depth, str(e.S), entries))
        walk(e.get("/K"), depth + 1)

    walk(doc.Root.StructTreeRoot.K, 0)
    return doc, out


@pytest.mark.parametrize("lang", LANGS)
def test_sheet_structure(clinic, lang):
    data = make_pdf("aftercare", lang, "letter", False, clinic)
    doc, tree = _tree(data)
    kinds = [k for _, k, _ in tree]
    assert str(doc.Root.Lang) == lang
    assert bool(doc.Root.MarkInfo.Marked) and bool(doc.Root.ViewerPreferences.DisplayDocTitle)
    assert b"<pdfuaid:part>1</pdfuaid:part>" in doc.Root.Metadata.read_bytes()
    headings = [k for k in kinds if k.startswith("/H")]
    assert headings[0] == "/H1" and headings.count("/H1") == 1 and "/H2" in headings
    for kind in ("/Sect", "/P", "/L", "/LI", "/Lbl", "/LBody", "/Span"):
        assert kind in kinds, kind
    q = _query(lang, clinic)
    labels = q.sheet("aftercare", ["neck"]).labels
    figures = [e for _, k, e in tree if k == "/Figure"]
    # the outline and the logo, each named in the sheet's language from labels.yaml
    assert any(e["/Alt"].startswith(labels["outline"]) for e in figures), figures
    logo = labels["logo"].replace("{clinic}", "Harbour Physio")
    assert any(e["/Alt"] == logo for e in figures), figures
    assert [e.get("/Lang") for _, k, e in tree if e.get("/Lang")] == ["he"]  # the name only
    with doc.open_outline() as outline:  # a bookmark per heading, the sections under the title
        (top,) = list(outline.root)
        assert len(top.children) == headings.count("/H2")


def test_screening_grid_is_a_table_with_row_headers():
    _, tree = _tree(make_pdf("screening", "en", "a4", False))
    rows = [i for i, (_, k, _) in enumerate(tree) if k == "/TR"]
    assert len(rows) >= 10
    for i in rows:
        cells = [k for d, k, _ in tree[i + 1 : i + 5]]
        assert cells == ["/TH", "/TD", "/TD", "/TD"], cells
        assert tree[i + 1][2]["/A"] == {"/O": "/Table", "/Scope": "/Row"}
    assert {tree[i][0] for i in rows} == {tree[rows[0]][0]}  # every row directly in a Table


def test_footer_is_read_once_then_an_artifact():
    """The footer (the emergency line) is content the first time, an artifact where a later
    page repeats it: a screen reader hears it once."""
    data = make_pdf("prepare", "en", "letter", True)
    doc = pikepdf.open(__import__("io").BytesIO(data))
    assert len(doc.pages) > 1
    streams = [b"".join(c.read_bytes() for c in _contents(p)) for p in doc.pages]
    footer = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
    assert streams[0].count(footer) == 1  # only "Page 1 of N" (an artifact on every page)
    for later in streams[1:]:
        assert later.count(footer) > 1


def _contents(page):
    c = page.obj.Contents
    return list(c) if isinstance(c, pikepdf.Array) else [c]


PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "Tj", "TJ", "'", '"'}


@pytest.mark.parametrize("which", SHEETS)
def test_nothing_is_painted_outside_content_or_artifacts(which, clinic):
    """Every painting operator (text, paths, images) is inside a marked-content sequence: the
    validators check text only, this checks the rules, boxes and the outline's shapes too."""
    import io

    doc = pikepdf.open(io.BytesIO(make_pdf(which, "en", "letter", which == "prepare", clinic)))
    for n, page in enumerate(doc.pages, 1):
        depth, loose = 0, []
        for _operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op in ("BDC", "BMC"):
                depth += 1
            elif op == "EMC":
                depth -= 1
            elif op in PAINT and depth == 0:
                loose.append(op)
        assert depth == 0 and loose == [], (n, loose[:10])
