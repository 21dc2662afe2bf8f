"""The ``dryneedle`` console script.

The collector is switched off before anything else is imported: the imports make about 100k
long-lived objects, and a collection over them (which importing ``cli.typer_app`` with the
collector on would end with) costs about 4% of a short run. ``explain WORDS`` is answered
without importing Typer when ``cli.fast`` is certain how Typer would parse it; every
other command line goes to the Typer app (``cli.typer_app.main``), with pathlib imported
first without ``urllib.parse`` (``deferred``). Both end with ``os._exit``.
"""

import gc

gc.disable()


def main() -> None:
    import contextlib
    import os
    import sys

    from dryneedle_cli.cli import fast

    code = fast.run(sys.argv[1:])
    if code is None:
        from dryneedle_cli import deferred

        deferred.load("pathlib", "pathlib")  # Typer imports it; without urllib.parse
        from dryneedle_cli.cli.typer_app import main as typer_main

        typer_main()  # does not return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
