"""dryneedle serve: the guide over HTTP (issue 24; docs/service.md)."""

import os
from typing import Annotated

import typer

from dryneedle_cli.cli.context import say, settings, tell
from dryneedle_cli.cli.options import ClinicOpt
from dryneedle_cli.errors import DryneedleError, ExitCode, UsageError

# the service's settings, handed to each worker process (uvicorn starts them afresh)


class MissingExtra(DryneedleError):
    """Starlette or uvicorn is not installed: the optional extra ``serve``."""

    exit_code = ExitCode.BAD_CONTENT


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; another than loopback only when asked.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Processes, each with its own copy of the content.")
    ] = 1,
    clinic: ClinicOpt = None,
    content_dir: Annotated[
        list[str] | None,
        typer.Option(
            "--content-dir",
            metavar="<path>",
            help="A folder of the clinic's own knowledge files (repeatable; the first wins).",
        ),
    ] = None,
    frame_ancestors: Annotated[
        str,
        typer.Option(
            help="Who may show the pages in a frame (CSP frame-ancestors), e.g. "
            "'https://ehr.example.org'."
        ),
    ] = "'none'",
) -> ExitCode:
    """Serve the guide over HTTP: the front desk, pages, search, sheets and their JSON.

    Needs the optional extra: pip install "dryneedle[serve]". Listens on 127.0.0.1:8000 unless
    told otherwise; put it behind a TLS proxy to serve another machine (docs/service.md). The
    content is loaded once per process and only read; nothing about a patient is stored or
    logged (no access log). Ctrl-C stops it.
    """
    try:
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        raise MissingExtra(
            'serve needs the optional extra: pip install "dryneedle[serve]"'
        ) from None
    import json

    if any(c in frame_ancestors for c in ";,\r\n\0"):
        raise UsageError("--frame-ancestors: give sources separated by spaces, no ';' or ','")
    dirs = [*settings(ctx).content_dirs, *(p for p in content_dir or [] if p)]
    config = {"content_dirs": dirs, "clinic": str(clinic) if clinic else None,
              "frame_ancestors": frame_ancestors}  # fmt: skip
    from dryneedle_cli.serve.main import build

    app = build(config)  # loads the content once: a bad clinic file stops here, exit 3
    tell(app.state.service.notes)
    if host not in ("127.0.0.1", "::1", "localhost"):
        say(
            f"dryneedle: note: listening on {host}: anyone who can reach it can use it; "
            "put a TLS proxy in front (docs/service.md)"
        )
    say(f"dryneedle: serving on http://{_shown(host)}:{port}/ (Ctrl-C stops)")
    options = {"host": host, "port": port, "access_log": False, "server_header": False,
               "log_level": "warning", "proxy_headers": False}  # fmt: skip
    if workers == 1:
        return run_until_signal(uvicorn, app, options)
    else:
        from dryneedle_cli.serve.main import CONFIG_ENV

        os.environ[CONFIG_ENV] = json.dumps(config)
        uvicorn.run("dryneedle_cli.serve.main:from_environment", factory=True,
                    workers=workers, **options)  # fmt: skip
    return ExitCode.OK


# how a signal's stop ends the command (dryneedle_cli/errors.py): after a clean shutdown
STOPPED_BY = {"SIGINT": ExitCode.INTERRUPTED, "SIGTERM": ExitCode.TERMINATED,
              "SIGHUP": ExitCode.HANGUP}  # fmt: skip


def exit_code_of(signals) -> ExitCode:
    """The command's code once the server stopped on ``signals`` (the first one counts)."""
    import signal

    for sig in signals:
        return STOPPED_BY.get(signal.Signals(sig).name, ExitCode.INTERRUPTED)
    return ExitCode.OK


def server_class(uvicorn):
    """uvicorn's Server, stopping cleanly on SIGHUP too (the terminal closed: uvicorn alone
    dies of it, mid-request) and not raising the signal again once stopped (uvicorn does, so
    SIGINT ended as exit 0 and SIGTERM as a death by signal): ``run_until_signal`` returns
    the documented code instead."""
    import contextlib
    import signal
    import threading

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
            original = {sig: signal.signal(sig, self.handle_exit) for sig in sigs}
            try:
                yield
            finally:
                for sig, handler in original.items():
                    signal.signal(sig, handler)

        def handle_exit(self, sig, frame):
            self.stopped_by = [*getattr(self, "stopped_by", []), sig]
            super().handle_exit(sig, frame)

    return Server


def run_until_signal(uvicorn, app, options: dict) -> ExitCode:
    """One process: serve until a signal stops it; 0, or 130 / 143 / 129 for SIGINT, SIGTERM
    or SIGHUP; 3 (uvicorn's code) when it could not start, uvicorn having said why."""
    server = server_class(uvicorn)(uvicorn.Config(app, **options))
    server.run()
    if not server.started:
        return ExitCode.BAD_CONTENT  # e.g. the port is in use
    return exit_code_of(getattr(server, "stopped_by", []))


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host


COMMANDS = {"serve": serve}
