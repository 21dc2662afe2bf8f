"""Issue 20, hostile input round 3: one test (or table) per BROKEN or UNCLEAR line of the third
trial (shared/reports/hostile-input-3.md), named after the line. In-process with CliRunner where
possible; real processes only for signals."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
EXE = str(Path(sys.executable).parent / "dryneedle")
runner = CliRunner()
LANGS = ("en", "es", "fr")


def invoke(*args, env=None, input=None):
    return runner.invoke(app, [*args], env={"COLUMNS": "100", **(env or {})}, input=input)


# ------------------------------------------------------------ TR6: a reply that means two answers


def _screening_file(lang: str) -> Path:
    return DATA / "screening.yaml" if lang == "en" else DATA / "i18n" / lang / "screening.yaml"


def _clinic_screening(tmp_path: Path, lang: str, field: str, extra: str) -> Path:
    """A clinic folder whose ``lang`` screening file adds ``extra`` to ``field``."""
    clinic = tmp_path / "clinic"
    rel = Path("screening.yaml") if lang == "en" else Path("i18n", lang, "screening.yaml")
    (clinic / rel).parent.mkdir(parents=True)
    text = _screening_file(lang).read_text(encoding="utf-8")
    word = json.dumps(extra, ensure_ascii=False)
    out, n = re.subn(rf"(?m)^(  {field}: \[)", lambda m: f"{m.group(1)}{word}, ", text)
    assert n == 1
    (clinic / rel).write_text(out, encoding="utf-8")
    return clinic


def _yes_words(lang: str) -> list[str]:
    import yaml

    words = yaml.safe_load(_screening_file(lang).read_text(encoding="utf-8"))["words"]
    return [w for w in words["replies_yes"] if len(w) > 1]


# every language; the clashing word as written, upper-cased, without its accent, with punctuation
CLASHES = [
    (lang, variant) for lang in LANGS for variant in ("same", "upper", "punct", "english-yes")
]


def _clash_word(lang: str, variant: str) -> str:
    word = _yes_words(lang)[-1 if lang == "es" else 0]
    if lang == "es":
        word = "sí"
    return {
        "same": word,
        "upper": word.upper(),
        "punct": word + "!",
        "english-yes": "yes",
    }[variant]


@pytest.mark.parametrize(("lang", "variant"), CLASHES)
def test_hostile_TR6_a_reply_meaning_two_answers_is_refused(tmp_path, lang, variant):
    word = _clash_word(lang, variant)
    clinic = _clinic_screening(tmp_path, lang, "replies_no", word)
    checked = invoke("validate", str(clinic))
    assert checked.exit_code == 3, checked.output
    assert "another answer" in checked.output
    # at load: the clinic file is left out (a warning); the built-in words are used
    answers = tmp_path / "a.yaml"
    answers.write_text(f"pregnancy: {json.dumps(word)}\n", encoding="utf-8")
    done = invoke(
        "--content-dir", str(clinic), "screen", "--answers", str(answers), "--json", "--lang", lang
    )
    assert done.exit_code in (0, 2), done.output
    if done.exit_code == 0:
        assert json.loads(done.stdout)["answers"]["pregnancy"] == "yes"


def test_hostile_TR6_accents_do_not_make_two_answers(tmp_path):
    # "si" and "sí" are one reply to a patient: a file may not give them different answers
    clinic = _clinic_screening(tmp_path, "es", "replies_no", "Si.")
    text = (clinic / "i18n/es/screening.yaml").read_text(encoding="utf-8")
    text = text.replace("replies_yes: [s, sí, si,", "replies_yes: [s, sí,")
    (clinic / "i18n/es/screening.yaml").write_text(text, encoding="utf-8")
    checked = invoke("validate", str(clinic))
    assert checked.exit_code == 3, checked.output


def test_hostile_TR6_the_typed_prompt_never_reads_a_clash(q, monkeypatch):
    from dryneedle_cli.model import reply_map

    # the one map the prompt and the answers file read: a clash is dropped, never the last wins
    got = reply_map(["y", "sí"], ["n", "SI"], ["?"])
    assert "sí" not in got and "si" not in got
    assert got["yes"] == "yes" and got["no"] == "no"  # the fixed words cannot be taken over
    assert reply_map(["y"], ["n", "yes"], ["?"])["yes"] == "yes"


# ------------------------------------------------------------ CA1, CA2, CA4: the cache


def _cache_file(cache: Path) -> Path:
    (found,) = cache.glob("kb-*.msgpack")
    return found


def _flip(path: Path, every: int) -> None:
    """XOR every ``every``-th byte of the body (after the header; same size, new bytes)."""
    data = bytearray(path.read_bytes())
    (header,) = struct.unpack("<Q", data[:8])
    for i in range(16 + header, len(data), every):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["flip-997", "flip-4093", "flip-header", "zeros", "cut"])
def test_hostile_CA1_a_damaged_cache_is_rebuilt_not_a_failure(tmp_path, monkeypatch, damage):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DRYNEEDLE_CACHE_DIR", str(cache))
    first = invoke("explain", "neck", "--plain")
    assert first.exit_code == 0
    path = _cache_file(cache)
    size = path.stat().st_size
    if damage.startswith("flip-") and damage != "flip-header":
        _flip(path, int(damage.split("-")[1]))
    elif damage == "flip-header":
        data = bytearray(path.read_bytes())
        data[40] ^= 0x01
        path.write_bytes(bytes(data))
    elif damage == "zeros":
        path.write_bytes(b"\0" * size)
    else:
        path.write_bytes(path.read_bytes()[: size // 2])
    for command in (["explain", "neck", "--plain"], ["conditions", "--plain"], ["aftercare"]):
        done = invoke(*command)
        assert done.exit_code == 0, done.output
        assert "internal error" not in done.output
    again = invoke("explain", "neck", "--plain")
    assert again.stdout == first.stdout
    assert path.read_bytes() != b"\0" * size  # rebuilt on disk, not only worked around


def test_hostile_CA2_an_edit_inside_the_cache_is_never_shown(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DRYNEEDLE_CACHE_DIR", str(cache))
    first = invoke("aftercare", "--plain")
    assert first.exit_code == 0 and "911" in first.stdout
    path = _cache_file(cache)
    data = path.read_bytes()
    assert b"911" in data
    path.write_bytes(data.replace(b"911", b"811"))  # same size, a plausible wrong number
    done = invoke("aftercare", "--plain")
    assert done.exit_code == 0
    assert "811" not in done.stdout and done.stdout == first.stdout


def test_hostile_CA4_planted_links_at_temporary_names_are_never_followed(tmp_path, monkeypatch):
    from dryneedle_cli.content import cache as kb_cache

    cache = tmp_path / "cache"
    cache.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    # every name the old code could pick (this process's pid), for either language's file
    import zlib

    from dryneedle_cli.content.layers import discover

    crc = zlib.crc32(str([str(r) for _, r, _ in discover([])]).encode())
    for name in (f"kb-{crc:08x}.msgpack", f"kb-{crc:08x}-es.msgpack"):
        (cache / f".{name}.{os.getpid()}.tmp").symlink_to(victim)
    kb_cache.load([], cache)
    kb_cache.load([], cache, lang="es")
    assert victim.read_text() == "keep me\n"
    made = sorted(p.name for p in cache.iterdir() if not p.is_symlink())
    assert len(made) == 2 and all(n.startswith("kb-") for n in made)  # no temporary file left


def test_hostile_CA4_temporary_files_are_created_exclusively(tmp_path, monkeypatch):
    """The one write helper makes its temporary file with O_CREAT | O_EXCL (mkstemp): a name
    that exists (a planted link or file) is never opened."""
    import tempfile

    from dryneedle_cli import safeio

    seen = []
    real = tempfile.mkstemp

    def spy(*args, **kw):
        fd, name = real(*args, **kw)
        seen.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    safeio.write_atomic(tmp_path / "out.bin", b"x", force=True)
    assert seen and Path(seen[0]).parent == tmp_path and not Path(seen[0]).exists()
    assert (tmp_path / "out.bin").read_bytes() == b"x"


def test_hostile_CA4_every_writer_uses_the_one_helper():
    """Sheets, forms, the clinic starter files and the cache all write through
    ``safeio.write_atomic``; no module writes a file another way."""
    found = []
    for path in (ROOT / "dryneedle_cli").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for bad in (".write_bytes(", ".write_text(", 'open(path, "w', "os.O_CREAT"):
            if bad in text:
                found.append(f"{path.relative_to(ROOT)}: {bad}")
    assert not found, found


# ------------------------------------------------------------ SA14, SA17, SA18: answers files


def _screen_answers(tmp_path: Path, text: str, name: str = "a.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return invoke("screen", "--answers", str(path), "--json")


@pytest.mark.parametrize(
    "text",
    [
        "pregnancy: !!str yes\n",
        "pregnancy: !!python/object/apply:os.system ['true']\n",
        "pregnancy: !custom yes\n",
        "!!str pregnancy: yes\n",
        "pregnancy: ! yes\n",
        '{"pregnancy": !!str "yes"}\n',
    ],
)
def test_hostile_SA14_tags_are_refused_as_promised(tmp_path, text):
    done = _screen_answers(tmp_path, text)
    assert done.exit_code == 2, done.output
    assert "tags (!!) are not allowed" in done.stderr and ":1:" in done.stderr


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"pregnancy": "", "diabetes": "no"}', "a.json"),
        ('{"pregnancy": "  ", "diabetes": "no"}', "a.json"),
        ("pregnancy: ''\ndiabetes: no\n", "a.yaml"),
        ("pregnancy:\ndiabetes: no\n", "a.yaml"),
        ('{"pregnancy": null, "diabetes": "no"}', "a.json"),
    ],
)
def test_hostile_SA17_an_empty_answer_means_not_asked(tmp_path, text, name):
    done = _screen_answers(tmp_path, text, name)
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc["answers"] == {"diabetes": "no"}
    assert "pregnancy" in {u["id"] for u in doc["unanswered"]}


@pytest.mark.parametrize(
    "text",
    ["pregnancy: ?\n", "pregnancy: ?   # not sure\n", "diabetes: no\npregnancy:  ?\n"],
)
def test_hostile_SA18_a_bare_question_mark_is_the_answer_not_sure(tmp_path, text):
    done = _screen_answers(tmp_path, text)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["answers"]["pregnancy"] == "not-sure"


def test_hostile_SA18_a_question_mark_elsewhere_is_not_rewritten(tmp_path):
    # "?x" is a plain word (refused as an answer), and a '? key' block stays YAML's
    done = _screen_answers(tmp_path, "pregnancy: ?x\n")
    assert done.exit_code == 2 and "'?x'" in done.stderr
    done = _screen_answers(tmp_path, "? pregnancy\n: yes\n")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["answers"]["pregnancy"] == "yes"


# ------------------------------------------------------------ LG8: odd language folders


def test_hostile_LG8_a_language_link_leading_out_is_not_walked(tmp_path):
    clinic = tmp_path / "odd"
    (clinic / "i18n").mkdir(parents=True)
    outside = tmp_path / "outside"
    for sub in ("ssh", "ssl", "conditions", "topics"):
        (outside / sub).mkdir(parents=True)
    (outside / "conditions" / "neck-pain.yaml").write_text("id: neck-pain\n")
    (clinic / "i18n" / "pt").symlink_to(outside)
    (clinic / "i18n" / "de").write_text("not a folder\n")
    for lang in ("pt", "de", "xx"):
        done = invoke("--content-dir", str(clinic), "explain", "neck", "--lang", lang, "--plain")
        assert done.exit_code == 2, (lang, done.output)  # as any language with no text
        assert "outside/" not in done.stderr and "i18n/pt/" not in done.stderr
    checked = invoke("validate", str(clinic))
    assert "i18n/pt/" not in checked.output  # the link is one problem, its contents not read
    assert "leading out of the content folder" in checked.output


def test_hostile_LG8_a_language_folder_inside_the_clinic_still_counts(tmp_path):
    clinic = tmp_path / "clinic"
    (clinic / "i18n" / "zz").mkdir(parents=True)
    (clinic / "i18n" / "yy").symlink_to(clinic / "i18n" / "zz")  # a link that stays inside
    for lang in ("zz", "yy"):
        done = invoke("--content-dir", str(clinic), "explain", "neck", "--lang", lang)
        assert done.exit_code == 1, done.output  # a language, with nothing translated


# ------------------------------------------------------------ HT11: CSS escapes in an SVG logo

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">'


@pytest.mark.parametrize(
    "style",
    [
        r"fill:u\72l(http://evil.example/x)",
        r"fill:\75 \72 \6c (http://evil.example/x)",
        r"fill:\000075rl(http://evil.example/x)",
        r"fill:u\rl(http://evil.example/x)",
        "fill:u/**/rl(http://evil.example/x)",
        "fill:URL(http://evil.example/x)",
        "fill:Url( 'http://evil.example/x')",
        'fill:image-set("http://evil.example/x" 1x)',
        r"@\69mport 'http://evil.example/x.css'",
    ],
)
def test_hostile_HT11_css_escapes_cannot_hide_a_web_address(tmp_path, style):
    from dryneedle_cli.handouts.clinic import _check_svg

    svg = f'{SVG_HEAD}<rect style="{style}" width="9" height="9"/></svg>'
    assert _check_svg(svg.encode()) is not None, style
    styled = f"{SVG_HEAD}<style>rect {{ {style} }}</style><rect/></svg>"
    assert _check_svg(styled.encode()) is not None, style


def test_hostile_HT11_a_plain_drawing_with_local_urls_is_fine():
    from dryneedle_cli.handouts.clinic import _check_svg

    svg = (
        f'{SVG_HEAD}<defs><linearGradient id="g"/></defs>'
        '<rect style="fill:url(#g); stroke:\\23 000" width="9" height="9"/></svg>'
    )
    assert _check_svg(svg.encode()) is None


# ------------------------------------------------------------ LG3, LG4, NT3: echoed values cut

LONG = "zq" * 50_000


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["explain", "neck"], {"DRYNEEDLE_LANG": "x" * 100_000}),
        (["explain", "neck", "--lang", "x" * 100_000], {}),
        (["note", "--gave", "zq" * 100], {}),
        (["note", "--gave", LONG[:999]], {}),
        (["sheet", "aftercare", "-f", LONG[:5000]], {}),
        (["sheet", "aftercare", "-o", "out." + LONG[:200]], {}),
        (["sheet", LONG[:5000]], {}),
        (["explain", "neck", "--area", LONG[:900]], {}),
        (["explain", LONG[:900]], {}),
        (["teachback", LONG[:900]], {}),
        (["conditions", LONG[:900]], {}),
        (["screen", "--area", LONG[:900], "--questions"], {}),
        (["explain", "neck", "--format", LONG[:900]], {}),
    ],
)
def test_hostile_LG3_every_echoed_value_is_cut(tmp_path, args, env):
    done = invoke(*args, env=env)
    assert done.exit_code in (1, 2), done.output
    for line in done.stderr.splitlines():
        assert "zq" * 40 not in line and "x" * 70 not in line, line[:200]
        assert len(line) < 600, line[:200]


# ------------------------------------------------------------ OP3, OP4, OP9, OP10: --open, --print


def _fake(folder: Path, name: str, status: int = 0, err: str = "", out: str = "") -> Path:
    """A command that logs its arguments (one a line) and says ``out``/``err``; its log."""
    import stat

    folder.mkdir(exist_ok=True)
    log = folder / f"{name}.args"
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do printf "%s\\n" "$a" >> "{log}"; done\n'
        + (f'printf "%s\\n" "{out}"\n' if out else "")
        + (f'printf "%s\\n" "{err}" >&2\n' if err else "")
        + f"exit {status}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


@pytest.mark.parametrize("name", ["--help.txt", "-dOffice.txt", "-", "-x y.txt"])
@pytest.mark.parametrize("how", ["--open", "--print"])
def test_hostile_OP3_a_dash_file_name_reaches_the_tool_as_a_path(tmp_path, monkeypatch, name, how):
    if name == "-":
        name = "-.txt"
    monkeypatch.chdir(tmp_path)
    tool = "xdg-open" if how == "--open" else "lp"
    if how == "--open" and sys.platform == "darwin":
        tool = "open"
    log = _fake(tmp_path / "bin", tool)
    done = invoke(
        "sheet",
        "aftercare",
        "-f",
        "txt",
        f"--output={name}",
        how,
        env={"PATH": str(tmp_path / "bin")},
    )
    assert done.exit_code == 0, done.output
    args = log.read_text().splitlines()
    assert args and not any(a.startswith("-") for a in args), args
    assert Path(args[-1]).resolve() == (tmp_path / name).resolve()
    assert (tmp_path / name).is_file()


def _batch_csv(tmp_path: Path, rows: list[str]) -> Path:
    csv = tmp_path / "day.csv"
    csv.write_text("patient,areas,format\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return csv


SECRET = ["Quentin Secretname", "Zebulon Hiddenperson"]


def _no_name(text: str) -> None:
    low = text.casefold()
    for name in SECRET:
        for part in name.casefold().split():
            assert part not in low, text


@pytest.mark.parametrize(
    ("rows", "lp_status"),
    [
        ([f"{SECRET[0]},neck,txt"], 1),  # OP9: one sheet, lp fails naming it
        ([f"{SECRET[0]},neck,txt"], 0),  # one sheet, lp says its name in its reply
        ([f"{SECRET[0]},neck,txt", f"{SECRET[1]},nowhere,txt"], 0),  # OP10: one bad row
        ([f"{SECRET[0]},neck,txt", f"{SECRET[1]},neck,txt"], 1),
        ([f"{SECRET[0]},neck,txt", f"{SECRET[1]},neck,txt"], 0),
    ],
)
def test_hostile_OP9_a_batch_print_names_no_patient(tmp_path, monkeypatch, rows, lp_status):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    # an lp that names each file in its own words: the absolute path, the name, the stem
    script = tmp_path / "bin" / "lp"
    script.parent.mkdir()
    script.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do\n'
        '  b=$(basename "$a"); s=${b%.*}\n'
        '  msg="lp: cannot print $(realpath "$a") ($b, ${s}, $(echo $s | tr a-z A-Z))"\n'
        f'  if [ {lp_status} = 0 ]; then echo "request id is Office-1 ($msg)"; '
        'else echo "$msg" >&2; fi\n'
        "done\n"
        f"exit {lp_status}\n"
    )
    script.chmod(0o755)
    done = invoke(
        "sheet", "aftercare", "--batch", str(_batch_csv(tmp_path, rows)), "--out-dir", str(out),
        "--print", env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"},
    )  # fmt: skip
    assert done.exit_code in (0, 1, 4), done.output
    assert "Sent" in done.stderr or "refused" in done.stderr
    _no_name(done.stderr + done.stdout)


# ------------------------------------------------------------ SG4, SG5: a batch's workers


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status  # a zombie has ended


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("signame", "code"), [("SIGHUP", 129), ("SIGKILL", -9)])
def test_hostile_SG4_the_workers_end_with_the_batch(tmp_path, signame, code):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("a batch runs in one process on one core")
    rows = tmp_path / "day.csv"
    rows.write_text("patient,areas\n" + "".join(f"P{i},neck\n" for i in range(400)))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [EXE, "sheet", "aftercare", "--batch", str(rows), "--out-dir", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    children: list[int] = []
    try:
        deadline = time.monotonic() + 90
        # the first row is made in the batch's own process, then every worker is forked at
        # once: a third file means the workers are making sheets
        while time.monotonic() < deadline and (not out.exists() or len(list(out.iterdir())) < 3):
            time.sleep(0.1)
        children = _children(proc.pid)
        assert children, "the batch should be running in worker processes"
        proc.send_signal(getattr(signal, signame))
        _, err = proc.communicate(timeout=30)
        at_end = {p.name for p in out.iterdir() if not p.name.endswith(".tmp")}
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_running(p) for p in children):
            time.sleep(0.1)
        assert not [p for p in children if _running(p)], "workers outlived the batch"
        assert proc.returncode == code, err
        assert b"Traceback" not in err
        time.sleep(0.5)
        names = {p.name for p in out.iterdir()}
        assert not [n for n in names if n.endswith(".tmp")]  # no partial file
        # at most the sheets being finished the moment the batch died, none started after
        assert len(names - at_end) <= len(children), sorted(names - at_end)
        assert len(names) < 400
    finally:
        for pid in [proc.pid, *children]:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def _in_a_worker(body) -> int:
    """Run ``body`` in a forked child set up as a batch worker; its exit status (99: the
    SIGTERM's unwinding was caught by foreign code and the worker went on)."""
    from dryneedle_cli import batch

    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            batch._PARENT = os.getppid()
            batch._worker_init()
            body(batch)
        except BaseException:  # noqa: BLE001 - what the pool's own code does with it
            code = 98
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_hostile_SG4_a_worker_told_to_stop_between_rows_ends_at_once():
    """SIGTERM between two rows used to raise inside the pool's own code, which sent it back as
    a result and took the next row (a worker that outlived the batch: CI saw a 30 s hang)."""
    assert _in_a_worker(lambda batch: os.kill(os.getpid(), signal.SIGTERM)) == 143


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_hostile_SG4_a_worker_whose_unwinding_was_swallowed_takes_no_more_rows(monkeypatch):
    def swallowing_row(*args):
        with contextlib.suppress(BaseException):  # a library that catches everything
            os.kill(os.getpid(), signal.SIGTERM)  # arrives while the sheet is being made
        return (None, None, ())

    def body(batch):
        monkeypatch.setattr(batch, "one_row", swallowing_row)
        batch._worker((1, 2, {"patient": "P", "areas": "neck"}))

    assert _in_a_worker(body) == 143


# ------------------------------------------------------------ OP12: a pager that fails


@pytest.mark.parametrize("pager", ["false", f"{sys.executable} -c 'raise SystemExit(3)'"])
def test_hostile_OP12_a_failing_pager_does_not_lose_the_page(q, pager):
    import io

    from dryneedle_cli.render.terminal import TerminalRenderer, page_through

    assert page_through(pager, "x") is False
    out = io.StringIO()
    renderer = TerminalRenderer(out, force_terminal=True, pager=pager)
    renderer.console.height = 10  # the page is longer than the screen: it is paged
    renderer.show(q.explain("neck"))
    assert "Neck pain" in re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())


