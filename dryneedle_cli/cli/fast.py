"""Two command lines answered without importing Typer (a quarter of a short run): ``explain
WORDS`` and ``--help``.

Typer stays the one definition of the command line. ``fast_table.py`` is made from the Typer
app by ``tools/fast_table.py`` (a test checks it is current): the options of ``explain`` that
``parse`` may read, and the text Typer prints for ``--help``. Any command line this module is
not certain about (an option not in the table, '--', -h after a command, --x=y, a value
that looks like an option, a choice not in the list, shell completion, no words, a terminal
narrower than the help was made for) gives None: Typer takes it. ``tests/test_fast_path.py``
runs a corpus of command lines both ways and compares them.

``answer`` is the work of ``explain``; the Typer command (``commands/explain.py``) calls it too.
"""

from __future__ import annotations

import importlib
import os
import sys

from dryneedle_cli.cli import fast_table as table


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
    if not args or args[0] != table.COMMAND or _completing(environ):
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
        elif token.startswith("-") and token != "-":  # a lone '-' is a word to Click: stdin
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


def _import_msgspec() -> None:
    """Import msgspec without ``typing_extensions`` (measured: about a tenth of a run).

    msgspec takes ``get_type_hints`` from ``typing_extensions`` when it can import it, else from
    ``typing``; the two differ only for TypedDict qualifiers (``Required``, ``ReadOnly``), and
    no knowledge model is a TypedDict. Importing ``typing_extensions`` costs about 9 ms and
    pulls ``inspect`` (``ast``, ``dis``, ``tokenize``: about 8 ms more). It is hidden only while
    msgspec is imported; anything imported later (Typer, on an error) gets it as usual.
    """
    if "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # an import of it raises ImportError
    try:
        import msgspec  # noqa: F401
    finally:
        del sys.modules["typing_extensions"]


def _completing(environ) -> bool:
    """Shell completion asks Typer (``_DRYNEEDLE_COMPLETE``, ``_TYPER_COMPLETE_ARGS`` ...)."""
    return any(name.startswith(("_DRYNEEDLE", "_TYPER")) for name in environ)


def is_help(args: list[str], environ) -> bool:
    """``dryneedle --help`` (or -h) whose text Typer would print exactly as the table holds it:
    a terminal (or ``COLUMNS``) at least as wide as the text was made for, and the same
    commands as the app has now."""
    if len(args) != 1 or args[0] not in table.HELP_OPTIONS or _completing(environ):
        return False
    from dryneedle_cli.cli import COMMANDS

    return tuple(COMMANDS) == table.HELP_COMMANDS and _columns(environ) >= table.HELP_COLUMNS


def _columns(environ) -> int:
    """The width Click formats help for: ``shutil.get_terminal_size().columns`` (its steps,
    without importing shutil)."""
    try:
        columns = int(environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns


def _plain_text(token: str) -> bool:
    """Text a UTF-8 terminal could have typed (no undecodable bytes, no NUL): else Typer."""
    try:
        token.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in token


def run(args: list[str]) -> int | None:
    """Answer ``explain WORDS`` or ``--help`` without Typer; None when Typer should take the
    command line.

    The run ends as Typer's does: stdout flushed inside the boundary, and any exception handed
    to the same boundary (``typer_app.boundary``, imported only then), so error lines and exit
    codes are the same.
    """
    helping = is_help(args, os.environ)
    params = None if helping else parse(args, os.environ)
    if params is None and not helping:
        return None
    from dryneedle_cli.cli import streams

    streams.standard()
    try:
        if helping:
            sys.stdout.write(table.HELP)
            code = 0
        else:
            from dryneedle_cli import deferred

            deferred.load("pathlib", "pathlib")  # without urllib.parse (``deferred``)
            from dryneedle_cli.cli.context import Settings

            _import_msgspec()
            from dryneedle_cli.session import Environment  # after msgspec: it imports it

            code = answer(Settings([], Environment.from_process()), **params)
        if sys.stdout is not None:
            sys.stdout.flush()
    except BaseException as e:  # noqa: BLE001 - handed to the one boundary
        from dryneedle_cli.cli.typer_app import boundary

        with boundary() as outcome:
            raise e
        code = outcome.code
    return int(code or 0)
