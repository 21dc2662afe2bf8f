"""Start-up benchmark: each case as a real process, alternating with a bare interpreter.

    python bench/startup.py [--runs 15]

Prints the median wall time of each case and its ratio to ``python -c pass``. The ratio, not
the absolute time, is the number to compare across machines. Runs use the installed
``dryneedle`` entry point, stdout to a pipe (as in a script) unless the case sets FORCE_COLOR.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time

CASES = [
    ("explain neck (piped)", ["explain", "neck"], {}),
    ("explain neck (terminal)", ["explain", "neck"], {"FORCE_COLOR": "1", "COLUMNS": "100"}),
    ("conditions --json", ["conditions", "--json"], {}),
    ("--help", ["--help"], {}),
]


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def main() -> int:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15
    exe = shutil.which("dryneedle")
    if exe is None:
        print("dryneedle is not installed in this environment", file=sys.stderr)
        return 1
    base_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    bare = [sys.executable, "-c", "pass"]
    print(f"{'case':28} {'median ms':>9} {'bare ms':>8} {'ratio':>6}")
    for name, args, extra in CASES:
        env = {**base_env, **extra}
        _time([exe, *args], env)  # warm the file cache and the content cache
        ours, base = [], []
        for _ in range(runs):
            ours.append(_time([exe, *args], env))
            base.append(_time(bare, base_env))
        m, b = statistics.median(ours), statistics.median(base)
        print(f"{name:28} {m * 1000:9.1f} {b * 1000:8.1f} {m / b:5.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
