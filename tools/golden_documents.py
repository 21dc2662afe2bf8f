"""Write every printed sheet and form, and compare two runs byte for byte (a refactoring of the
document renderers must not change one byte).

    .venv/bin/python tools/golden_documents.py /tmp/golden/before          # on the old code
    .venv/bin/python tools/golden_documents.py /tmp/golden/after /tmp/golden/before

Every sheet and form (aftercare, prepare, screening, consent) in en, es and fr, in every
document format; PDF and HTML on Letter and A4, normal and large print; with no profile, or
with docs/example/clinic.yaml, a patient's name (and a next visit and a note on the sheets,
two copies of the consent form); areas neck and low back. 432 runs, each through the CLI
(``python -m dryneedle_cli sheet``), two at a time. ``SRC`` (a folder with ``dryneedle_cli``
and ``data``, e.g. a ``git archive`` of the old commit) runs that code instead of this
checkout's; ``ONLY=pdf,txt`` limits the formats. In a PDF the creation and change dates and the
file ID are left out of the comparison; every other byte counts, and so do the exit code and
what was written on stderr.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("aftercare", "prepare", "screening", "consent")
DOC_AREAS = ("neck", "low back")
PAPERS = (("letter", False), ("a4", False), ("letter", True), ("a4", True))


def jobs(out: Path, only: str) -> list[tuple[str, list[str]]]:
    found = []
    for doc, lang, fmt in itertools.product(DOCS, ("en", "es", "fr"), ("pdf", "html", "md", "txt")):
        if only and fmt not in only.split(","):
            continue
        papers = PAPERS if fmt in ("pdf", "html") else ((None, False),)
        for (paper, large), prof, area in itertools.product(papers, (False, True), DOC_AREAS):
            if not prof and area == "low back" and paper == "a4":
                continue
            name = "-".join(
                (doc, lang, str(paper), "L" if large else "N", "P" if prof else "n", area)
            ).replace(" ", "")
            args = [sys.executable, "-m", "dryneedle_cli", "sheet", doc, "--lang", lang]
            args += ["-f", fmt, "--date", "2026-01-02", "--area", area, "--force"]
            args += ["-o", str(out / f"{name}.{fmt}")]
            if paper:
                args += ["--paper", paper]
            if large:
                args.append("--large-print")
            if prof:
                args += ["--clinic", str(ROOT / "docs/example/clinic.yaml")]
                args += ["--patient", "Zoë Nguyễn"]
                if doc in ("aftercare", "prepare"):
                    args += ["--next-visit", "Friday", "--note", "Walk daily."]
                if doc == "consent":
                    args += ["--copies", "2"]
            found.append((f"{name}.{fmt}", args))
    return found


def normalized(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        data = re.sub(rb"/(CreationDate|ModDate) \([^)]*\)", b"", data)
        data = re.sub(rb"/ID \[<[0-9a-fA-F]*><[0-9a-fA-F]*>\]", b"", data)
    return data


def main(argv: list[str]) -> int:
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp()
    env = {**os.environ, "HOME": home, "DRYNEEDLE_CLINIC": "", "LANG": "C.UTF-8"}
    env["PYTHONPATH"] = os.environ.get("SRC", str(ROOT))

    def run(job: tuple[str, list[str]]) -> int:
        name, args = job
        done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=home)
        told = f"{done.returncode}\n{done.stderr}".replace(str(out), "OUT")
        (out / f"{name}.rc").write_text(told, encoding="utf-8")
        return done.returncode

    todo = jobs(out, os.environ.get("ONLY", ""))
    with ThreadPoolExecutor(2) as pool:
        codes = list(pool.map(run, todo))
    print(f"{len(todo)} runs; {sum(1 for c in codes if c)} with a nonzero exit code")
    if len(argv) < 3:
        return 0
    ref = Path(argv[2])
    names = sorted(p.name for p in ref.iterdir())
    differ = [
        n for n in names if not (out / n).exists() or normalized(out / n) != normalized(ref / n)
    ]
    print(f"{len(names)} files compared; {len(differ)} differ: {differ[:10]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
