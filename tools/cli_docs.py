"""Write docs/cli.md from the live --help of every command, walking the app's command tree.

    python tools/cli_docs.py          # rewrite docs/cli.md
    python tools/cli_docs.py --check  # exit 1 if docs/cli.md is out of date

Every command and sub-command the app has is listed (as sqlite-utils' cog loop does), so a new
command appears without editing this file. The help is taken at a fixed width (100 columns) so
the file does not depend on the terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import typer  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from dryneedle_cli.cli import app  # noqa: E402

DOC = ROOT / "docs" / "cli.md"


def command_paths() -> list[list[str]]:
    """Every command path, depth first in the order the help lists them: [], [explain], ..."""
    root = typer.main.get_command(app)
    ctx = typer.Context(root, info_name="dryneedle")
    out: list[list[str]] = []

    def walk(command, words: list[str]) -> None:
        out.append(words)
        list_commands = getattr(command, "list_commands", None)
        for name in list_commands(ctx) if list_commands else []:
            walk(command.get_command(ctx, name), [*words, name])

    walk(root, [])
    return out


def generate() -> str:
    runner = CliRunner()
    parts = [
        "# dryneedle command reference",
        "",
        "Generated from the live `--help` by `python tools/cli_docs.py`; do not edit by hand.",
        "",
    ]
    for words in command_paths():
        result = runner.invoke(
            app, [*words, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
        )
        if result.exit_code != 0:
            raise RuntimeError(f"dryneedle {' '.join(words)} --help failed: {result.output}")
        parts += [f"## dryneedle {' '.join(words)}".rstrip(), "", "```text"]
        parts += [line.rstrip() for line in result.stdout.strip("\n").splitlines()]
        parts += ["```", ""]
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = generate()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run python tools/cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
