from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

# A run started in the background (`pytest ... &` from a script, nohup, some CI runners) has
# SIGINT ignored, and every process a test starts would inherit that: the Ctrl-C tests need
# it back. (A handler, unlike "ignored", is not inherited across exec.)
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


# fontconfig with no font folders: a test sees the fonts dryneedle ships, never the machine's
# (a system font with Chinese characters would print a name a test expects refused).
NO_SYSTEM_FONTS = '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n'


@pytest.fixture(scope="session")
def _session_env(tmp_path_factory) -> dict[str, str]:
    """What every test of this session (of this xdist worker) shares: a parsed-content cache
    of its own, warm after the first test, and a fontconfig that finds no system font."""
    root = tmp_path_factory.mktemp("session")
    fonts = root / "fonts.conf"
    fonts.write_text(NO_SYSTEM_FONTS, encoding="utf-8")
    (root / "cache").mkdir()
    return {"DRYNEEDLE_CACHE_DIR": str(root / "cache"), "FONTCONFIG_FILE": str(fonts)}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path_factory, _session_env):
    """Tests never touch the user's cache, config or content, see no colour settings and no
    system fonts. The cache is the session's: it is keyed by an exact fingerprint of every
    content file, so a test that changes content (or gives its own DRYNEEDLE_CACHE_DIR) never
    sees another test's build."""
    for name, value in _session_env.items():
        monkeypatch.setenv(name, value)
    # No clinic layers or profile from the machine running the tests.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("user-config")))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path_factory.mktemp("site-config")))
    monkeypatch.delenv("DRYNEEDLE_CONTENT_DIR", raising=False)
    monkeypatch.delenv("DRYNEEDLE_CLINIC", raising=False)
    for name in (
        "DRYNEEDLE_DATA_DIR",
        "DRYNEEDLE_DEBUG",
        "DRYNEEDLE_LANG",
        "NO_COLOR",
        "FORCE_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    # English unless a test asks for a language: no locale from the machine running the tests.
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def kb():
    from dryneedle_cli.content.build import build_dir

    return build_dir(DATA)


@pytest.fixture(scope="session")
def q(kb):
    from dryneedle_cli.query.pages import Query

    return Query(kb)


@pytest.fixture(scope="session")
def builtin_files():
    """What a build may reuse of the built-in files (``build.Result.files``): a build of the
    built-in layer with a clinic layer on top then parses only the clinic's files."""
    from dryneedle_cli.content.build import Layer, build

    return build([Layer("built-in", DATA, True)]).files


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the built-in knowledge files, for breaking on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def _hypothesis_profile() -> None:
    """Property tests explore at random locally, and the same examples every time in CI."""
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_hypothesis_profile()


# ------------------------------------------------------------------ the two tiers
#
# The end-to-end tier (marker ``e2e``): tests that run a real process (the installed entry
# point or a child interpreter: pipes, exit codes, signals, a pseudo-terminal), read a PDF's
# layout back, print in a browser or build the wheel. Everything else is the fast tier: it
# calls the code in-process (CliRunner or a direct call). ``pytest -m "not e2e"`` runs the fast
# tier, ``pytest -m e2e`` the end-to-end one; ``pytest`` runs both.

# every test of these files
E2E_FILES = {
    "test_hostile_surface.py",  # the output surface: closed descriptors, pipes, signals
    "test_deferred.py",  # which modules a fresh interpreter imports for a sheet, a page
    "test_layout.py",  # every sheet's lines read back from the PDF
    "test_serve_browser.py",  # `dryneedle serve` as a process, its pages in chromium (axe)
    "test_subprocess.py",  # the installed entry point as a real process
    "test_wheel.py",  # builds and installs the wheel
}
# these tests of other files (by function name: every parameter of it)
E2E_TESTS = {
    "test_clinic_voice.py": {
        "test_installed_entry_point_screen_says_000",
        "test_clinician_completion_from_the_profile",
        "test_installed_entry_point_check_refuses_the_template",
    },
    "test_env.py": {"test_start_up_does_not_import_platformdirs"},
    "test_start_patterns.py": {"test_explain_neck_compiles_no_control_pattern"},
    "test_fast_path.py": {
        "test_a_fast_run_imports_no_typer",
        "test_a_fresh_process_answers_as_typer_does",
    },
    "test_hostile_3.py": {
        "test_hostile_SG4_the_workers_end_with_the_batch",  # signals to a real batch
        "test_hostile_OP12_a_failing_pager_does_not_lose_the_page",  # a pager process
        "test_hostile_ST8_each_line_ending_separates_queries",  # the installed entry point
    },
    "test_hostile_content.py": {
        "test_hostile_F14_deep_nesting_is_a_content_error",
        "test_hostile_F14_consult_and_validate_survive",
        "test_hostile_F14_nesting_within_the_limit_still_loads",
        "test_hostile_F14_many_values_cost_little",
        "test_hostile_F14_any_nesting_never_crashes_the_parser",
        "test_hostile_special_files_are_refused_with_a_warning",
        "test_hostile_F1b_completion_with_a_fifo_does_not_hang",
        "test_hostile_C13_clinic_profile_that_is_not_a_file",
        "test_hostile_cache_file_that_is_not_a_file",
        "test_hostile_M2_empty_content_dir_is_not_the_current_folder",
    },
    "test_fonts.py": {  # subsets 4 fonts; runs both PDF/UA validators
        "test_regenerating_the_subsets_is_reproducible",
        "test_sheets_from_the_subsets_pass_both_validators",
    },
    "test_i18n.py": {"test_an_english_run_imports_no_translation_code"},
    "test_note.py": {
        "test_fhir_is_kept_out_of_the_start_up_path",
        "test_installed_note_pipes_one_line_and_exits_2_on_bad_usage",
    },
    "test_overlays.py": {"test_hostile_file_validate_exit_3"},
    "test_patient_view.py": {
        "test_long_page_goes_through_the_pager",
        "test_short_page_is_not_paged",
    },
    "test_reading_ease.py": {"test_stdlib_only_and_not_loaded_at_cli_start"},
    "test_review.py": {"test_explain_does_not_load_the_review_module_without_approvals"},
    "test_screen.py": {
        "test_ctrl_c_on_a_real_terminal",
        "test_ctrl_d_on_a_real_terminal",
        "test_nothing_is_stored",
        "test_a_fifo_is_refused_at_once",
        "test_answers_from_a_pipe_with_the_installed_command",
    },
    "test_scripting.py": {
        "test_completion_offers_names_and_areas",
        "test_ctrl_c_exits_130_without_traceback",
        "test_thousand_queries_in_one_run",
    },
    "test_sheets.py": {
        "test_html_prints_on_one_page_in_chromium",
        "test_pdf_to_stdout_for_lp",
        "test_pdf_to_a_terminal_is_refused",
    },
    "test_teachback.py": {"test_teachback_through_a_pipe_and_head_ends_quietly"},
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        file = item.path.name
        name = getattr(item, "originalname", item.name)
        if file in E2E_FILES or name in E2E_TESTS.get(file, ()):
            item.add_marker(pytest.mark.e2e)


# A fast-tier test that starts the installed entry point or a Python child belongs in the
# end-to-end tier: it is named in the run's warnings, to be listed above or made in-process.
@pytest.fixture(autouse=True)
def _fast_tier_starts_no_process(request, monkeypatch):
    if request.node.get_closest_marker("e2e"):
        yield
        return
    import subprocess
    import sys
    import warnings

    bin_dir = Path(sys.executable).parent
    ours = {os.path.realpath(p) for p in (sys.executable, bin_dir / "dryneedle")}
    started: list[str] = []
    popen_init = subprocess.Popen.__init__

    def init(self, args, *a, **kw):
        first = args if isinstance(args, (str, bytes, os.PathLike)) else next(iter(args), "")
        if os.path.realpath(os.fsdecode(first)) in ours:
            started.append(os.path.basename(os.fsdecode(first)))
        popen_init(self, args, *a, **kw)

    monkeypatch.setattr(subprocess.Popen, "__init__", init)
    yield
    if started:
        warnings.warn(
            f"this fast-tier test started {', '.join(sorted(set(started)))}: add it to "
            "E2E_TESTS in tests/conftest.py, or call the code in-process",
            pytest.PytestWarning,
            stacklevel=1,
        )
