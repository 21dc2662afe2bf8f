"""Batch benchmark: 100 PDF sheets in one batch against one single-sheet run.

    python bench/batch.py [--rows 100] [--runs 3]

Each case runs as a real process of the installed ``dryneedle``; the output goes to a
temporary folder. The target is a ratio of at most 10.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AREAS = ["neck", "low back;hip", "tennis elbow", "heel", "shoulder;upper back;neck"]


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 100
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    exe = shutil.which("dryneedle")
    if exe is None:
        print("dryneedle is not installed in this environment", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = folder / "day.csv"
        lines = ["patient,areas,clinician,next_visit,format"]
        lines += [f"Patient {i} Zoë,{AREAS[i % 5]},Dr Smith,Tue 10:00,pdf" for i in range(rows)]
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        single = [
            exe,
            "sheet",
            "aftercare",
            "--area",
            "neck",
            "--patient",
            "Zoë",
            "--force",
            "-o",
            str(folder / "one.pdf"),
        ]
        _time(single)
        one = statistics.median(_time(single) for _ in range(max(runs, 5)))
        many = []
        for n in range(runs):
            out = folder / f"out{n}"
            many.append(
                _time([exe, "sheet", "aftercare", "--batch", str(csv), "--out-dir", str(out)])
            )
        batch = statistics.median(many)
    print(f"one sheet: {one * 1000:.0f} ms; {rows} sheets in one batch: {batch * 1000:.0f} ms")
    print(f"ratio: {batch / one:.1f}x (target: at most 10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
