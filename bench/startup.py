"""Start-up benchmark: each case as a real process on an installed wheel, paired with a bare
interpreter in the same round.

    python bench/startup.py [--rounds 21] [--wheel dist/dryneedle-*.whl] [--quick] [--only-startup]
                            [--against another-dryneedle.whl]

Without ``--wheel`` it builds one from this checkout (``pip wheel --no-deps``); either way it
installs the wheel into a scratch venv (the dependencies are the running interpreter's, through
a .pth file, so nothing is downloaded) and times that venv's ``dryneedle`` against that venv's
own ``python -c pass``. An editable checkout is not what users run, so it is not measured.

The machine may be loaded, so the ratio that counts is CPU time (user+sys of the child, from
``wait4``) of a case divided by the CPU time of the bare interpreter run just before it in the
same round; wall ratios are printed too. Each cell is the median [min-max] over the rounds,
after two warm-up rounds (the content cache and the page cache are warm). Cases run with empty
XDG config and cache folders (no clinic profile) and stdout a pipe; "terminal" is
``FORCE_COLOR=1 COLUMNS=100`` (Rich output, still into a pipe, so no pager).

With ``--against`` another wheel (say, main's) is installed in a second venv and run in the
same rounds, and each case's CPU time is also given as a ratio to that wheel's.

Targets (CPU ratio to bare): ``explain neck`` piped <= 5x (aim 4.5x); on a terminal <= 7.5x;
``--help`` <= 5x.

Then, unless ``--only-startup``: 1,000 queries in one run (``explain - --json``) against one
``explain neck`` (target <= 3x), the peak memory of ``explain neck`` (<= 40 MiB), and, unless
``--quick``, ``explain neck`` with a clinic folder of condition files
(``DRYNEEDLE_CONTENT_DIR``) against the same without it: 1,000 and 10,000 files with a warm
cache (<= 1.2x, <= 1.5x), and 1,000 files cold (the first run after a change: one file is
rewritten before each timed run, so the cache misses; <= 3x). These are wall-time ratios.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TERMINAL = {"FORCE_COLOR": "1", "COLUMNS": "100"}
# (name, arguments, extra environment, target CPU ratio to bare or None)
CASES = [
    ("explain neck, piped", ["explain", "neck"], {}, 5.0),
    ("explain neck, terminal", ["explain", "neck"], TERMINAL, 7.5),
    ("--help", ["--help"], {}, 5.0),
    ("explain neck --lang es", ["explain", "neck", "--lang", "es"], {}, None),
    ("explain neck --json", ["explain", "neck", "--json"], {}, None),
    ("conditions --json", ["conditions", "--json"], {}, None),
    ("aftercare --area neck", ["aftercare", "--area", "neck"], {}, None),
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


def _options():
    import argparse

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", "--runs", type=int, default=21, help="rounds (default 21)")
    parser.add_argument("--wheel", help="time this wheel (default: build one of the checkout)")
    parser.add_argument("--against", help="another wheel, run in the same rounds")
    parser.add_argument("--only-startup", action="store_true", help="the start-up table only")
    parser.add_argument("--quick", action="store_true", help="no clinic-folder cases")
    return parser.parse_args()


def _cpu_run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run, its stdout a pipe read to the end."""
    read, write = os.pipe()
    start = time.perf_counter()
    pid = os.posix_spawn(
        cmd[0],
        cmd,
        env,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, write, 1),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_CLOSE, read),
        ],
    )
    os.close(write)
    while os.read(read, 65536):
        pass
    os.close(read)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: nothing found (a page not translated, with --lang)
        raise SystemExit(f"{' '.join(cmd)} failed (exit {code})")
    return usage.ru_utime + usage.ru_stime, wall


def scratch_venv(root: Path, wheel: str | None, name: str = "venv") -> Path:
    """A venv in ``root`` with the wheel installed (built from this checkout if not given);
    its ``bin`` folder."""
    here = Path(__file__).resolve().parent.parent
    if wheel is None:
        out = root / "dist"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
            + ["-w", str(out), str(here)],
            check=True,
        )
        (wheel,) = (str(w) for w in out.glob("dryneedle-*.whl"))
    venv = root / name
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", wheel],
        check=True,
    )
    site = subprocess.check_output(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
    ).strip()
    # the dependencies: this interpreter's site-packages as a plain path (its own .pth files,
    # such as an editable install of this checkout, are not run)
    deps = subprocess.check_output(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True,
    ).strip()
    (Path(site) / "dryneedle-bench-deps.pth").write_text(deps + "\n")
    return venv / "bin"


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values):5.2f}x [{min(values):.2f}-{max(values):.2f}]"


