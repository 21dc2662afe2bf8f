"""Dependencies imported without what a run seldom uses (deferred.py): fpdf2 for a plain
sheet, Rich for a page on a terminal, pathlib for every run.

Each test runs in a fresh interpreter: the test process has most of these modules imported
already (pytest imports ``unittest.mock``), and then nothing is deferred.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DEFERRED = [
    "unittest.mock",
    "fontTools.varLib",
    "fontTools.varLib.instancer",
    "fontTools.subset",
    "fpdf.font_type_3",
    "PIL.Image",
    "PIL.ImageCms",
    "PIL.TiffImagePlugin",
    "PIL.features",
    # not deferred: fontTools' name table imports them; a basic subset's names are read
    # without it (render/fonts.py ``_Names``)
    "fontTools.ttLib.tables._n_a_m_e",
    "fontTools.ttLib.tables.otTables",
]

# one sheet through the command line, in a fresh process; prints which of DEFERRED it imported
SCRIPT = r"""
import json, os, sys
from dryneedle_cli import deferred
deferred.ENABLED = sys.argv[1] == "on"
names = json.loads(sys.argv[2])
exit_ = os._exit
def report(code):
    image = sys.modules.get("fpdf.image_parsing")
    print(json.dumps({
        "code": code,
        "imported": [m for m in names if deferred.loaded(m)],
        "resample": str(getattr(image, "RESAMPLE", None)),
    }))
    sys.stdout.flush()
    exit_(0)
os._exit = report
sys.argv = ["dryneedle", "sheet", "aftercare", *sys.argv[3:]]
from dryneedle_cli.entry import main
main()
"""


def sheet(tmp_path: Path, mode: str, *args: str) -> tuple[dict, bytes]:
    out = tmp_path / f"{mode}.pdf"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env.pop("DRYNEEDLE_CLINIC", None)
    cmd = [sys.executable, "-c", SCRIPT, mode, json.dumps(DEFERRED), *args, "--force"]
    proc = subprocess.run(
        [*cmd, "-o", str(out)], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, proc.stderr
    # the only difference between two runs: the time the file was made
    data = re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"", out.read_bytes())
    return result, re.sub(rb"/ID \[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", b"", data)


def test_a_plain_sheet_imports_none_of_the_deferred_modules(tmp_path):
    result, data = sheet(tmp_path, "on", "--area", "neck", "--patient", "Zoë Ødegård")
    assert result["imported"] == []
    assert data.startswith(b"%PDF")
    # the check can fail: the same sheet with nothing deferred imports them
    result, _ = sheet(tmp_path, "off", "--area", "neck", "--patient", "Zoë Ødegård")
    assert set(result["imported"]) == set(DEFERRED)


@pytest.fixture
def png_clinic(tmp_path) -> Path:
    image = pytest.importorskip("PIL.Image")
    folder = tmp_path / "clinic"
    folder.mkdir()
    logo = image.new("RGB", (80, 40), (31, 78, 121))
    logo.paste((255, 255, 255), (10, 10, 30, 30))
    logo.save(folder / "logo.png")
    profile = folder / "clinic.yaml"
    profile.write_text(
        'name: "Riverside Physio"\nphone: "555 010 2030"\nemergency_number: "112"\n'
        'logo: "logo.png"\nclinicians: [Dr A. Smith]\n'
    )
    return profile


def test_a_png_logo_and_a_font_cut_down_work_and_give_the_same_file(tmp_path, png_clinic):
    """A PNG logo (Pillow) and a Polish name (the Latin subset, cut down by fontTools'
    subsetter): the deferred modules are imported when used, and the file is byte for byte
    the one fpdf2 makes with everything imported at once."""
    args = ["--area", "neck", "--patient", "Łukasz Nguyễn", "--clinic", str(png_clinic)]
    lazy, lazy_pdf = sheet(tmp_path, "on", *args)
    eager, eager_pdf = sheet(tmp_path, "off", *args)
    assert lazy_pdf == eager_pdf
    assert b"/Subtype /Image" in lazy_pdf
    assert {"PIL.Image", "fontTools.subset"} <= set(lazy["imported"])
    # fpdf2 read this at import; it is set once Pillow is imported
    assert lazy["resample"] == eager["resample"] != "None"


def test_the_stand_ins_give_the_real_names():
    """What fpdf2 bound at import: each resolves to the real object when used."""
    code = r"""
