"""One module per command group. Each command parses, calls, renders and returns an exit code.

No ``from __future__ import annotations`` here: Typer reads the signatures, and real
annotations (not strings to evaluate) halve the time it takes to build a command.

Each module's ``COMMANDS`` maps a command name to its function (or to a Typer sub-app).
"""