def startup(
    bin_dir: Path, env: dict[str, str], rounds: int, other: Path | None = None
) -> dict[str, float]:
    """The start-up table: each case's CPU and wall ratio to bare, paired within rounds; with
    ``other`` (the bin folder of another wheel's venv), also this wheel's CPU time over the
    other's, run in the same rounds."""
    exe = str(bin_dir / "dryneedle")
    bare = [str(bin_dir / "python"), "-c", "pass"]
    cpu: dict[str, list[float]] = {name: [] for name, *_ in CASES}
    wall: dict[str, list[float]] = {name: [] for name, *_ in CASES}
    ms: dict[str, list[float]] = {name: [] for name, *_ in CASES}
    bare_ms: list[float] = []
    against: dict[str, list[float]] = {name: [] for name, *_ in CASES}
    for n in range(rounds + 2):  # two warm-up rounds
        for name, args, extra, _ in CASES:
            base_cpu, base_wall = _cpu_run(bare, env)
            ours_cpu, ours_wall = _cpu_run([exe, *args], {**env, **extra})
            if other is not None:
                theirs, _ = _cpu_run([str(other / "dryneedle"), *args], {**env, **extra})
                if n >= 2:
                    against[name].append(ours_cpu / theirs)
            if n >= 2:
                cpu[name].append(ours_cpu / base_cpu)
                wall[name].append(ours_wall / base_wall)
                ms[name].append(ours_cpu * 1000)
                bare_ms.append(base_cpu * 1000)
    print(
        f"python {sys.version.split()[0]}, {rounds} rounds, bare python -c pass: "
        f"{statistics.median(bare_ms):.1f} ms CPU (median)"
    )
    print(f"{'case':24} {'cpu ratio median [range]':26} {'wall ratio':24} {'cpu ms':>7} target")
    medians = {}
    for name, _, _, target in CASES:
        medians[name] = statistics.median(cpu[name])
        verdict = ""
        if target is not None:
            verdict = f"<= {target}x: {'met' if medians[name] <= target else 'NOT met'}"
        print(
            f"{name:24} {_cell(cpu[name]):26} {_cell(wall[name]):24} "
            f"{statistics.median(ms[name]):7.1f} {verdict}"
        )
    if other is not None:
        print("this wheel's CPU time over the other wheel's (--against), same rounds:")
        for name, *_ in CASES:
            print(f"  {name:24} {_cell(against[name]).replace('x [', ' [')}")
    print("commands (each against the same venv's `python -c pass`, stdout a pipe):")
    for name, args, extra, _ in CASES:
        prefix = "".join(f"{k}={v} " for k, v in extra.items())
        print(f"  {name:24} {prefix}dryneedle {' '.join(args)}")
    return medians


def run_env(root: Path, bin_dir: Path) -> dict[str, str]:
    """The environment every case runs in: empty config and cache folders in ``root`` (no
    clinic profile), the wheel's venv first on PATH, and only PATH, LANG, LC_ALL and TMPDIR
    kept of this process's environment."""
    for folder in ("config", "cache"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    keep = {"PATH", "LANG", "LC_ALL", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(root),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_CACHE_HOME=str(root / "cache"),
        PATH=f"{bin_dir}:{env.get('PATH', '/usr/bin:/bin')}",
    )
    return env


def main() -> int:
    options = _options()
    rounds = options.rounds
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bin_dir = scratch_venv(root, options.wheel)
        other = scratch_venv(root, options.against, "other") if options.against else None
        exe = str(bin_dir / "dryneedle")
        env = run_env(root, bin_dir)
        startup(bin_dir, env, rounds, other)
        if options.only_startup:
            return 0
        runs = max(5, rounds // 2)
        one = statistics.median(_time([exe, "explain", "neck"], env) for _ in range(runs))
        many = statistics.median(
            _time([exe, "explain", "-", "--json"], env, QUERIES) for _ in range(max(3, runs // 3))
        )
        print(f"1,000 queries (explain - --json): {many / one:5.1f}x one explain neck (wall)")
        peak = _peak_mib([exe, "explain", "neck"], env)
        print(f"peak memory of explain neck: {peak:.1f} MiB")
        if options.quick:  # no clinic folders
            return 0
        print(f"{'case':28} {'median ms':>9} {'without':>8} ratio (wall)")
        for count in (1000, 10_000):
            _clinic_case(exe, env, runs, count, cold=False)
        _clinic_case(exe, env, runs, 1000, cold=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
