"""env: the XDG folders read straight from the environment match platformdirs on Linux."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from dryneedle_cli import env

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is Linux")

CASES = [
    {},
    {"XDG_CONFIG_HOME": "/srv/conf", "XDG_CACHE_HOME": "/srv/cache/", "XDG_CONFIG_DIRS": "/a:/b"},
    {"XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": "", "XDG_CONFIG_DIRS": ""},
    {"XDG_CONFIG_HOME": "relative", "XDG_CACHE_HOME": "rel/x", "XDG_CONFIG_DIRS": "rel:/c:/d"},
    {"XDG_CONFIG_DIRS": ":/only/second"},
    {"HOME": "/home/someone"},
    {"HOME": ""},
    {"HOME": "relative/home"},
]


@pytest.mark.parametrize("values", CASES)
def test_xdg_folders_match_platformdirs(monkeypatch, values):
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_DIRS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    app = "dryneedle"
    assert env.user_config_dir() == Path(platformdirs.user_config_dir(app, appauthor=False))
    assert env.user_cache_dir() == Path(platformdirs.user_cache_dir(app, appauthor=False))
    assert env.site_config_dir() == Path(platformdirs.site_config_dir(app, appauthor=False))


def test_cache_dir_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("DRYNEEDLE_CACHE_DIR", "")
    assert env.cache_dir() is None
    monkeypatch.setenv("DRYNEEDLE_CACHE_DIR", str(tmp_path))
    assert env.cache_dir() == tmp_path
    monkeypatch.delenv("DRYNEEDLE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert env.cache_dir() == tmp_path / "dryneedle"


def test_start_up_does_not_import_platformdirs(tmp_path):
    import subprocess

    code = (
        "import sys; from dryneedle_cli import env; from dryneedle_cli.content import cache; "
        "env.cache_dir(); cache.layers([]); print('platformdirs' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
