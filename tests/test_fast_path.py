"""``explain WORDS`` without Typer (cli/fast.py) is Typer's ``explain``, run faster.

Typer stays the one definition of the command line: the fast path reads a table made from the
Typer app (checked current here), and every command line below is run both ways, piped and
coloured, and must give the same stdout, stderr and exit code. The fast path must also take the
common lines itself (else it would be no faster) and import no Typer when it does.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (command line, extra environment, whether the fast path takes it)
CORPUS = [
    (["explain", "neck"], {}, True),
    (["explain", "stiff", "neck"], {}, True),
    (["explain", "neck", "--json"], {}, True),
    (["explain", "--json", "neck"], {}, True),
    (["explain", "--json", "--json", "neck"], {}, True),
    (["explain", "neck", "--plain"], {}, True),
    (["explain", "neck", "--json", "--plain"], {}, True),  # usage error: one of them
    (["explain", "neck", "--refs"], {}, True),
    (["explain", "neck", "--no-pager"], {}, True),
    (["explain", "neck", "--refs", "--no-pager", "--plain"], {}, True),
    (["explain", "neck", "--lang", "es"], {}, True),
    (["explain", "--lang", "fr", "neck"], {}, True),
    (["explain", "neck", "--lang", "fr", "--lang", "es"], {}, True),
    (["explain", "neck", "--lang", "xx"], {}, True),
    (["explain", "neck", "--lang", "ES"], {}, True),
    (["explain", "dolor", "de", "cuello", "--lang", "es"], {}, True),
    (["explain", "neck", "--color", "always"], {}, True),
    (["explain", "neck", "--color", "never"], {}, True),
    (["explain", "neck", "--color", "auto"], {}, True),
    (["explain", "neck", "--color", "always", "--json"], {}, True),
    (["explain", "nekc"], {}, True),
    (["explain", "pain"], {}, True),
    (["explain", "M77.1"], {}, True),
    (["explain", "M54"], {}, True),
    (["explain", "LTR"], {}, True),
    (["explain", "tennis", "elbow", "--json"], {}, True),
    (["explain", "neck\x1b[2J"], {}, True),
    (["explain", "[bold]neck[/bold]"], {}, True),
    (["explain", "x" * 1001], {}, True),
    (["explain", ""], {}, True),
    (["explain", "-"], {}, True),  # stdin: here pytest's, which refuses to be read
    (["explain", "-", "--json"], {}, True),
    (["explain", "neck", "-"], {}, True),
    (["explain", "neck"], {"DRYNEEDLE_LANG": "es"}, True),
    (["explain", "neck"], {"DRYNEEDLE_LANG": "xx"}, True),
    (["explain", "neck", "--lang", "en"], {"DRYNEEDLE_LANG": "es"}, True),
    (["explain", "neck", "--color", "always"], {"NO_COLOR": "1"}, True),
    (["explain", "neck"], {"TERM": "dumb"}, True),
    (["explain", "neck"], {"DRYNEEDLE_CLINIC": "/nonexistent/clinic.yaml"}, True),
    (["--help"], {}, True),
    (["-h"], {}, True),
    (["--help"], {"COLUMNS": "80"}, True),
    (["--help"], {"COLUMNS": "200"}, True),
    (["--help"], {"COLUMNS": "wide"}, True),
    (["--help"], {"COLUMNS": "0"}, True),
    # handed to Typer
    (["--help"], {"COLUMNS": "79"}, False),
    (["--help"], {"COLUMNS": "60"}, False),
    (["--help", "--help"], {}, False),
    (["--help", "explain"], {}, False),
    (["--version", "--help"], {}, False),
    ([], {}, False),
    (["explain"], {}, False),
    (["explain", "--", "neck"], {}, False),
    (["explain", "neck", "--", "--json"], {}, False),
    (["explain", "-h"], {}, False),
    (["explain", "--help"], {}, False),
    (["explain", "neck", "--help"], {}, False),
    (["explain", "--bogus", "neck"], {}, False),
    (["explain", "neck", "-x"], {}, False),
    (["explain", "neck", "--jso"], {}, False),
    (["explain", "neck", "--no-json"], {}, False),
    (["explain", "neck", "--json=1"], {}, False),
    (["explain", "neck", "--lang=es"], {}, False),
    (["explain", "neck", "--lang"], {}, False),
    (["explain", "neck", "--lang", "--json"], {}, False),
    (["explain", "neck", "--lang", ""], {}, False),
    (["explain", "neck", "--color", "bogus"], {}, False),
    (["explain", "neck", "--color", "ALWAYS"], {}, False),
    (["explain", "neck", "--color"], {}, False),
    (["explain", "neck", "--clinic", "/nonexistent/clinic.yaml"], {}, False),
    (["explain", "a\udcff"], {}, False),
    (["explain", "neck", "--lang", "e\udcffs"], {}, False),
    (["--content-dir", "/nonexistent", "explain", "neck"], {}, False),
    (["--version"], {}, False),
    (["explainx", "neck"], {}, False),
    (["Explain", "neck"], {}, False),
    (["conditions"], {}, False),
]


@pytest.fixture(scope="module")
def _private_folders(tmp_path_factory):
    return tmp_path_factory.mktemp("config"), tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _private_environment(_private_folders, monkeypatch):
    """No clinic profile, no user language, one cache; the same for both runs."""
    config, cache = _private_folders
    for name in ("DRYNEEDLE_LANG", "DRYNEEDLE_CLINIC", "FORCE_COLOR", "NO_COLOR", "PAGER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("DRYNEEDLE_CACHE_DIR", str(cache))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)


def _capture(run, args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


def _typer(args):
    """Typer's run, as ``typer_app.main`` does it without ending the process."""
    import typer

    from dryneedle_cli.cli import typer_app

    command = typer.main.get_command(typer_app.build())
    return int(command.main(args, prog_name="dryneedle", standalone_mode=False))


