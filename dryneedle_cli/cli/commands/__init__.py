"""One module per command group. Each command parses, calls, renders and returns an exit code.

Each module's ``COMMANDS`` maps a command name to its function (or to a Typer sub-app).
"""