import sys
from dryneedle_cli import deferred
from dryneedle_cli.render import fonts
import fpdf.fonts, fpdf.sign, fpdf.fpdf, fpdf.output
assert isinstance(fpdf.fonts.instancer, deferred.Deferred), fpdf.fonts.instancer
assert "fontTools.varLib.instancer" not in sys.modules
from fontTools.varLib import instancer
assert fpdf.fonts.instancer.instantiateVariableFont is instancer.instantiateVariableFont
import unittest.mock
with fpdf.sign.patch("os.getcwd", lambda: "here"):
    import os
    assert os.getcwd() == "here"
from PIL import Image
assert isinstance(Image.new("RGB", (1, 1)), fpdf.fpdf.Image)
assert not isinstance(object(), fpdf.fpdf.Image)
import fpdf.font_type_3
assert fpdf.output.Type3Font.__name__ == "Type3Font"
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "ok", proc.stderr


def _refusing(group: str, module: str, name: str) -> str:
    """The start of a script in which ``group``'s stand-in for ``module`` refuses ``name``
    while the dependency is imported: a later version that uses it in a new way at import."""
    return f"""
import sys
from dryneedle_cli import deferred
real = deferred.GROUPS[{group!r}]
def broken():
    stand_ins = real()
    for s in stand_ins:
        if s.__name__ == {module!r}:
            s.__dict__["_deferred_names"] = {{}}
            s.__dict__["_deferred_refuse"] = frozenset({{{name!r}}})
    return stand_ins
deferred.GROUPS[{group!r}] = broken
"""


