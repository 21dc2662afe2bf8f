"""``dryneedle serve`` as a real process, and its pages in a real browser (issue 24).

The installed command starts on a free loopback port; once ``/healthz`` answers, axe-core runs
in Debian's ``chromium`` (``tests/js/axe_check.js``, as ``tests/test_axe.py`` does) on the front
desk, a page in each language and a search result: no violation, best practices included.
Without node, chromium or axe-core (``DRYNEEDLE_AXE_NODE_PATH``) the browser part is skipped
locally and fails in CI (``CI=true``), where ``.ci/run`` installs them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SCRIPT = Path(__file__).parent / "js" / "axe_check.js"
NODE = shutil.which("node")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE_PATH = os.environ.get("DRYNEEDLE_AXE_NODE_PATH", "")
EXE = str(Path(sys.executable).parent / "dryneedle")


def _missing() -> str:
    if not NODE:
        return "node is not installed"
    if not CHROMIUM:
        return "chromium is not installed (apt-get install chromium)"
    if not (NODE_PATH and (Path(NODE_PATH) / "axe-core").is_dir()):
        return "axe-core and puppeteer-core are not installed: set DRYNEEDLE_AXE_NODE_PATH"
    return ""


def _browser_env() -> dict[str, str]:
    """The browser's environment: the machine's fonts (the tests' fontconfig has none)."""
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    return {**env, "NODE_PATH": NODE_PATH}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(home: Path):
    """``dryneedle serve`` on a free port: (its address, the process) until the block ends."""
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "DRYNEEDLE_CACHE_DIR": str(home / "cache"),
        "LANG": "C.UTF-8",
    }
    for name in ("DRYNEEDLE_CLINIC", "DRYNEEDLE_CONTENT_DIR", "DRYNEEDLE_LANG"):
        env.pop(name, None)
    port = _free_port()
    proc = subprocess.Popen(
        [EXE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail(f"dryneedle serve did not start: {proc.communicate()[1][-800:]}")
                time.sleep(0.2)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_the_process_answers_and_logs_nothing_of_a_request(tmp_path):
    with running(tmp_path) as (base, proc):
        _use_and_stop(base, proc)


def _use_and_stop(base: str, proc) -> None:
    with urllib.request.urlopen(base + "/pages/neck-pain?lang=es") as r:
        assert r.status == 200 and r.headers["Content-Security-Policy"].startswith("default-src")
    data = b"patient=Secret+Person&area=neck&format=txt"
    request = urllib.request.Request(base + "/sheets/aftercare?", data=data, method="POST")
    with urllib.request.urlopen(request) as r:
        assert b"Secret Person" in r.read() and r.headers["Cache-Control"] == "no-store"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=15)
    assert "Secret" not in err and "/sheets" not in err and "neck-pain" not in err


def test_the_desk_a_page_and_a_search_have_no_axe_violations(tmp_path):
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with running(tmp_path) as (base, _):
        urls = [
            base + "/",
            base + "/?lang=es",
            base + "/pages/neck-pain",
            base + "/pages/what-is-dry-needling?lang=fr",
            base + "/pages/tennis-elbow?lang=es",
            base + "/search?q=elbow",
            base + "/search?q=qwzx",
        ]
        done = subprocess.run(
            [NODE, str(SCRIPT), CHROMIUM, *urls],
            capture_output=True,
            text=True,
            timeout=600,
            env=_browser_env(),
        )
        assert done.returncode == 0, done.stderr[-2000:]
        found = {k: v for k, v in json.loads(done.stdout).items() if v}
        assert found == {}
