"""Write docs/cli.md from the live --help of every command.

    python tools/cli_docs.py          # rewrite docs/cli.md
    python tools/cli_docs.py --check  # exit 1 if docs/cli.md is out of date

The help is taken at a fixed width (100 columns) so the file does not depend on the terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from typer.testing import CliRunner  # noqa: E402

from dryneedle_cli.cli import app  # noqa: E402

DOC = ROOT / "docs" / "cli.md"
COMMANDS = [
    [],
    ["explain"],
    ["prepare"],
    ["aftercare"],
    ["conditions"],
    ["evidence"],
    ["sheet"],
    ["clinic"],
    ["clinic", "init"],
]


def generate() -> str:
    runner = CliRunner()
    parts = [
        "# dryneedle command reference",
        "",
        "Generated from the live `--help` by `python tools/cli_docs.py`; do not edit by hand.",
        "",
    ]
    for words in COMMANDS:
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
