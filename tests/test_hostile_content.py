"""Hostile content (issue 10, content half): one case per line of the hostile-input report.

Every case is named after its report line (``F14``, ``K6`` ...). Parser cases run in a child
process so that a crash (a signal) fails the test instead of killing pytest; FIFO and device
cases run the installed entry point with a timeout, so a hang fails instead of blocking.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.content import cache as kb_cache

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
EXE = str(Path(sys.executable).parent / "dryneedle")
runner = CliRunner()

# --------------------------------------------------------------- F14: the parser cannot crash

DEEP = 60_000  # the C parser segfaults from ~50,000 levels; the pure one hits recursion


def _nested(style: str, depth: int) -> str:
    """A YAML document nested ``depth`` levels deep, in one of several styles."""
    if style == "flow-brackets":
        return "id: x\naliases: " + "[" * depth + "]" * depth + "\n"
    if style == "flow-mappings":  # 5 bytes a level: 45,000 levels (the report's crash: 40,000)
        depth = min(depth, 45_000)
        return "id: x\naliases: " + "{a: " * depth + "1" + "}" * depth + "\n"
    if style == "block-sequence":
        return "id: x\naliases:\n" + "- " * depth + "x\n"
    if style == "block-mapping":  # indentation grows, so the file stays under the size limit
        lines = [" " * i + "a:" for i in range(min(depth, 700))]
        return "id: x\nsections:\n" + "\n".join(" " + line for line in lines) + " 1\n"
    if style == "mixed":
        return "id: x\naliases: " + "- [{a: " * (depth // 3) + "\n"
    if style == "anchored":
        depth = min(depth, 50_000)
        return "id: x\naliases: &a " + "[&b " * depth + "]" * depth + "\n"
    if style == "tagged":
        depth = min(depth, 30_000)
        return "id: x\naliases: " + "!!seq [" * depth + "]" * depth + "\n"
    raise AssertionError(style)


STYLES = [
    "flow-brackets",
    "flow-mappings",
    "block-sequence",
    "block-mapping",
    "mixed",
    "anchored",
    "tagged",
]

_CHILD = textwrap.dedent(
    """
    import sys, time
    import yaml
    if sys.argv[2] == "pure":
        del yaml.CSafeLoader  # the fallback when PyYAML has no libyaml
    from pathlib import Path
    from dryneedle_cli.errors import ContentError
    from dryneedle_cli.content.yamlfile import mark, parse
    path = Path(sys.argv[1])
    start = time.perf_counter()
    try:
        parse(path)
        result = "ok"
    except ContentError as e:
        result = "error " + str(e)
    mark(path, "$.aliases[0]")  # locating must not crash either
    print(result)
    print(time.perf_counter() - start)
    # VmHWM, not ru_maxrss: ru_maxrss keeps the high-water mark of the forked pytest process
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    print(status.split()[0])
    """
)


def parse_in_child(path: Path, loader: str = "c") -> tuple[str, float, float]:
    """(result line, seconds, peak MiB) of parsing ``path`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), loader],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"child died: rc {done.returncode}: {done.stderr[-500:]}"
    result, seconds, kib = done.stdout.splitlines()
    return result, float(seconds), int(kib) / 1024


@pytest.mark.parametrize("loader", ["c", "pure"])
@pytest.mark.parametrize("style", STYLES)
def test_hostile_F14_deep_nesting_is_a_content_error(tmp_path, style, loader):
    path = tmp_path / "conditions" / "x.yaml"
    path.parent.mkdir()
    path.write_text(_nested(style, DEEP))
    assert path.stat().st_size < 256 * 1024
    result, _, mib = parse_in_child(path, loader)
    assert result.startswith(f"error {path}:"), result
    assert mib < 100  # the time it takes is measured by bench/nesting.py, not asserted here


def test_hostile_F14_consult_and_validate_survive(tmp_path):
    clinic = tmp_path / "clinic"
    bad = clinic / "conditions" / "deep.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text(_nested("flow-brackets", DEEP))
    for args in (["explain", "neck"], ["validate", str(clinic)]):
        done = _exe("--content-dir", str(clinic), *args)
        assert done.returncode == (0 if args[0] == "explain" else 3), done.stderr
        said = done.stderr + done.stdout
        assert "Traceback" not in said
        # dryneedle's own message, naming the file and line: its depth check ("nested more
        # than 64 levels"), or, when libyaml stops first (PyYAML 6.0.4 caps nesting itself),
        # dryneedle's wording of a syntax error, never PyYAML's message alone
        line = next(ln for ln in said.splitlines() if f"{bad}:2:" in ln)
        assert "nested more than 64 levels" in line or (
            "YAML syntax error:" in line and "check the indentation and brackets" in line
        ), line


@pytest.mark.parametrize("n", [5, 64])
def test_hostile_F14_nesting_within_the_limit_still_loads(tmp_path, n):
    path = tmp_path / "x.yaml"
    path.write_text("a: " + "[" * (n - 1) + "]" * (n - 1) + "\n")
    assert parse_in_child(path)[0] == "ok"


def test_hostile_F14_many_values_cost_little(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: [" + ",".join(["[" * 20 + "1" + "]" * 20] * 5000) + "]\n")
    result, _, _ = parse_in_child(path)
    assert "more than 20,000 values" in result  # its time: bench/nesting.py


# Flow openers and their closers: any sequence of them nests validly, in any order.
_FLOW = {
    "[": "]",
    "{a: ": "}",
    "!!seq [": "]",
    "!!map {a: ": "}",
    "&x [": "]",
    "{? a: ": "}",
    "[{a: ": "}]",
}
_BLOCK = ["- ", "a:\n", "!!seq\n- "]  # block levels (indented) before the flow part


def _deep_document(block: list[str], flow: list[str], depth: int) -> str:
    """``block`` levels of block YAML, then ``flow`` repeated to ~``depth`` levels, closed."""
    lines, indent = ["id: x", "aliases:"], 1
    for level in block:
        for part in level.splitlines(keepends=True):
            lines.append(" " * indent + part.rstrip("\n"))
        indent += 2
    cycle_open = "".join(flow)
    cycle_close = "".join(_FLOW[o] for o in reversed(flow))
    repeats = max(1, min(depth // len(flow), 240_000 // len(cycle_open + cycle_close)))
    body = cycle_open * repeats + "1" + cycle_close * repeats
    return "\n".join(lines) + " " + body + "\n"


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    block=st.lists(st.sampled_from(_BLOCK), max_size=3),
    flow=st.lists(st.sampled_from(list(_FLOW)), min_size=1, max_size=3),
    depth=st.sampled_from([10, 64, 65, 1000, 60_000, 100_000]),
)
def test_hostile_F14_any_nesting_never_crashes_the_parser(tmp_path, block, flow, depth):
    """Nested YAML of any mix of styles and depths: content or a ContentError, never a signal."""
    path = tmp_path / "x.yaml"
    path.write_text(_deep_document(block, flow, depth))
    result, _, mib = parse_in_child(path)
    assert result == "ok" or result.startswith(f"error {path}"), result
    assert mib < 100


# --------------------------------------------------------------- files that are not files


def _exe(*args: str, timeout: float = 20, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [EXE, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "100", **env},
    )


def _special(path: Path, what: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if what == "fifo":
        os.mkfifo(path)
    elif what == "folder":
        path.mkdir()
    else:
        path.symlink_to(what)


@pytest.mark.parametrize(
    ("case", "where", "what", "says"),
    [
        ("F1-fifo-condition", "conditions/fifo-cond.yaml", "fifo", "is a named pipe (FIFO)"),
        (
            "F2-zero-condition",
            "conditions/zero.yaml",
            "/dev/zero",
            "is a link to a file outside the content folder",
        ),
        (
            "F2-urandom-topic",
            "topics/rand.yaml",
            "/dev/urandom",
            "is a link to a file outside the content folder",
        ),
        ("F3-fifo-labels", "labels.yaml", "fifo", "is a named pipe (FIFO)"),
        (
            "F3-zero-labels",
            "labels.yaml",
            "/dev/zero",
            "is a link to a file outside the content folder",
        ),
        ("F3-fifo-patch", "sheets/aftercare.patch.yaml", "fifo", "is a named pipe (FIFO)"),
        (
            "F2-link-outside",
            "conditions/passwd.yaml",
            "/etc/passwd",
            "is a link to a file outside the content folder",
        ),
        ("F3-folder-labels", "labels.yaml", "folder", "is a folder"),
    ],
)
def test_hostile_special_files_are_refused_with_a_warning(tmp_path, case, where, what, says):
    clinic = tmp_path / "clinic"
    _special(clinic / where, what)
    done = _exe("--content-dir", str(clinic), "explain", "neck")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Neck pain")
    warning = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1 and str(clinic / where) in warning[0], done.stderr
    assert f"skipped: {says}" in warning[0]
    checked = _exe("validate", str(clinic))
    assert checked.returncode == 3 and str(clinic / where) in checked.stdout


@pytest.mark.parametrize(
    ("case", "what", "error"),
    [
        ("F2-device", "/dev/zero", "NotRegular"),
        ("F1-fifo", "fifo", "NotRegular"),
        ("folder", "folder", "NotRegular"),
        ("F2-proc-size-0", "/proc/self/status", "TooLarge"),  # st_size 0, yet not empty
    ],
)
def test_hostile_read_is_regular_and_bounded(tmp_path, case, what, error):
    from dryneedle_cli import safeio

    path = Path(what) if what.startswith("/") else tmp_path / "x"
    if not what.startswith("/"):
        _special(path, what)

    def hung(*_):
        raise TimeoutError("the read blocked")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)  # a FIFO opened without O_NONBLOCK would block here forever
    try:
        with pytest.raises(getattr(safeio, error)):
            safeio.read_limited(path, 16)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_hostile_F1b_completion_with_a_fifo_does_not_hang(tmp_path):
    clinic = tmp_path / "clinic"
    _special(clinic / "conditions" / "fifo.yaml", "fifo")
    done = _exe(
        _DRYNEEDLE_COMPLETE="complete_bash",
        COMP_WORDS="dryneedle explain nec",
        COMP_CWORD="2",
        DRYNEEDLE_CONTENT_DIR=str(clinic),
        timeout=20,
    )
    assert "neck" in done.stdout


@pytest.mark.parametrize("what", ["fifo", "/dev/zero"])
def test_hostile_C13_clinic_profile_that_is_not_a_file(tmp_path, what):
    profile = tmp_path / "clinic.yaml"
    _special(profile, what)
    done = _exe("sheet", "aftercare", "--clinic", str(profile), "-o", str(tmp_path / "a.txt"))
    assert done.returncode == 3, done.stderr
    assert str(profile) in done.stderr and "not a regular file" in done.stderr


@pytest.mark.parametrize(("case", "what"), [("K2-fifo", "fifo"), ("K3-dev-zero", "/dev/zero")])
def test_hostile_cache_file_that_is_not_a_file(tmp_path, case, what):
    cache = tmp_path / "cache"
    first = _exe("explain", "neck", DRYNEEDLE_CACHE_DIR=str(cache))
    assert first.returncode == 0
    (kb,) = cache.glob("kb-*.msgpack")
    kb.unlink()
    _special(kb, what)
    done = _exe("explain", "neck", DRYNEEDLE_CACHE_DIR=str(cache))
    assert done.returncode == 0 and done.stdout == first.stdout


def test_hostile_M2_empty_content_dir_is_not_the_current_folder(tmp_path):
    condition_copy = tmp_path / "conditions" / "neck-pain.yaml"
    condition_copy.parent.mkdir()
    condition_copy.write_text("id: neck-pain\n")  # would be a warning if cwd were a layer
    done = subprocess.run(
        [EXE, "--content-dir", "", "explain", "neck"],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=tmp_path,
    )
    assert done.returncode == 0 and done.stdout.startswith("Neck pain")
    assert done.stderr.strip() == "dryneedle: warning: --content-dir '' is empty; ignored"


# --------------------------------------------------------------- a broken clinic file costs
# --------------------------------------------------------------- only that file


def _run(clinic: Path, *args: str, **env: str):
    return runner.invoke(app, ["--content-dir", str(clinic), *args], env={"COLUMNS": "100", **env})


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _copy(clinic: Path, rel: str, old: str, new: str, count: int = 1) -> Path:
    text = (DATA / rel).read_text()
    assert old in text, (rel, old)
    return _write(clinic / rel, text.replace(old, new, count))


def _hollow_tiers(clinic: Path, change) -> Path:
    """The built-in aftercare with every warning tier kept but emptied by ``change``."""
    import yaml

    doc = yaml.safe_load((DATA / "sheets/aftercare.yaml").read_text())
    doc["sections"] = [
        change({k: v for k, v in s.items() if k != "text"}) if s.get("style") == "warning" else s
        for s in doc["sections"]
    ]
    return _write(clinic / "sheets/aftercare.yaml", yaml.safe_dump(doc, allow_unicode=True))


def _line(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _bad_ref(clinic, rel):
    text = (DATA / rel).read_text()
    key = text.split("refs: [", 1)[1].split("]", 1)[0].split(",")[0]
    return _copy(clinic, rel, f"refs: [{key}", "refs: [no-such-ref")


# Each case: a clinic file that is broken, the commands that must still answer as if it
# were not there, and what the one warning must say.
BROKEN = {
    "F5-condition-bad-ref": (
        lambda c: _bad_ref(c, "conditions/whiplash.yaml"),
        [["explain", "whiplash"], ["explain", "neck"], ["explain", "neck", "--json"]],
        "reference 'no-such-ref'",
    ),
    "F5b-condition-related-missing": (
        lambda c: _copy(c, "conditions/whiplash.yaml", "related: [", "related: [no-such-id, "),
        [["explain", "whiplash"], ["explain", "neck"]],
        "'no-such-id' is not a topic or condition id",
    ),
    "F6-overview-topic-bad-ref": (
        lambda c: _bad_ref(c, "topics/what-is-dry-needling.yaml"),
        [["explain"], ["explain", "neck"], ["aftercare"]],
        "reference 'no-such-ref'",
    ),
    "F7-topic-with-a-condition-id": (
        lambda c: _write(
            c / "topics" / "neck-pain.yaml",
            (DATA / "topics" / "acupuncture.yaml")
            .read_text()
            .replace("id: acupuncture", "id: neck-pain"),
        ),
        [["explain", "neck"]],
        "'neck-pain' is a condition",
    ),
    "F9-patch-wrong-type": (
        lambda c: _write(
            c / "conditions" / "neck-pain.patch.yaml",
            "id: neck-pain\nset:\n  summary: Fine.\n  region: 42\n",
        ),
        [["explain", "neck"]],
        "neck-pain.patch.yaml:4:",
    ),
    "F10-patch-text-without-english": (
        lambda c: _write(
            c / "conditions" / "neck-pain.patch.yaml",
            "id: neck-pain\nset:\n  summary: {es: Dolor de cuello}\n",
        ),
        [["explain", "neck"], ["conditions"]],
        "neck-pain.patch.yaml:3:12: skipped: this text has no English",
    ),
    "F11-labels-overview-not-a-topic": (
        lambda c: _copy(
            c, "labels.yaml", "overview_topic: what-is-dry-needling", "overview_topic: nope"
        ),
        [["explain"], ["explain", "neck"], ["aftercare"]],
        "overview_topic 'nope' is not a topic id",
    ),
    "F12-label-without-english": (
        lambda c: _copy(c, "labels.yaml", "  sources: Sources", "  sources: {es: Fuentes}"),
        [["explain", "neck"], ["aftercare"], ["evidence", "neck"]],
        "labels.yaml:",
    ),
    "F13-aftercare-patch-empties-sections": (
        lambda c: _write(
            c / "sheets" / "aftercare.patch.yaml", "id: aftercare\nset: {sections: []}\n"
        ),
        [["aftercare"], ["explain", "neck"]],
        "aftercare.patch.yaml:2:",
    ),
    "F13b-aftercare-without-warning-signs": (
        # every warning tier gone (the built-in sheet has three)
        lambda c: _copy(c, "sheets/aftercare.yaml", "    style: warning", "    style: normal", -1),
        [["aftercare"]],
        "style: warning",
    ),
    "F13c-aftercare-drops-one-tier": (
        lambda c: _copy(c, "sheets/aftercare.yaml", "    style: warning", "    style: normal"),
        [["aftercare"], ["aftercare", "--area", "neck"]],
        "keep every tier",
    ),
    "N10-aftercare-tiers-emptied": (
        lambda c: _hollow_tiers(c, lambda s: {**s, "items": []}),
        [["aftercare"], ["aftercare", "--area", "neck"]],
        "text or items for every area",
    ),
    "N10-aftercare-tiers-only-for-the-foot": (
        lambda c: _hollow_tiers(
            c,
            lambda s: {
                **s,
                "items": [
                    {"text": i, "areas": ["foot"]}
                    if isinstance(i, str)
                    else {**i, "areas": ["foot"]}
                    for i in s["items"]
                ],
            },
        ),
        [["aftercare", "--area", "neck"]],
        "text or items for every area",
    ),
    "F16-sheet-bad-ref": (
        lambda c: _bad_ref(c, "sheets/prepare.yaml"),
        [["prepare"], ["prepare", "--json"]],
        "reference 'no-such-ref'",
    ),
    "topic-title-without-english": (
        lambda c: _copy(c, "topics/acupuncture.yaml", "\ntitle: ", "\ntitle: {fr: Acupuncture}\n#"),
        [["explain", "acupuncture"]],
        "acupuncture.yaml:5:8: skipped: this text has no English",
    ),
    "glossary-term-bad-ref": (
        lambda c: _write(
            c / "glossary.yaml",
            "id: glossary\nreviewed_on: 2026-11-01\nreviewed_by: Clinic\n"
            "terms:\n  - id: pneumothorax\n    term: Pneumothorax\n"
            "    definition: Ours.\n    refs: [no-such-ref]\n",
        ),
        [["explain", "pneumothorax"]],
        "reference 'no-such-ref'",
    ),
    "region-without-english": (
        lambda c: _write(
            c / "regions.yaml",
            "id: regions\nreviewed_on: 2026-11-01\nreviewed_by: Clinic\n"
            "regions:\n  - id: neck\n    name: {es: Cuello}\n",
        ),
        [["explain", "neck"], ["aftercare", "--area", "neck"]],
        "regions.yaml:6:11: skipped: this text has no English",
    ),
    "reference-without-english": (
        lambda c: _write(
            c / "references.yaml",
            "id: references\nreviewed_on: 2026-11-01\nreviewed_by: Clinic\nitems:\n"
            "  - key: chys-2023\n    short: Ours\n    citation: Ours.\n    status: opinion\n"
            "    supports: {es: Todo}\n",
        ),
        [["evidence", "neck"], ["explain", "neck"]],
        "references.yaml:9:15: skipped: this text has no English",
    ),
    "unknown-top-level-yaml": (
        lambda c: _write(c / "condition.yaml", "id: x\n"),
        [["explain", "neck"]],
        "is not a file dryneedle reads",
    ),
    "misspelt-folder": (
        lambda c: _write(c / "condition" / "desk-neck.yaml", "id: desk-neck\n"),
        [["explain", "neck"]],
        "is not a folder dryneedle reads",
    ),
    "unknown-sheet": (
        lambda c: _write(c / "sheets" / "after-care.yaml", "id: x\n"),
        [["aftercare"]],
        "is not a sheet dryneedle reads",
    ),
}


@pytest.fixture
def plain_answers():
    """What each command answers with no clinic folder at all."""
    cache: dict[tuple, str] = {}

    def answer(args):
        if tuple(args) not in cache:
            done = runner.invoke(app, args, env={"COLUMNS": "100"})
            assert done.exit_code == 0, done.output
            cache[tuple(args)] = done.stdout
        return cache[tuple(args)]

    return answer


@pytest.mark.parametrize("case", list(BROKEN))
def test_hostile_broken_clinic_file_costs_only_that_file(tmp_path, case, plain_answers):
    clinic = tmp_path / "clinic"
    BROKEN[case][0](clinic)
    commands, says = BROKEN[case][1], BROKEN[case][2]
    for args in commands:
        done = _run(clinic, *args)
        assert done.exit_code == 0, (args, done.output)
        assert done.stdout == plain_answers(args), args  # the lower layer's answer
        warnings = [line for line in done.stderr.splitlines() if line]
        assert len(warnings) == 1, done.stderr
        assert str(clinic) in warnings[0] and str(DATA) not in warnings[0], warnings[0]
        assert says in warnings[0], warnings[0]
    checked = runner.invoke(app, ["validate", str(clinic)], env={"COLUMNS": "100"})
    assert checked.exit_code == 3, checked.output  # V2: validate sees what a run skips
    errors = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert errors and all(str(clinic) in line for line in errors), checked.stdout
    assert any(says.split(": skipped: ")[-1] in line for line in errors), checked.stdout


def test_hostile_V2_validate_json_names_the_clinic_file(tmp_path):
    clinic = tmp_path / "clinic"
    _copy(clinic, "labels.yaml", "  sources: Sources", "  sources: {es: Fuentes}")
    done = runner.invoke(app, ["validate", str(clinic), "--json"])
    report = json.loads(done.stdout)
    assert done.exit_code == 3
    (err,) = report["errors"]
    assert err["file"] == str(clinic / "labels.yaml") and err["field"] == "labels.sources"
    assert err["line"] == _line(clinic / "labels.yaml", "sources: {es")


def test_hostile_F5_a_clinic_item_left_out_also_leaves_out_what_links_to_it(tmp_path):
    clinic = tmp_path / "clinic"
    condition = (DATA / "conditions" / "whiplash.yaml").read_text()
    new = condition.replace("id: whiplash", "id: desk-neck").replace("name: Whiplash", "name: X")
    _write(clinic / "conditions" / "desk-neck.yaml", new.replace("refs: [", "refs: [nope, ", 1))
    _copy(clinic, "conditions/neck-pain.yaml", "related: [", "related: [desk-neck, ")
    done = _run(clinic, "explain", "neck", "--json")
    assert done.exit_code == 0, done.output
    assert "desk-neck" not in done.stdout
    warnings = done.stderr.splitlines()
    assert len(warnings) == 2 and all(str(clinic) in w for w in warnings)


# --------------------------------------------------------------- the cache is never stale


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def _summary(clinic, cache):
    return kb_cache.load([str(clinic)], cache).conditions["neck-pain"].summary


def _patch(clinic: Path, text: str) -> Path:
    return _write(
        clinic / "conditions" / "neck-pain.patch.yaml", f"id: neck-pain\nset: {{summary: {text}}}\n"
    )


def test_hostile_K6_same_size_same_mtime_rewrite_is_seen(tmp_path, cache):
    clinic = tmp_path / "clinic"
    patch = _patch(clinic, "BBBB")
    assert _summary(clinic, cache) == "BBBB"
    st = patch.stat()
    with open(patch, "r+b") as f:  # in place: same inode, same size
        f.write(patch.read_bytes().replace(b"BBBB", b"CCCC"))
    os.utime(patch, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert patch.stat().st_mtime_ns == st.st_mtime_ns and patch.stat().st_ino == st.st_ino
    assert _summary(clinic, cache) == "CCCC"


def test_hostile_K5_chmod_is_seen(tmp_path, cache, monkeypatch):
    clinic = tmp_path / "clinic"
    patch = _patch(clinic, "BBBB")
    _summary(clinic, cache)
    built = []
    real = __import__("dryneedle_cli.content.build", fromlist=["build"]).build
    monkeypatch.setattr(
        "dryneedle_cli.content.build.build", lambda *a, **k: built.append(1) or real(*a)
    )
    _summary(clinic, cache)
    assert built == []  # from the cache
    patch.chmod(0o600)
    _summary(clinic, cache)
    assert built == [1]  # a chmod (unreadable -> readable, K5) is a new fingerprint


def test_hostile_K5_a_build_with_warnings_is_not_cached(tmp_path, cache):
    clinic = tmp_path / "clinic"
    _write(clinic / "conditions" / "bad.yaml", "id: [\n")
    kb = kb_cache.load([str(clinic)], cache)
    assert kb.warnings and not list(cache.glob("kb-*.msgpack"))


def test_hostile_K8_a_folder_that_appears_is_seen(tmp_path, cache):
    later = tmp_path / "later"
    assert any("content folder not found" in w for w in kb_cache.load([str(later)], cache).warnings)
    later.mkdir()
    assert kb_cache.load([str(later)], cache).warnings == ()
    (later / "conditions").mkdir()
    assert kb_cache.load([str(later)], cache).warnings == ()
    (later / "condition").mkdir()
    assert any("is not a folder" in w for w in kb_cache.load([str(later)], cache).warnings)


# --------------------------------------------------------------- T4: where, in the profile


def test_hostile_T4_unknown_profile_key_is_located(tmp_path):
    from dryneedle_cli.errors import ContentError
    from dryneedle_cli.handouts import clinic

    profile = _write(tmp_path / "clinic.yaml", 'name: A\nphone: "1"\n"bad\\nkey": x\n')
    with pytest.raises(ContentError) as info:
        clinic.load(profile)
    assert (info.value.line, info.value.field) == (3, "bad\nkey")


def test_hostile_dangling_link_inside_the_folder_says_so(tmp_path):
    """A link to a file that is gone: skipped with a warning that says so (not 'reinstall')."""
    clinic = tmp_path / "clinic"
    (clinic / "conditions").mkdir(parents=True)
    (clinic / "conditions" / "gone.yaml").symlink_to(clinic / "conditions" / "was-here.yaml")
    result = CliRunner().invoke(
        app, ["--content-dir", str(clinic), "explain", "neck"], env={"DRYNEEDLE_CACHE_DIR": ""}
    )
    assert result.exit_code == 0
    assert "link to a file that does not exist" in result.stderr
    assert "reinstall" not in result.stderr