def test_hostile_OP12_a_pager_that_worked_is_not_followed_by_the_page(q):
    from dryneedle_cli.render.terminal import page_through

    assert page_through("true", "x") is True


# ------------------------------------------------------------ NT6, CO4, TR11, CO5: clinic text


def _patch(tmp_path: Path, rel: str, text: str) -> Path:
    clinic = tmp_path / "clinic"
    (clinic / rel).parent.mkdir(parents=True, exist_ok=True)
    (clinic / rel).write_text(text, encoding="utf-8")
    return clinic


@pytest.mark.parametrize(
    "value",
    [
        r"Neck\npain",
        r"Neck\tpain",
        r"Neck \e]0;PWN\a pain",
        r"Neck \u202e pain",
        r"Neck \x85 pain",
        r"Neck \u2028 pain",
    ],
)
def test_hostile_NT6_a_control_character_in_a_name_is_refused(tmp_path, value):
    clinic = _patch(
        tmp_path, "conditions/neck-pain.patch.yaml", f'id: neck-pain\nset:\n  name: "{value}"\n'
    )
    checked = invoke("validate", str(clinic))
    assert checked.exit_code == 3, checked.output
    assert "neck-pain.patch.yaml:3" in checked.output and "remove it" in checked.output
    # a run shows it as typed, made visible (\\x1b, \\n): the plain note stays one line
    note = invoke("--content-dir", str(clinic), "note", "--gave", "neck")
    assert note.exit_code == 0, note.output
    assert len(note.stdout.splitlines()) == 1
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u202e]", note.stdout)


