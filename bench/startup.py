"""Start-up benchmark: each case as a real process, alternating with a bare interpreter.

    python bench/startup.py [--runs 15] [--quick]

Prints the median wall time of each case and its ratio to ``python -c pass`` (the ratio, not
the time, is what compares across machines), then the ratio of 1,000 queries in one run
(``explain - --json``) to one ``explain neck``, and the peak memory of ``explain neck``.
Runs use the installed ``dryneedle``, with stdout to a pipe unless the case sets FORCE_COLOR.

Last, ``explain neck`` with a clinic folder of condition files (``DRYNEEDLE_CONTENT_DIR``)
against the same without it: 1,000 and 10,000 files with a warm cache, and 1,000 files cold
(the first run after a change: one file is rewritten before each timed run, so the cache misses).
``--quick`` leaves those out.

Run it on an installed wheel, not an editable checkout (with PYTHONDONTWRITEBYTECODE set, a
checkout recompiles every module on every run):

    pip wheel --no-deps -w /tmp/w . && python -m venv /tmp/v && /tmp/v/bin/pip install /tmp/w/*.whl
    PATH=/tmp/v/bin:$PATH /tmp/v/bin/python bench/startup.py

Targets: explain neck piped <= 5.5x (aim 4.5x); on a terminal <= 8x; --help <= 5x;
1,000 queries <= 3x one query; peak memory <= 40 MiB; 1,000 clinic files <= 1.2x;
10,000 clinic files (warm) <= 1.5x; 1,000 clinic files cold <= 3x.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = [
    ("explain neck (piped)", ["explain", "neck"], {}),
    ("explain neck (terminal)", ["explain", "neck"], {"FORCE_COLOR": "1", "COLUMNS": "100"}),
    ("explain neck --lang es", ["explain", "neck", "--lang", "es"], {}),
    ("conditions --json", ["conditions", "--json"], {}),
    ("--help", ["--help"], {}),
]
QUERIES = ("\n".join(["neck", "M77.1", "nekc", "tennis elbow", "LTR"] * 200) + "\n").encode()


def _time(cmd: list[str], env: dict[str, str], stdin: bytes | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


CLINIC_CONDITION = """\
id: clinic-{n:04d}
reviewed_on: 2026-11-01
reviewed_by: Benchmark clinic
references: [chys-2023]
name: Clinic condition {n}
clinical_name: Clinic condition {n}
aliases: [clinic alias {n}]
icd10: [M79.1]
region: neck
summary: This page tells you about clinic condition {n}.
description: {{refs: [chys-2023], text: A condition only this clinic describes.}}
how_it_may_help: {{refs: [chys-2023], text: The needle aims at tight spots.}}
risks: {{refs: [chys-2023], text: Mild soreness is common.}}
evidence: {{strength: limited, refs: [chys-2023], text: Evidence is limited.}}
"""


def clinic_folder(root: Path, count: int = 1000) -> Path:
    folder = root / "conditions"
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"clinic-{n:04d}.yaml").write_text(CLINIC_CONDITION.format(n=n))
    return root


def _peak_mib(cmd: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of one run, measured in a fresh child that only runs it."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], env=env, capture_output=True)
    return int(out.stdout) / 1024  # ru_maxrss is in KiB on Linux


def _clinic_case(exe: str, env: dict[str, str], runs: int, count: int, cold: bool) -> None:
    """``explain neck`` with a clinic folder of ``count`` condition files against without it;
    ``cold``: one clinic file is rewritten before each timed run, so every run rebuilds."""
    with tempfile.TemporaryDirectory() as tmp:
        clinic = clinic_folder(Path(tmp), count)
        with_env = {**env, "DRYNEEDLE_CONTENT_DIR": str(clinic)}
        # builds the cache once; a skipped file would leave the cache unwritten (every run cold)
        first = subprocess.run([exe, "explain", "neck"], env=with_env, capture_output=True)
        if first.returncode or first.stderr:
            raise SystemExit(f"the benchmark's clinic folder is not clean: {first.stderr[:300]!r}")
        changed = clinic / "conditions" / "clinic-0000.yaml"
        original = changed.read_text()
        plain, big = [], []
        for n in range(runs):
            plain.append(_time([exe, "explain", "neck"], env))
            if cold:
                changed.write_text(original.replace("Evidence is limited.", f"Limited ({n})."))
            big.append(_time([exe, "explain", "neck"], with_env))
        p, b = statistics.median(plain), statistics.median(big)
        name = f"explain neck + {count:,} files{' cold' if cold else ''}"
        print(f"{name:28} {b * 1000:9.1f} {p * 1000:8.1f} {b / p:5.2f}x without")


def main() -> int:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15
    exe = shutil.which("dryneedle")
    if exe is None:
        print("dryneedle is not installed in this environment", file=sys.stderr)
        return 1
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    bare = [sys.executable, "-c", "pass"]
    print(f"{'case':28} {'median ms':>9} {'bare ms':>8} {'ratio':>6}")
    medians = {}
    for name, args, extra in CASES:
        case_env = {**env, **extra}
        _time([exe, *args], case_env)  # warm the file cache and the content cache
        ours, base = [], []
        for _ in range(runs):
            ours.append(_time([exe, *args], case_env))
            base.append(_time(bare, env))
        m, b = statistics.median(ours), statistics.median(base)
        medians[name] = m
        print(f"{name:28} {m * 1000:9.1f} {b * 1000:8.1f} {m / b:5.1f}x")
    many = statistics.median(
        _time([exe, "explain", "-", "--json"], env, QUERIES) for _ in range(max(3, runs // 3))
    )
    one = medians["explain neck (piped)"]
    print(
        f"{'1,000 queries (explain -)':28} {many * 1000:9.1f} {'':8} {many / one:5.1f}x one query"
    )
    print(f"peak memory of explain neck: {_peak_mib([exe, 'explain', 'neck'], env):.1f} MiB")
    if "--quick" in sys.argv:  # no clinic folders
        return 0
    for count in (1000, 10_000):
        _clinic_case(exe, env, runs, count, cold=False)
    _clinic_case(exe, env, runs, 1000, cold=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
