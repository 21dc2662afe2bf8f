"""fpdf2 imported without what a plain sheet never uses (render/deferred.py).

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
from dryneedle_cli.render import deferred
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
from dryneedle_cli.render import fonts, deferred
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


def test_an_fpdf2_that_needs_a_deferred_module_at_import_still_imports():
    """If a later fpdf2 used a deferred module at import in a way a stand-in cannot serve,
    fpdf2 is imported again without the stand-ins."""
    code = r"""
import sys
from dryneedle_cli.render import deferred
real = deferred._stand_ins
def broken():  # ``from unittest.mock import patch`` fails while fpdf2 is imported
    stand_ins = real()
    for s in stand_ins:
        if s.__name__ == "unittest.mock":
            s.__dict__["_deferred_names"] = {}
            s.__dict__["_deferred_refuse"] = frozenset({"patch"})
    return stand_ins
deferred._stand_ins = broken
from dryneedle_cli.render import fonts
import fpdf.sign, unittest.mock
print(fpdf.sign.patch is unittest.mock.patch, isinstance(sys.modules["fpdf"], deferred.Deferred))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "True False", proc.stderr


# in one process (as ``dryneedle serve``): a plain sheet first (fpdf2 imported, Pillow
# deferred), then Pillow imported by someone else, then a sheet with a PNG logo
SERVE = r"""
import hashlib, json, re, sys
from pathlib import Path
from dryneedle_cli.render import deferred
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