@pytest.mark.parametrize("value", [r"Text \e[2J here", r"Text \u202e here", r"Text\x00"])
def test_hostile_CO4_a_control_character_in_consent_text_is_refused(tmp_path, value):
    clinic = _patch(
        tmp_path,
        "consent.patch.yaml",
        f'id: consent\nadd:\n  extra_sections:\n    - heading: Our rule\n      text: "{value}"\n',
    )
    checked = invoke("validate", str(clinic))
    assert checked.exit_code == 3 and "control character" in checked.output, checked.output


def test_hostile_multi_line_texts_keep_their_line_breaks(tmp_path):
    clinic = _patch(
        tmp_path,
        "conditions/neck-pain.patch.yaml",
        'id: neck-pain\nset:\n  summary: "One line.\\n\\nAnother,\\tthen more."\n',
    )
    done = invoke("--content-dir", str(clinic), "explain", "neck", "--plain")
    assert done.exit_code == 0 and "skipped" not in done.stderr, done.output


def test_hostile_TR11_a_huge_clinic_text_is_refused_with_its_limit(tmp_path):
    text = (DATA / "i18n" / "fr" / "labels.yaml").read_text(encoding="utf-8")
    text, n = re.subn(
        r"(\n  emergency: ).*",
        lambda m: (
            m.group(1) + '"En cas d’urgence, appelez le {emergency_number}. ' + "x" * 10000 + '"'
        ),
        text,
        count=1,
    )
    assert n == 1
    clinic = _patch(tmp_path, "i18n/fr/labels.yaml", text)
    checked = invoke("validate", str(clinic))
    assert checked.exit_code == 3 and "more than 1,000" in checked.output, checked.output
    out = tmp_path / "s.pdf"
    done = invoke(
        "--content-dir", str(clinic), "sheet", "aftercare", "--lang", "fr", "-o", str(out)
    )
    assert done.exit_code == 0, done.output
    plain = tmp_path / "plain.pdf"
    assert invoke("sheet", "aftercare", "--lang", "fr", "-o", str(plain)).exit_code == 0

    def pages(path):
        return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))

    assert pages(out) == pages(plain)  # the built-in label, not 10,000 x's


