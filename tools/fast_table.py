"""Write dryneedle_cli/cli/fast_table.py, read from the Typer app itself: the options of
``dryneedle explain`` that the fast path (``cli/fast.py``) may parse, and the text of
``dryneedle --help``.

    python tools/fast_table.py          # rewrite the table
    python tools/fast_table.py --check  # exit 1 if the table is not current

Typer stays the one definition of the command line: this table is made from the Click command
Typer builds, and tests/test_fast_path.py checks it is current (as for docs/cli.md). An option
the fast path cannot take exactly as Click does (a path, a list, an environment variable, a
callback, an eager option such as --help) is left out of the table, so a command line that has
it goes to Typer. Run it after changing a command's options or the root help (a new command).
"""

from __future__ import annotations

import enum
import json
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dryneedle_cli.cli import typer_app  # noqa: E402

TABLE = ROOT / "dryneedle_cli" / "cli" / "fast_table.py"
COMMAND = "explain"


def _enum_of(func, name: str) -> str | None:
    """'module:Name' of the Enum a parameter is declared as, else None."""
    hint = typing.get_type_hints(func, include_extras=True).get(name)
    base = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return f"{base.__module__}:{base.__qualname__}"
    return None


def _py(value) -> str:
    """A literal as ruff formats it (double quotes), so that formatting never changes the table."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # its escapes are Python's too
    if isinstance(value, tuple):
        return "(" + ", ".join(_py(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def _dict(name: str, mapping: dict) -> list[str]:
    if not mapping:
        return [f"{name} = {{}}"]
    return [f"{name} = {{", *(f"    {_py(k)}: {_py(v)}," for k, v in mapping.items()), "}"]


def generate() -> str:
    from typer._click import types
    from typer._types import TyperChoice

    command = typer_app._command(COMMAND)
    if (
        command.context_settings
        or not command.allow_interspersed_args
        or command.ignore_unknown_options
        or command.allow_extra_args
    ):
        raise SystemExit(f"'{COMMAND}' parses its command line unusually: no fast path table")
    func = typer_app._target(COMMAND)
    flags: dict[str, tuple[str, bool]] = {}
    values: dict[str, tuple[str, tuple[str, ...] | None]] = {}
    defaults: dict[str, object] = {}
    enums: dict[str, str] = {}
    argument = None
    for p in command.params:
        plain = (
            p.envvar is None
            and p.callback is None
            and not p.is_eager
            and p.expose_value
            and not p.required
            and not p.multiple
        )
        if p.param_type_name == "argument":
            if not (plain and p.nargs == -1 and p.type is types.STRING and argument is None):
                raise SystemExit(f"'{COMMAND}' has an argument the fast path cannot take: {p.name}")
            argument = p.name
            continue
        assert p.param_type_name == "option", p
        default = p.default.value if isinstance(p.default, enum.Enum) else p.default
        if default not in (None, False, True) and not isinstance(default, str):
            raise SystemExit(f"'{COMMAND}' has a default the table cannot hold: {p.name}")
        defaults[p.name] = default
        if not plain or p.nargs != 1 or getattr(p, "count", False):
            continue  # not in the table: a command line with it goes to Typer
        if p.is_flag and p.is_bool_flag:
            flags.update({opt: (p.name, True) for opt in p.opts})
            flags.update({opt: (p.name, False) for opt in p.secondary_opts})
        elif not p.is_flag and p.type is types.STRING:
            values.update({opt: (p.name, None) for opt in p.opts})
        elif not p.is_flag and isinstance(p.type, TyperChoice):
            choices = tuple(str(c.value if isinstance(c, enum.Enum) else c) for c in p.type.choices)
            values.update({opt: (p.name, choices) for opt in p.opts})
            found = _enum_of(func, p.name)
            if found:
                enums[p.name] = found
    lines = [
        '"""What the fast path (cli/fast.py) may answer without Typer: the options of ``dryneedle',
        "explain`` and the text of ``dryneedle --help``. MADE from the Typer app by",
        "tools/fast_table.py (do not edit; tests/test_fast_path.py checks it is current).",
        "",
        "Anything else on a command line (an option not here, '--', -h, --x=y) goes to Typer.",
        '"""',
        "",
        f"COMMAND = {_py(COMMAND)}",
        f"ARGUMENT = {_py(argument)}  # the words: every token not starting with '-', and '-'",
        "# option -> (parameter, the value it sets)",
        *_dict("FLAGS", flags),
        "# option -> (parameter, its choices or None for any text); the value is the next token",
        *_dict("VALUES", values),
        *_dict("DEFAULTS", defaults),
        "# parameter -> the Enum ('module:Name') Typer turns its choice into",
        *_dict("ENUMS", enums),
        *help_lines(),
        "",
    ]
    return "\n".join(lines)


def _help(columns: int) -> str:
    """What ``dryneedle --help`` prints on a terminal ``columns`` wide (``COLUMNS``)."""
    import io
    import os
    from contextlib import redirect_stderr, redirect_stdout

    import typer

    group = typer.main.get_command(typer_app.build())
    out, err = io.StringIO(), io.StringIO()
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = group.main(["--help"], prog_name="dryneedle", standalone_mode=False)
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before
    if code != 0 or err.getvalue():
        raise SystemExit(f"dryneedle --help failed: {code} {err.getvalue()!r}")
    return out.getvalue()


def help_lines() -> list[str]:
    """The root help, and the narrowest terminal that shows it so (Click wraps the help at
    most 80 columns wide, so every terminal from there up gets the same text)."""
    import typer

    from dryneedle_cli.cli import COMMANDS

    text = _help(1000)
    low, high = 20, 1000  # the narrowest width that gives ``text`` is in (low, high]
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if _help(middle) == text else (middle, high)
    columns = high
    if any(_help(c) != text for c in (columns, columns + 1, 2 * columns, 10 * columns)):
        raise SystemExit("the help text depends on the terminal width in a way not understood")
    group = typer.main.get_command(typer_app.build())
    options = tuple(group.context_settings.get("help_option_names", ["--help"]))
    return [
        "# dryneedle --help (or -h): its text on a terminal at least HELP_COLUMNS wide, and the",
        "# commands it lists (the fast path hands over to Typer if the app has others)",
        f"HELP_OPTIONS = {_py(options)}",
        f"HELP_COLUMNS = {columns}",
        "HELP_COMMANDS = (",
        *(f"    {_py(name)}," for name in COMMANDS),
        ")",
        "HELP = (",
        *(f"    {_py(line)}" for line in text.splitlines(keepends=True)),
        ")",
    ]


def main() -> int:
    text = generate()
    if "--check" in sys.argv:
        current = TABLE.read_text(encoding="utf-8") if TABLE.exists() else ""
        if current != text:
            print(f"{TABLE} is not current: run python tools/fast_table.py", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
