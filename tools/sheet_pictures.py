"""Write docs/sheets/*.png: page 1 of each sheet kind (aftercare, prepare) at normal size and in
large print, both pages of the consent form and the screening form (with the options that
docs/clinic-guide.md's "Screening and consent" shows), as the example clinic
(docs/example/clinic.yaml) prints them; and the README's docs/aftercare-sheet.png. Every other
PNG in docs/sheets/ is removed. Needs pdftoppm (poppler-utils).

``--after`` writes docs/sheets/after/ instead: every page, at 50 dpi, of the materials
docs/pemat.md scores (no clinic profile, as the raters saw them), and of three variants
(aftercare in Spanish, consent in French, prepare in large print). docs/sheets/before/ is
never touched: it holds the pages the outside raters scored.

Run: python tools/sheet_pictures.py [--after]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SHEETS = DOCS / "sheets"
PROFILE = DOCS / "example" / "clinic.yaml"
PATIENT = ["--patient", "Zoë Nguyễn", "--clinician", "Sam Okafor, PT", "--date", "2026-11-23"]
CONSENT = ["--area", "neck", "--area", "upper back", "--copies", "2"]
PICTURES = {
    # name: (sheet, options, resolution[, page of the PDF, 1 when not given])
    "aftercare-letter": ("aftercare", ["--area", "neck", "--area", "low back",
                                       "--next-visit", "Tue 1 Dec, 10:00",
                                       "--note", "Heat pack on the low back tonight, 15 minutes."],
                         60),
    "aftercare-large-print": ("aftercare", ["--area", "neck", "--large-print"], 60),
    "aftercare-es": ("aftercare", ["--area", "neck", "--lang", "es",
                                   "--next-visit", "mar 1 dic, 10:00"], 60),
    "prepare-a4": ("prepare", ["--area", "knee", "--paper", "a4",
                               "--next-visit", "Thu 3 Dec, 14:15"], 60),
    "prepare-large-print": ("prepare", ["--area", "knee", "--large-print"], 60),
    "consent-1": ("consent", CONSENT, 60, 1),
    "consent-2": ("consent", CONSENT, 60, 2),
    "screening": ("screening", ["--area", "neck"], 60),
}  # fmt: skip
AFTER = SHEETS / "after"
SCORED = {
    # name: (sheet, options): the commands of docs/pemat.md, every page
    "aftercare": ("aftercare", ["--area", "neck", "--area", "upper back"]),
    "prepare": ("prepare", ["--area", "low back"]),
    "consent": ("consent", ["--area", "neck"]),
    "screening": ("screening", ["--area", "neck"]),
    "aftercare-es": ("aftercare", ["--area", "neck", "--area", "upper back", "--lang", "es"]),
    "consent-fr": ("consent", ["--area", "neck", "--lang", "fr"]),
    "prepare-large-print": ("prepare", ["--area", "low back", "--large-print"]),
}  # fmt: skip


def every_page(name: str, which: str, options: list[str], dest: Path) -> None:
    """Every page of a sheet made with no clinic profile, as ``dest/NAME-N.png`` at 50 dpi."""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / f"{name}.pdf"
        exe = Path(sys.executable).parent / "dryneedle"
        env = {k: v for k, v in os.environ.items() if k != "DRYNEEDLE_CLINIC"}
        env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")  # no user profile either
        subprocess.run([str(exe), "sheet", which, *options, "-o", str(pdf)], check=True, env=env)
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(pdf), str(Path(tmp) / name)], check=True
        )
        for png in sorted(Path(tmp).glob(f"{name}-*.png")):
            number = int(png.stem.rsplit("-", 1)[1])  # pdftoppm pads: name-01.png
            (dest / f"{name}-{number}.png").write_bytes(png.read_bytes())


def render(name: str, which: str, options: list[str], dpi: int, dest: Path, page=1) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / f"{name}.pdf"
        exe = Path(sys.executable).parent / "dryneedle"
        env = {**os.environ, "DRYNEEDLE_CLINIC": str(PROFILE)}
        subprocess.run(
            [str(exe), "sheet", which, *PATIENT, *options, "-o", str(pdf)], check=True, env=env
        )
        stem = Path(tmp) / name
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
             str(pdf), str(stem)],
            check=True,
        )  # fmt: skip
        dest.write_bytes(stem.with_suffix(".png").read_bytes())


def main() -> None:
    if sys.argv[1:] == ["--after"]:
        AFTER.mkdir(parents=True, exist_ok=True)
        for old in AFTER.glob("*.png"):
            old.unlink()
        for name, (which, options) in SCORED.items():
            every_page(name, which, options, AFTER)
        return
    SHEETS.mkdir(exist_ok=True)
    for old in SHEETS.glob("*.png"):
        old.unlink()
    for name, (which, options, dpi, *page) in PICTURES.items():
        render(name, which, options, dpi, SHEETS / f"{name}.png", *page)
    which, options, _ = PICTURES["aftercare-letter"]
    render("readme", which, options, 80, DOCS / "aftercare-sheet.png")


if __name__ == "__main__":
    main()