@pytest.mark.parametrize(("sections", "length"), [(200, 60), (7, 20), (3, 900)])
def test_hostile_CO5_too_many_consent_sections_are_refused(tmp_path, sections, length):
    refs = (DATA / "references.yaml").read_text(encoding="utf-8")
    key = re.search(r"(?m)^  - key: (\S+)", refs).group(1)
    body = "".join(
        f"    - heading: Rule {i}\n      refs: [{key}]\n      text: {'w' * length}\n"
        for i in range(sections)
    )
    clinic = _patch(
        tmp_path,
        "consent.patch.yaml",
        f"id: consent\nadd:\n  references: [{key}]\n  extra_sections:\n{body}",
    )
    checked = invoke("validate", str(clinic))
    assert checked.exit_code == 3 and "two pages a copy" in checked.output, checked.output


# ------------------------------------------------------------ ST8: a \r-separated stdin


@pytest.mark.parametrize("sep", ["\r", "\r\n", "\n"])
def test_hostile_ST8_each_line_ending_separates_queries(sep):
    # a real process: its stdin is the interpreter's own (CliRunner's already splits at \r)
    done = subprocess.run(
        [EXE, "explain", "-", "--json"],
        input=(sep.join(["neck", "knee", "tmd"]) + sep).encode(),
        capture_output=True,
        timeout=120,
    )
    queries = [json.loads(line)["query"] for line in done.stdout.decode().splitlines()]
    assert queries == ["neck", "knee", "tmd"], done.stderr


