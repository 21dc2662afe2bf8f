"""PDF sheet benchmark: CPU time as ratios, paired within rounds (issue 23's targets).

    python bench/sheet.py [--rounds 5] [--rows 100] [--wheel dist/dryneedle-*.whl | --build]

Run it with the interpreter of an environment where the wheel is installed (its ``dryneedle``
is found beside ``sys.executable``), or give ``--wheel`` (or ``--build``: a wheel of this
checkout) to install it in a scratch venv first, as ``bench/startup.py`` does. Each round
runs, one after the other: the bare interpreter (``python -c pass``), one aftercare sheet as
PDF, and a batch of ``--rows`` PDF sheets. Times are CPU (user + system, the process and the
workers it reaps), so a machine busy with other work changes them little; each ratio is taken
within a round, then the median and the range over the rounds are shown. Peak memory is the
largest resident set of any one process of the batch (from ``wait4``: the largest of the
process and the children it reaped). The load average is printed before and after, since the
machine may be shared. Targets: one sheet at most 25x the bare interpreter, the batch at most
8x one sheet, at most 100 MiB a process."""

from __future__ import annotations

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


def _arg(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main() -> int:
    rounds, rows = _arg("--rounds", 5), _arg("--rows", 100)
    if "--wheel" in sys.argv or "--build" in sys.argv:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from startup import scratch_venv

        wheel = sys.argv[sys.argv.index("--wheel") + 1] if "--wheel" in sys.argv else None
        with tempfile.TemporaryDirectory() as root:
            bin_dir = scratch_venv(Path(root), wheel)
            cmd = [str(bin_dir / "python"), __file__, "--rounds", str(rounds), "--rows", str(rows)]
            return subprocess.run(cmd).returncode
    exe = Path(sys.executable).parent / "dryneedle"
    if not exe.exists():
        print(f"no dryneedle beside {sys.executable}: install the wheel there", file=sys.stderr)
        return 1
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "NO_COLOR": "1"}
        env.pop("DRYNEEDLE_CLINIC", None)
        csv = folder / "day.csv"
        lines = ["patient,areas,clinician,next_visit,format"]
        lines += [f"Patient {i} Zoë,{AREAS[i % 5]},Dr Smith,Tue 10:00,pdf" for i in range(rows)]
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        bare = [sys.executable, "-c", "pass"]
        one = [str(exe), "sheet", "aftercare", "--area", "neck", "--patient", "Zoë", "--force"]
        one += ["-o", str(folder / "one.pdf")]
        run(one, env)  # warm the file cache and the bytecode
        rows_out: list[tuple[float, float, float, float]] = []
        for n in range(rounds):
            t_bare, _ = run(bare, env)
            t_one, mem_one = run(one, env)
            batch = [str(exe), "sheet", "aftercare", "--batch", str(csv)]
            t_batch, mem_batch = run([*batch, "--out-dir", str(folder / f"out{n}")], env)
            rows_out.append((t_bare, t_one, t_batch, max(mem_one, mem_batch)))

    def show(values: list[float], fmt: str) -> str:
        return f"{fmt % statistics.median(values)} [{fmt % min(values)}–{fmt % max(values)}]"

    bare_s = [r[0] for r in rows_out]
    one_s = [r[1] for r in rows_out]
    batch_s = [r[2] for r in rows_out]
    load = " ".join(f"{x:.1f}" for x in load_before), " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{rounds} rounds, CPU seconds (user+sys), median [min–max]; ratios paired per round")
    print(f"load average (1, 5, 15 min) before: {load[0]}; after: {load[1]}")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| bare interpreter, s | {show(bare_s, '%.3f')} | |")
    print(f"| one PDF sheet, s | {show(one_s, '%.3f')} | |")
    print(f"| {rows} sheets in a batch, s | {show(batch_s, '%.2f')} | |")
    print(f"| one sheet ÷ bare | {show([o / b for b, o, *_ in rows_out], '%.1fx')} | ≤ 25x |")
    ratio = [t / o for _, o, t, _ in rows_out]
    print(f"| batch ÷ one sheet | {show(ratio, '%.1fx')} | ≤ 8x |")
    print(f"| peak memory a process, MiB | {show([r[3] for r in rows_out], '%.0f')} | ≤ 100 |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