def _fast(args):
    from dryneedle_cli.cli import fast

    code = fast.run(args)
    return ("handed to Typer", _typer(args)) if code is None else ("fast", code)


@pytest.mark.parametrize("coloured", [False, True], ids=["piped", "FORCE_COLOR"])
@pytest.mark.parametrize(
    ("args", "env", "fast"), CORPUS, ids=[" ".join(c[0])[:60] + str(c[1]) for c in CORPUS]
)
def test_the_fast_path_answers_as_typer_does(args, env, fast, coloured, monkeypatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if coloured:
        monkeypatch.setenv("FORCE_COLOR", "1")
    # a first run builds the cache: a run that builds it may list an ambiguous word's pages in
    # another order than a run that reads it (so on main too); both runs below read it
    _capture(_typer, args)
    typer_code, typer_out, typer_err = _capture(_typer, args)
    (path, code), out, err = _capture(_fast, args)
    assert path == ("fast" if fast else "handed to Typer")
    assert (code, out, err) == (typer_code, typer_out, typer_err)


def test_shell_completion_goes_to_typer():
    from dryneedle_cli.cli.fast import parse

    assert parse(["explain", "neck"], {}) is not None
    assert parse(["explain", "neck"], {"_DRYNEEDLE_COMPLETE": "complete_bash"}) is None
    assert parse(["explain", "neck"], {"_TYPER_COMPLETE_ARGS": "dryneedle explain ne"}) is None


def test_the_table_is_made_from_the_typer_app():
    """fast_table.py is what tools/fast_table.py makes from the Typer app today."""
    sys.path.insert(0, str(ROOT / "tools"))
    from fast_table import TABLE, generate

    assert TABLE.read_text(encoding="utf-8") == generate(), "run: python tools/fast_table.py"


def test_a_fast_run_imports_no_typer(tmp_path):
    code = (
        "import io, sys\n"
        "from dryneedle_cli.cli import fast\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "code = fast.run(['explain', 'neck'])\n"
        "sys.stdout = out\n"
        "heavy = ('typer', 'rich', 'typing_extensions', 'inspect', 'dataclasses')\n"
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    env = {**os.environ, "DRYNEEDLE_CACHE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("FORCE_COLOR", None)
    for _ in range(2):  # the first run builds the cache (and imports what building needs)
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
        )
    assert result.stdout == "0 []\n", result.stderr


ENTRY = "from dryneedle_cli.entry import main; main()"
TYPER = "from dryneedle_cli.cli.typer_app import main; main()"


@pytest.mark.parametrize("coloured", [False, True], ids=["piped", "FORCE_COLOR"])
def test_a_fresh_process_answers_as_typer_does(coloured, tmp_path):
    """The console script in a process of its own (msgspec imported without typing_extensions,
    the collector off from the start) against the Typer app in one."""
    env = {
        **os.environ,
        "DRYNEEDLE_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path),
        "COLUMNS": "100",
    }
    for name in ("FORCE_COLOR", "NO_COLOR", "DRYNEEDLE_LANG", "DRYNEEDLE_CLINIC"):
        env.pop(name, None)
    if coloured:
        env["FORCE_COLOR"] = "1"

    def run(code, args):
        result = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, env=env, timeout=120
        )
        return result.returncode, result.stdout, result.stderr

    run(TYPER, ["explain", "neck"])  # builds the cache
    for args in (["explain", "neck"], ["explain", "neck", "--json"], ["explain", "M54"], ["-h"]):
        assert run(ENTRY, args) == run(TYPER, args), args