# ------------------------------------------------------------ found by trying the fixes again:
# a path too long for the system was a crash (exit 70), and a long path was echoed whole

LONG_NAME = "zq" * 3000  # longer than any file name the system takes


@pytest.mark.parametrize(
    "args",
    [
        ["--content-dir", LONG_NAME, "explain", "neck"],
        ["sheet", "aftercare", "-f", "txt", "-o", f"nodir/{LONG_NAME}/x.txt"],
        ["sheet", "aftercare", "-f", "txt", "-o", f"{LONG_NAME}.txt"],
        ["clinic", "init", "--path", f"nodir/{LONG_NAME}"],
        ["clinic", "check", "--clinic", f"/x/{LONG_NAME}"],
        ["validate", f"/x/{LONG_NAME}"],
        ["screen", "--answers", LONG_NAME],
        ["sheet", "aftercare", "--batch", LONG_NAME],
        ["sheet", "aftercare", "-f", "pdf", "--font", LONG_NAME, "-o", "x.pdf"],
    ],
)
def test_hostile_a_path_too_long_is_one_short_line(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    done = invoke(*args)
    assert done.exit_code in (0, 1, 2, 3, 4), done.output
    assert "internal error" not in done.stderr
    for line in done.stderr.splitlines():
        assert len(line) < 400, line[:120]


def test_hostile_TR6_compatibility_forms_fold_alike():
    from dryneedle_cli.model import reply_clash, reply_fold

    assert reply_fold("ＳＩ") == reply_fold("sí") == reply_fold("Si!") == "si"
    assert reply_clash(["sí"], ["ｓｉ"], ["?"]) == ("replies_no", "ｓｉ")
    assert reply_clash(["s", "sí"], ["n", "no"], ["?", "no sé"]) is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_hostile_SA12_utf16_answers_are_named(tmp_path, encoding):
    path = tmp_path / "a.yaml"
    data = "pregnancy: no\n".encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + "pregnancy: no\n").encode(encoding)
    path.write_bytes(data)
    done = invoke("screen", "--answers", str(path))
    assert done.exit_code == 2 and "UTF-16" in done.stderr and "UTF-8" in done.stderr


