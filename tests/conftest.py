from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path_factory):
    """Tests never touch the user's cache, config or content, and see no colour settings."""
    monkeypatch.setenv("DRYNEEDLE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
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
