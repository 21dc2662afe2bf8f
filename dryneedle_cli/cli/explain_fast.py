"""``dryneedle explain WORDS`` without importing Typer: the common run, started in about two
thirds of the time (Typer's import is a quarter of a short run).

Typer stays the one definition of the command line. ``parse`` reads only what the table
``explain_table.py`` holds, and that table is made from the Typer app by
``tools/explain_table.py`` (a test checks it is current). Any command line ``parse`` is not
certain about (an option not in the table, '-', '--', -h, --x=y, a value that looks like an
option, a choice not in the list, shell completion, no words) gives None: Typer takes it.
``tests/test_explain_fast.py`` runs a corpus of command lines both ways and compares them.

``answer`` is the command's work; the Typer command (``commands/explain.py``) calls it too.
"""

from __future__ import annotations

import importlib
import os
import sys

from dryneedle_cli.cli import explain_table as table


def answer(settings, words, json_, plain, color, clinic, refs, no_pager, lang):
    """What ``dryneedle explain`` does once its command line is parsed; the exit code."""
    from dryneedle_cli.cli.output import show

    view_of = lambda q, w: q.explain(w)  # noqa: E731
    return show(
        settings,
        "explain",
        view_of,
        json_,
        plain,
        color,
        words,
        refs=refs,
        no_pager=no_pager,
        clinic=clinic,
        lang=lang,
    )


def parse(args: list[str], environ) -> dict | None:
    """The parameters of ``explain`` as Typer would pass them, or None: let Typer parse it."""
    if not args or args[0] != table.COMMAND:
        return None
    if any(name.startswith(("_DRYNEEDLE", "_TYPER")) for name in environ):  # shell completion
        return None
    params = dict(table.DEFAULTS)
    words: list[str] = []
    rest = iter(args[1:])
    for token in rest:
        if not _plain_text(token):
            return None
        if token in table.FLAGS:
            name, value = table.FLAGS[token]
            params[name] = value
        elif token in table.VALUES:
            name, choices = table.VALUES[token]
            value = next(rest, None)
            if value is None or not value or value.startswith("-") or not _plain_text(value):
                return None
            if choices is not None and value not in choices:
                return None
            params[name] = value
        elif token.startswith("-"):
            return None
        else:
            words.append(token)
    if not words:
        return None
    for name, where in table.ENUMS.items():
        module, _, attr = where.partition(":")
        params[name] = getattr(importlib.import_module(module), attr)(params[name])
    params[table.ARGUMENT] = words
    return params


def _plain_text(token: str) -> bool:
    """Text a UTF-8 terminal could have typed (no undecodable bytes, no NUL): else Typer."""
    try:
        token.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in token


def run(args: list[str]) -> int | None:
    """Answer ``explain WORDS`` without Typer; None when Typer should take the command line.

    The run ends as Typer's does: stdout flushed inside the boundary, and any exception handed
    to the same boundary (``typer_app.boundary``, imported only then), so error lines and exit
    codes are the same.
    """
    params = parse(args, os.environ)
    if params is None:
        return None
    from dryneedle_cli.cli import streams

    streams.standard()
    try:
        from dryneedle_cli.cli.context import Settings

        code = answer(Settings([]), **params)
        if sys.stdout is not None:
            sys.stdout.flush()
    except BaseException as e:  # noqa: BLE001 - handed to the one boundary
        from dryneedle_cli.cli.typer_app import boundary

        with boundary() as outcome:
            raise e
        code = outcome.code
    return int(code or 0)
