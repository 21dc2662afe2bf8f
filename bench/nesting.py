"""Hostile-nesting benchmark: how long refusing a deeply nested knowledge file takes.

    python bench/nesting.py [--depth 60000] [--runs 3]

Each document is nested ``--depth`` levels in one of several YAML styles (flow brackets, flow
mappings, block sequences ...), or holds many values, and is parsed in a fresh interpreter with
the C loader and with the pure-Python one (the fallback when PyYAML has no libyaml), as
``tests/test_hostile_content.py`` does. Prints the median seconds of ``parse`` and the peak
memory of each case. The target is at most 3 s and 100 MiB a file: the shape check stops at the
first problem, so a hostile file costs no more than its first 64 levels.

The tests check that every case is refused with a content error and stays under 100 MiB; the
time is measured here, not asserted there (a shared or slow machine is not a bug).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import sys, time
import yaml
if sys.argv[2] == "pure":
    del yaml.CSafeLoader
from pathlib import Path
from dryneedle_cli.errors import ContentError
from dryneedle_cli.content.yamlfile import parse
path = Path(sys.argv[1])
start = time.perf_counter()
try:
    parse(path)
except ContentError:
    pass
print(time.perf_counter() - start)
print(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
"""


def documents(depth: int) -> dict[str, str]:
    """The same styles as tests/test_hostile_content.py's F14 cases."""
    return {
        "flow-brackets": "id: x\naliases: " + "[" * depth + "]" * depth + "\n",
        "flow-mappings": "id: x\naliases: " + "{a: " * min(depth, 45_000) + "1"
        + "}" * min(depth, 45_000) + "\n",
        "block-sequence": "id: x\naliases:\n" + "- " * depth + "x\n",
        "block-mapping": "id: x\nsections:\n"
        + "\n".join("  " + " " * i + "a:" for i in range(min(depth, 700))) + " 1\n",
        "mixed": "id: x\naliases: " + "- [{a: " * (depth // 3) + "\n",
        "anchored": "id: x\naliases: &a " + "[&b " * min(depth, 50_000)
        + "]" * min(depth, 50_000) + "\n",
        "tagged": "id: x\naliases: " + "!!seq [" * min(depth, 30_000)
        + "]" * min(depth, 30_000) + "\n",
        "many-values": "a: [" + ",".join(["[" * 20 + "1" + "]" * 20] * 5000) + "]\n",
    }  # fmt: skip


def measure(path: Path, loader: str) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), loader],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seconds, kib = done.stdout.split()
    return float(seconds), int(kib) / 1024


def main() -> int:
    depth = int(sys.argv[sys.argv.index("--depth") + 1]) if "--depth" in sys.argv else 60_000
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    worst = 0.0
    print(f"{'case':<28} {'seconds':>8} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for style, text in documents(depth).items():
            path = Path(tmp) / "conditions" / f"{style}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text)
            for loader in ("c", "pure"):
                got = [measure(path, loader) for _ in range(runs)]
                seconds = statistics.median(s for s, _ in got)
                mib = max(m for _, m in got)
                worst = max(worst, seconds)
                print(f"{style + ' (' + loader + ')':<28} {seconds:8.3f} {mib:9.1f}")
    print(f"slowest: {worst:.3f} s (target: at most 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
