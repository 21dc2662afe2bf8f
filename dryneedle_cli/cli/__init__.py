"""The command line: the app, the one error boundary, and ``main``.

Commands live in ``cli/commands/`` (one module per group). The root group builds a command
only when it is called (``get_command``), and lists them for ``--help`` from their docstrings,
so a run pays for one command, and the help for none.
"""

# The app, the error boundary and ``main`` are in ``cli/typer_app.py``; this module stays light
# (no Typer) so that the fast path of ``explain WORDS`` (``dryneedle_cli/entry.py``) can import
# ``cli.output`` without Typer. ``dryneedle_cli.cli.app``, ``.main``, ``.boundary`` ... still work.

# command name -> module in cli/commands, in the order the help lists them
COMMANDS = {
    "explain": "explain",
    "prepare": "sheets",
    "aftercare": "sheets",
    "conditions": "lists",
    "evidence": "lists",
    "validate": "content",
    "paths": "content",
    "translations": "translations",
    "sheet": "sheets",
    "teachback": "record",
    "note": "record",
    "screen": "screening",
    "clinic": "clinic",
    "review": "review",
    "serve": "serve",
    "export": "export",
}


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    import importlib
    import importlib.util

    if importlib.util.find_spec(f"{__name__}.{name}") is not None:
        raise AttributeError(name)  # a submodule (``from dryneedle_cli.cli import output``)
    typer_app = importlib.import_module("dryneedle_cli.cli.typer_app")
    try:
        return getattr(typer_app, name)
    except AttributeError:
        raise AttributeError(f"module 'dryneedle_cli.cli' has no attribute {name!r}") from None