def test_an_fpdf2_that_needs_a_deferred_module_at_import_still_imports():
    """If a later fpdf2 used a deferred module at import in a way a stand-in cannot serve,
    fpdf2 is imported again without the stand-ins."""
    # ``from unittest.mock import patch`` fails while fpdf2 is imported
    code = (
        _refusing("fpdf2", "unittest.mock", "patch")
        + r"""
from dryneedle_cli.render import fonts
import fpdf.sign, unittest.mock
print(fpdf.sign.patch is unittest.mock.patch, isinstance(sys.modules["fpdf"], deferred.Deferred))
"""
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "True False", proc.stderr


# in one process (as ``dryneedle serve``): a plain sheet first (fpdf2 imported, Pillow
# deferred), then Pillow imported by someone else, then a sheet with a PNG logo
SERVE = r"""
import hashlib, json, re, sys
from pathlib import Path
from dryneedle_cli import deferred
deferred.ENABLED = sys.argv[1] == "on"
from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import clinic, handout, printed
from dryneedle_cli.render import pdf
q = query(Settings(), handout.values_for(None), quiet=True)
plain = pdf.render(printed.make(q, "aftercare", ["neck"], clinic=None, patient="Zoë"))
before = [m for m in ("PIL.Image", "fontTools.subset") if deferred.loaded(m)]
import PIL.Image
import fpdf.image_parsing
profile = clinic.load(Path(sys.argv[2]))
data = pdf.render(printed.make(q, "aftercare", ["neck"], clinic=profile, patient="Zoë"))
data = re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"", plain + data)
data = re.sub(rb"/ID \[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", b"", data)
print(json.dumps({
    "before": before,
    "resample": str(fpdf.image_parsing.RESAMPLE),
    "images": data.count(b"/Subtype /Image"),
    "sha": hashlib.sha256(data).hexdigest(),
}))
"""


def test_pillow_imported_after_fpdf2_by_someone_else(png_clinic):
    """fpdf2 read ``Resampling.LANCZOS`` at its import; with Pillow deferred it is set the
    first time fpdf2 reaches Pillow, whoever imported it. Both sheets are byte for byte the
    ones made with nothing deferred."""
    runs = {}
    for mode in ("on", "off"):
        proc = subprocess.run(
            [sys.executable, "-c", SERVE, mode, str(png_clinic)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        runs[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert runs["on"]["before"] == []
    assert runs["off"]["before"] == ["PIL.Image", "fontTools.subset"]
    assert runs["on"]["images"] == 1
    assert runs["on"]["resample"] == runs["off"]["resample"] != "None"
    assert runs["on"]["sha"] == runs["off"]["sha"]


# ``explain`` through the console script's fast path in a fresh process, stdout a pipe and
# FORCE_COLOR set (Rich); prints the exit code, what of the deferred modules it imported, and
# the page
PAGE = r"""
import json, os, sys
from dryneedle_cli import deferred
deferred.ENABLED = sys.argv[1] == "on"
from dryneedle_cli.cli import fast
out, sys.stdout = sys.stdout, open(os.devnull, "w") if sys.argv[2] == "-" else sys.stdout
code = fast.run(["explain", "neck"])
sys.stdout.flush()
sys.stdout = out
names = ["inspect", "ast", "pickle", "urllib.parse", "ipaddress", "dis", "tokenize"]
print(json.dumps({"code": code, "imported": [m for m in names if deferred.loaded(m)]}))
"""

RICH_AND_PATHLIB = ["inspect", "ast", "pickle", "urllib.parse", "ipaddress", "dis", "tokenize"]


def _page(tmp_path: Path, mode: str) -> tuple[dict, str]:
    env = {
        **os.environ,
        "DRYNEEDLE_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path),
        "FORCE_COLOR": "1",
        "COLUMNS": "100",
    }
    for name in ("NO_COLOR", "DRYNEEDLE_LANG", "DRYNEEDLE_CLINIC", "TERM"):
        env.pop(name, None)
    run = [sys.executable, "-c", PAGE, mode]
    subprocess.run([*run, "-"], capture_output=True, env=env, timeout=120)  # builds the cache
    proc = subprocess.run([*run, "-"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    page = subprocess.run([*run, "page"], capture_output=True, text=True, env=env, timeout=120)
    return result, page.stdout.rsplit("\n", 2)[0]  # without the last line: the JSON above


def test_a_page_on_a_terminal_imports_none_of_the_deferred_modules(tmp_path):
    """Rich without inspect, ast and pickle, pathlib without urllib.parse: the same page, byte
    for byte, as with nothing deferred; and the check can fail (with nothing deferred they
    are imported)."""
    lazy, lazy_page = _page(tmp_path, "on")
    assert lazy == {"code": 0, "imported": []}
    eager, eager_page = _page(tmp_path, "off")
    assert eager["code"] == 0 and set(eager["imported"]) == set(RICH_AND_PATHLIB)
    assert "\x1b[" in lazy_page and "Neck pain" in lazy_page
    assert lazy_page == eager_page


def test_what_rich_and_pathlib_bound_works_when_used():
    """Each stand-in Rich and pathlib kept resolves to the real thing when used: a dataclass
    without a docstring (inspect), a markup tag's handler arguments (ast), a style's metadata
    (pickle), a path as a URI (urllib.parse)."""
    code = r"""
import sys
from dryneedle_cli import deferred
deferred.load("pathlib", "pathlib")
deferred.load("rich", "rich.console")
import pathlib, dataclasses, rich.style, rich.markup
assert not deferred.loaded("inspect") and not deferred.loaded("urllib.parse")
assert isinstance(dataclasses.inspect, deferred.Deferred)
@dataclasses.dataclass
class Point:
    x: int
    y: int = 0
assert Point.__doc__ == "Point(x: int, y: int = 0)", Point.__doc__
assert dataclasses.inspect.signature is deferred.loaded("inspect").signature
assert rich.style.Style(meta={"id": 7}).meta == {"id": 7}
text = rich.markup.render("[@click=go(1, 'two')]x[/]")
assert text.spans[0].style.meta == {"@click": ("go", (1, "two"))}, text.spans
assert pathlib.Path("/a b/ç").as_uri() == "file:///a%20b/%C3%A7"
import urllib.parse
assert urllib.parse.quote_from_bytes is not pathlib.urlquote_from_bytes
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_a_rich_that_needs_a_deferred_module_at_import_still_imports():
    """If a later Rich used a deferred name at import in a way a stand-in cannot serve,
    ``load`` imports it again without the stand-ins, and it holds the real names."""
    # ``from pickle import dumps`` fails while Rich is imported
    code = (
        _refusing("rich", "pickle", "dumps")
        + r"""
deferred.load("rich", "rich.console")
import pickle, rich.style, rich.console
print(rich.style.dumps is pickle.dumps, rich.console.Console is not None)
"""
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "True True", proc.stderr
