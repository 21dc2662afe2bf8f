"""The wheel carries the knowledge files and works from a fresh environment."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    (found,) = out.glob("dryneedle-*.whl")
    return found


def test_wheel_contains_the_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "dryneedle_cli/data/references.yaml" in names
    assert "dryneedle_cli/data/conditions/neck-pain.yaml" in names
    assert "dryneedle_cli/data/sheets/aftercare.yaml" in names


def test_explain_neck_from_a_fresh_environment(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    # The dependencies come from this test environment (no network at test time); the
    # package itself only from the wheel: a .pth adds a folder without running its .pth files,
    # so an editable install of the checkout there stays inactive.
    site = Path(
        subprocess.check_output(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    run_env = {"PATH": "/usr/bin:/bin", "DRYNEEDLE_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [str(env_dir / "bin" / "dryneedle"), "explain", "neck"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=run_env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Neck pain\n")
    where = subprocess.check_output(
        [str(py), "-c", "from dryneedle_cli.env import data_dir; print(data_dir())"],
        text=True,
        cwd=tmp_path,
        env=run_env,
    ).strip()
    assert where.startswith(str(env_dir)) and where.endswith("dryneedle_cli/data")