def test_hostile_validate_lines_cut_a_clinic_value(tmp_path):
    clinic = _patch(
        tmp_path,
        "conditions/neck-pain.patch.yaml",
        f"id: neck-pain\nset:\n  related: [{'j' * 900}]\n",
    )
    checked = invoke("validate", str(clinic))
    assert checked.exit_code == 3
    assert "j" * 61 not in checked.stdout and max(map(len, checked.stdout.splitlines())) < 400


@pytest.mark.parametrize("name", ["XDG_CONFIG_HOME", "XDG_CONFIG_DIRS", "HOME"])
def test_hostile_a_config_folder_too_long_is_absent(tmp_path, monkeypatch, name):
    monkeypatch.setenv(name, str(tmp_path / LONG_NAME))
    done = invoke("explain", "neck", "--plain")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("Neck pain")


@pytest.mark.parametrize(
    "body",
    [
        "<style>a{}<x/>rect{fill:url(http://evil.example/x)}</style><rect/>",
        "<style><!-- c -->rect{fill:url(http://evil.example/x)}</style><rect/>",
        "<rect/>rect{fill:url(http://evil.example/x)}",
    ],
)
def test_hostile_HT11_css_after_a_child_element_is_checked(body):
    from dryneedle_cli.handouts.clinic import _check_svg

    assert _check_svg(f"{SVG_HEAD}{body}</svg>".encode()) is not None


