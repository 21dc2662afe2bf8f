"""HTML sheets and forms have no axe-core violations, best practices included (issue 23).

Debian's ``chromium`` opens each file; axe-core and puppeteer-core come from npm, installed by
``.ci/run`` with ``PUPPETEER_SKIP_DOWNLOAD=1`` into a temporary folder named by
``DRYNEEDLE_AXE_NODE_PATH``. Without node, chromium or those packages the test is skipped and
says which one is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout, printed
from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.render import html
from dryneedle_cli.render import html as form_html

SCRIPT = Path(__file__).parent / "js" / "axe_check.js"
NODE = shutil.which("node")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE_PATH = os.environ.get("DRYNEEDLE_AXE_NODE_PATH", "")


def _missing() -> str:
    if not NODE:
        return "node is not installed"
    if not CHROMIUM:
        return "chromium is not installed (apt-get install chromium)"
    if not (NODE_PATH and (Path(NODE_PATH) / "axe-core").is_dir()):
        return (
            "axe-core and puppeteer-core are not installed: set DRYNEEDLE_AXE_NODE_PATH to a "
            "node_modules folder made with PUPPETEER_SKIP_DOWNLOAD=1 npm install axe-core "
            "puppeteer-core (.ci/run does)"
        )
    return ""


pytestmark = [pytest.mark.e2e, pytest.mark.skipif(bool(_missing()), reason=_missing())]
CLINIC = Clinic(name="Harbour Physio", phone="555 0100", emergency_number="000")


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_html_sheets_and_forms_have_no_axe_violations(tmp_path, lang):
    files = []
    if True:
        for clinic in (None, CLINIC):
            q = query(Settings(), handout.values_for(clinic), quiet=True, lang=lang)
            for which in ("aftercare", "prepare"):
                for large in (False, True):
                    h = printed.make(
                        q, which, ["neck"], clinic=clinic, patient="Zoë שרה",
                        clinician="Dr Ana Ruiz", date="2026-11-23", next_visit="Tue 4 pm",
                        paper="a4", large_print=large, notes=("Ice tonight.",) if clinic else (),
                    )  # fmt: skip
                    f = tmp_path / f"{which}-{lang}-{bool(clinic)}-{large}.html"
                    f.write_bytes(html.render(h))
                    files.append(f)
            for which, copies in (("screening", 1), ("consent", 2)):
                h = printed.make(
                    q, which, ["neck"], clinic=clinic, patient="Zoë", clinician="Dr Ana Ruiz",
                    date="2026-11-23", paper="letter", large_print=False, copies=copies,
                )  # fmt: skip
                f = tmp_path / f"{which}-{lang}-{bool(clinic)}.html"
                f.write_bytes(form_html.render(h))
                files.append(f)
    env = {**os.environ, "NODE_PATH": NODE_PATH}
    done = subprocess.run(
        [NODE, str(SCRIPT), CHROMIUM, *map(str, files)],
        capture_output=True, text=True, timeout=900, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    found = {Path(k).name: v for k, v in json.loads(done.stdout).items() if v}
    assert found == {}
