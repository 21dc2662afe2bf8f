"""The documentation: a short README, links that lead somewhere in the repository, nothing
that points outside it, and the exit-code table in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dryneedle_cli.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
# pages another change has still to write (none now)
NOT_YET: set[str] = set()
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _headings(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown page."""
    found, fence = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and (m := re.match(r"#+ (.*)", line)):
            found.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return found


def test_the_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    setup = lines[lines.index("## Set up") :]
    block = setup[setup.index("```sh") + 1 : setup.index("```")]
    assert len(block) == 2  # the two set-up lines, first
    assert "dryneedle explain neck" in block[0] and '".[test]"' in block[1]
    assert "pytest -n auto" in block[1]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_lead_somewhere_in_the_repository(page):
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text and "/work/" not in text
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.is_relative_to(ROOT), f"{page.name}: {target} leaves the repository"
        if str(file.relative_to(ROOT)) in NOT_YET:
            continue
        assert file.exists(), f"{page.name}: {target} does not exist"
        if anchor and file.suffix == ".md":
            assert anchor in _headings(file), f"{page.name}: no heading for {target}"


def _cli_docs():
    import importlib.util

    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "tools" / "cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_exit_code_table_is_the_codes_the_program_uses():
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    table = text[text.index("## Exit codes") :].split("\n\n")[1]
    codes = {int(m) for m in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert codes == {int(code) for code in ExitCode}
    # and it is the table tools/cli_docs.py writes from errors.py, word for word
    assert _cli_docs().with_exit_table(text) == text, "run: python tools/cli_docs.py"


def test_a_changed_exit_code_row_is_found():
    tool = _cli_docs()
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    for changed in (
        text.replace("| 4 | output could not be written", "| 4 | output not written"),
        text.replace("| 143 |", "| 144 |"),
        text.replace("| 130 | interrupted", "| 130 | interrupted\n| 131 | killed |"),
    ):
        assert changed != text
        assert tool.with_exit_table(changed) != changed
        assert tool.with_exit_table(changed) == text


def test_the_readme_names_every_exit_code():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    sentence = " ".join(text[text.index("Exit\ncodes:") :].split("(")[0].split())
    assert {int(n) for n in re.findall(r"\b(\d+) ", sentence)} == {int(c) for c in ExitCode}
