"""Start-up counted in instructions: each case of ``bench/startup.py`` run once under valgrind
(``cachegrind``, no cache simulation) on an installed wheel, against the same venv's bare
``python -c pass``.

    python bench/instructions.py [--wheel dist/dryneedle-*.whl] [--against another.whl]

CPU time on a shared machine moves by a third from run to run; the number of instructions a
run executes moves by less than a hundredth, so a change of 2% is seen in one run. It is not
the time a user waits (it leaves out the kernel's work: starting the process, mapping files,
faults), so a ratio here is higher than ``bench/startup.py``'s CPU ratio for the same case;
use it to compare two wheels, and ``bench/startup.py`` for the targets.

Each case is run once to warm the content cache, then counted. Needs valgrind (Debian's
``valgrind`` package); ``PYTHONHASHSEED=0`` keeps the interpreter's hashing the same between
runs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import CASES, run_env, scratch_venv  # noqa: E402


def instructions(cmd: list[str], env: dict[str, str]) -> int:
    """The instructions one run of ``cmd`` executes (valgrind's "I refs")."""
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        + cmd,
        env={**env, "PYTHONHASHSEED": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if not found:
        raise SystemExit(f"valgrind gave no count for {' '.join(cmd)}: {done.stderr[-300:]}")
    return int(found.group(1).replace(",", ""))


def count(bin_dir: Path, env: dict[str, str]) -> tuple[int, dict[str, int]]:
    """The bare interpreter's count and each case's."""
    bare = instructions([str(bin_dir / "python"), "-c", "pass"], env)
    cases = {}
    for name, args, extra, _ in CASES:
        cmd = [str(bin_dir / "dryneedle"), *args]
        instructions(cmd, {**env, **extra})  # the content cache warmed
        cases[name] = instructions(cmd, {**env, **extra})
    return bare, cases


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--wheel", help="count this wheel (default: build one of the checkout)")
    parser.add_argument("--against", help="another wheel, counted the same way")
    options = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bin_dir = scratch_venv(root, options.wheel)
        ours = count(bin_dir, run_env(root, bin_dir))
        if options.against:
            other = scratch_venv(root, options.against, "other")
            theirs = count(other, run_env(root / "against", other))
        else:
            theirs = None
    bare, cases = ours
    print(f"bare python -c pass: {bare / 1e6:.1f} M instructions")
    print(f"{'case':24} {'M instr.':>9} {'÷ bare':>7}" + ("  ÷ --against" if theirs else ""))
    for name, value in cases.items():
        line = f"{name:24} {value / 1e6:9.1f} {value / bare:6.2f}x"
        if theirs:
            line += f"  {value / theirs[1][name]:.3f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
