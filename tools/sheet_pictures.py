"""Write docs/sheets/*.png: page 1 of each sheet kind (aftercare, prepare) at normal size and in
large print, as the example clinic (docs/example/clinic.yaml) prints them; and the README's
docs/aftercare-sheet.png. Needs pdftoppm (poppler-utils).

Run: python tools/sheet_pictures.py
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
PICTURES = {
    # name: (sheet, options, resolution)
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
}  # fmt: skip


def render(name: str, which: str, options: list[str], dpi: int, dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / f"{name}.pdf"
        exe = Path(sys.executable).parent / "dryneedle"
        env = {**os.environ, "DRYNEEDLE_CLINIC": str(PROFILE)}
        subprocess.run(
            [str(exe), "sheet", which, *PATIENT, *options, "-o", str(pdf)], check=True, env=env
        )
        stem = Path(tmp) / name
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
             str(stem)],
            check=True,
        )  # fmt: skip
        dest.write_bytes(stem.with_suffix(".png").read_bytes())


def main() -> None:
    SHEETS.mkdir(exist_ok=True)
    for old in SHEETS.glob("*.png"):
        old.unlink()
    for name, (which, options, dpi) in PICTURES.items():
        render(name, which, options, dpi, SHEETS / f"{name}.png")
    which, options, _ = PICTURES["aftercare-letter"]
    render("readme", which, options, 80, DOCS / "aftercare-sheet.png")


if __name__ == "__main__":
    main()
