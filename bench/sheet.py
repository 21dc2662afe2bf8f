"""PDF sheet benchmark: CPU time as ratios, paired within rounds (issue 23's targets).

    python bench/sheet.py [--rounds 5] [--rows 100] [--wheel W.whl | --build] [--against M.whl]

Without ``--wheel`` or ``--build`` it times the ``dryneedle`` beside ``sys.executable`` (run it
with the interpreter of an environment where dryneedle is installed). ``--wheel`` (or
``--build``: a wheel of this checkout) installs that wheel in a scratch venv first, as
``bench/startup.py`` does; ``--against`` installs another wheel (say, main's) in a second
scratch venv and runs it in the same rounds, so a change is measured against the code before
it under the same load. Installing needs no network: the dependencies are this interpreter's.

Each round runs, one after the other: the bare interpreter (``python -c pass``), one aftercare
sheet as PDF, and a batch of ``--rows`` PDF sheets (and the same two with the other wheel).
Times are CPU (user + system, the process and the workers it reaps), so a machine busy with
other work changes them little; each ratio is taken within a round, then the median and the
range over the rounds are shown. Peak memory is the largest resident set of any one process of
the batch (from ``wait4``: the largest of the process and the children it reaped). The load
average is printed before and after, since the machine may be shared. One untimed run first
warms the file cache and writes the bytecode (``PYTHONDONTWRITEBYTECODE`` is dropped from the
children's environment: with it, an editable checkout compiles every module of its own on
every run, which no installed copy does). Targets: one sheet at most 25x the bare
interpreter, the batch at most 8x one sheet, at most 100 MiB a process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

AREAS = ["neck", "low back;hip", "tennis elbow", "heel", "shoulder;upper back;neck"]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, peak resident MiB) of one process and the children it waited for."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--rows", type=int, default=100, help="rows of the batch (default 100)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--wheel", help="time this wheel, installed in a scratch venv")
    which.add_argument("--build", action="store_true", help="time a wheel of this checkout")
    parser.add_argument("--against", metavar="WHEEL", help="another wheel, in the same rounds")
    return parser.parse_args(argv)


def _show(values: list[float], fmt: str) -> str:
    return f"{fmt % statistics.median(values)} [{fmt % min(values)}–{fmt % max(values)}]"


class Case:
    """One installed dryneedle: its bin folder, its commands and what they measured."""

    def __init__(self, bin_dir: Path, folder: Path, csv: Path, tag: str):
        exe = str(bin_dir / "dryneedle")
        self.bare = [str(bin_dir / "python"), "-c", "pass"]
        self.one = [exe, "sheet", "aftercare", "--area", "neck", "--patient", "Zoë", "--force"]
        self.one += ["-o", str(folder / f"one-{tag}.pdf")]
        self.batch = [exe, "sheet", "aftercare", "--batch", str(csv), "--force"]
        self.folder, self.tag = folder, tag
        self.rows: list[tuple[float, float, float, float]] = []  # bare, one, batch, MiB

    def round(self, n: int, env: dict[str, str]) -> None:
        t_bare, _ = run(self.bare, env)
        t_one, mem_one = run(self.one, env)
        out = ["--out-dir", str(self.folder / f"out-{self.tag}-{n}")]
        t_batch, mem_batch = run([*self.batch, *out], env)
        self.rows.append((t_bare, t_one, t_batch, max(mem_one, mem_batch)))


def measure(bin_dir: Path, other: Path | None, rounds: int, rows: int) -> int:
    if not (bin_dir / "dryneedle").exists():
        print(f"no dryneedle in {bin_dir}: install the wheel there", file=sys.stderr)
        return 1
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "NO_COLOR": "1"}
        for name in ("DRYNEEDLE_CLINIC", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        csv = folder / "day.csv"
        lines = ["patient,areas,clinician,next_visit,format"]
        lines += [f"Patient {i} Zoë,{AREAS[i % 5]},Dr Smith,Tue 10:00,pdf" for i in range(rows)]
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cases = [Case(bin_dir, folder, csv, "this")]
        if other is not None:
            cases.append(Case(other, folder, csv, "other"))
        for case in cases:
            run(case.one, env)  # warm the file cache and the bytecode
        for n in range(rounds):
            for case in cases:
                case.round(n, env)
    load = " ".join(f"{x:.1f}" for x in load_before), " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{rounds} rounds, CPU seconds (user+sys), median [min–max]; ratios paired per round")
    print(f"load average (1, 5, 15 min) before: {load[0]}; after: {load[1]}")
    heads = ["this"] + (["other (--against)"] if other is not None else [])
    print(f"| measure | {' | '.join(heads)} | target |")
    print("|---|" + "---|" * len(heads) + "---|")

    def line(label: str, cell, target: str = "") -> None:
        print(f"| {label} | {' | '.join(cell(c.rows) for c in cases)} | {target} |")

    line("bare interpreter, s", lambda r: _show([x[0] for x in r], "%.3f"))
    line("one PDF sheet, s", lambda r: _show([x[1] for x in r], "%.3f"))
    line(f"{rows} sheets in a batch, s", lambda r: _show([x[2] for x in r], "%.2f"))
    line("one sheet ÷ bare", lambda r: _show([x[1] / x[0] for x in r], "%.1fx"), "≤ 25x")
    line("batch ÷ one sheet", lambda r: _show([x[2] / x[1] for x in r], "%.1fx"), "≤ 8x")
    line("peak memory a process, MiB", lambda r: _show([x[3] for x in r], "%.0f"), "≤ 100")
    if other is not None:
        ours, theirs = cases[0].rows, cases[1].rows
        print("this wheel's CPU time over the other's, same rounds:")
        for i, label in ((1, "one PDF sheet"), (2, f"{rows} sheets in a batch")):
            ratio = [a[i] / b[i] for a, b in zip(ours, theirs, strict=True)]
            print(f"  {label}: {_show(ratio, '%.2f')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    if not (options.wheel or options.build or options.against):
        return measure(Path(sys.executable).parent, None, options.rounds, options.rows)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from startup import scratch_venv

    with tempfile.TemporaryDirectory() as root:
        if options.wheel or options.build:
            bin_dir = scratch_venv(Path(root), options.wheel)
        else:
            bin_dir = Path(sys.executable).parent
        other = scratch_venv(Path(root), options.against, "other") if options.against else None
        return measure(bin_dir, other, options.rounds, options.rows)


if __name__ == "__main__":
    raise SystemExit(main())