def test_hostile_TR2_a_stale_translation_with_control_characters_gets_both_problems(tmp_path):
    text = (DATA / "i18n/es/conditions/neck-pain.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", 'name: "Dolor \\\\e]0;PWN\\\\a de cuello"', text, count=1)
    text = re.sub(r"source_hash:.*(\n {4}.*)*", 'source_hash: "0000000000000000"', text)
    clinic = _patch(tmp_path, "i18n/es/conditions/neck-pain.yaml", text)
    checked = invoke("validate", str(clinic))
    assert checked.exit_code == 3
    assert "control character" in checked.stdout and "warning: stale" in checked.stdout
    assert checked.stdout.count("control character") == 1, checked.stdout
    done = invoke("--content-dir", str(clinic), "explain", "neck", "--lang", "es", "--plain")
    assert done.exit_code == 0 and done.stdout.startswith("Dolor de cuello")


def test_safe_view_cleans_a_copy_and_keeps_a_clean_view_as_it_is():
    """safe.view: a view with no control character is returned as it is (a batch makes one
    for every row); one with a control character anywhere inside is a cleaned copy, the
    original untouched."""
    import msgspec

    from dryneedle_cli import safe

    class Part(msgspec.Struct, frozen=True):
        heading: str
        items: tuple[str, ...]

    class Doc(msgspec.Struct, frozen=True):
        title: str
        parts: tuple[Part, ...]
        folder: str = "\x1b]8;;x\x07"  # skipped: a file location

    clean = Doc("Aftercare", (Part("Ice", ("Ice it.", "Rest.")),))
    assert safe.view(clean) is clean
    dirty = Doc("Aftercare", (Part("Ice", ("Ice it.", "Rest\x1b[31m.")), Part("B", ())))
    shown = safe.view(dirty)
    assert shown is not dirty and dirty.parts[0].items[1] == "Rest\x1b[31m."
    assert "\x1b" not in shown.parts[0].items[1] and shown.parts[0].items[0] == "Ice it."
    assert shown.parts[1] is dirty.parts[1] and shown.folder == dirty.folder
