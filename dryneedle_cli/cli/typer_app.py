"""The command line as a Typer app: the app, the one error boundary, and ``main``.

The command table (``COMMANDS``) is in ``cli/__init__.py``, which hands out this module's names.

Commands live in ``cli/commands/`` (one module per group). The root group builds a command
only when it is called (``get_command``), and lists them for ``--help`` from their docstrings,
so a run pays for one command, and the help for none.
"""

import gc

# Start-up: no garbage collection while the imports below make ~100k long-lived objects
# (measured: about a tenth of a short run). Switched back on at the end of this module, so
# importing it (tests, tools) leaves the collector as it was; ``main`` keeps it off.
_GC_WAS_ON = gc.isenabled()
gc.disable()

import contextlib  # noqa: E402
import errno  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import typer  # noqa: E402
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # noqa: E402
from typer.core import TyperGroup  # noqa: E402
from typer.exceptions import Abort, Exit  # noqa: E402

from dryneedle_cli import __version__  # noqa: E402
from dryneedle_cli.cli import COMMANDS, streams  # noqa: E402
from dryneedle_cli.cli.context import Settings, say  # noqa: E402
from dryneedle_cli.cli.options import ContentDirOpt  # noqa: E402
from dryneedle_cli.errors import Ambiguous, DryneedleError, ExitCode, NotFound, exit_table  # noqa: E402

# what writing to stdout can fail with (besides a broken pipe): a full disk, a closed descriptor
_WRITE_ERRORS = {errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EROFS}
# a path the user gave that the system will not look at (a name too long, a link loop)
_BAD_PATH = {errno.ENAMETOOLONG, errno.ELOOP}


class Outcome:
    """The exit code the boundary settled on."""

    code: int = ExitCode.OK


@contextlib.contextmanager
def boundary():
    """The one error boundary: every way a run can end becomes one line and an ``ExitCode``.

    Usage errors are one line (not Click's usage block); errors a user can cause are one line
    (with close matches for a miss); a reader that went away (``| head``) is a quiet exit 0;
    any other failure to write stdout is exit 4; Ctrl-C is 130; SIGTERM in a batch is 143;
    anything else is a bug: one line and 70, or the traceback with ``DRYNEEDLE_DEBUG=1``.
    """
    outcome = Outcome()
    debug = bool(os.environ.get("DRYNEEDLE_DEBUG"))
    try:
        yield outcome
        if sys.stdout is not None:
            sys.stdout.flush()
    except Exit as e:  # --help, --version: Click's way of ending early
        outcome.code = e.exit_code
    except NoArgsIsHelpError as e:  # `dryneedle` alone: the help, as asked for
        e.show()
        outcome.code = e.exit_code
    except ClickException as e:  # bad usage: one line, not Click's usage block
        ctx = getattr(e, "ctx", None)
        hint = f" (see '{ctx.command_path} -h')" if ctx is not None else ""
        say(f"dryneedle: {' '.join(e.format_message().split())}{hint}")
        outcome.code = e.exit_code
    except DryneedleError as e:
        if debug:
            raise
        say(f"dryneedle: {e}")
        if isinstance(e, Ambiguous):
            for choice in e.suggestions:
                say(f"  {choice}")
        elif isinstance(e, NotFound) and e.suggestions:
            say(f"Did you mean: {'; '.join(e.suggestions)}?")
        outcome.code = e.exit_code
    except BrokenPipeError:
        _silence_stdout()
        outcome.code = ExitCode.OK
    except (KeyboardInterrupt, Abort):
        outcome.code = ExitCode.INTERRUPTED
    except OSError as e:
        if e.errno in _BAD_PATH and e.filename is not None:  # a path given that cannot be used
            say(f"dryneedle: cannot use {e.filename}: {e.strerror}; give a shorter or plain path")
            outcome.code = ExitCode.USAGE
        elif e.errno in _WRITE_ERRORS and e.filename is None:
            _silence_stdout()
            reason = "it is closed" if streams.stdout_closed() else (e.strerror or str(e))
            say(f"dryneedle: cannot write to standard output: {reason}")
            outcome.code = ExitCode.CANNOT_WRITE
        else:
            outcome.code = _bug(e, debug)
    except Exception as e:  # noqa: BLE001 - a bug: one line, unless debugging
        outcome.code = _bug(e, debug)
    except BaseException as e:  # SIGTERM during a batch: its workers were stopped
        from dryneedle_cli.batch import Terminated  # only a batch raises it

        if not isinstance(e, Terminated):
            raise
        outcome.code = ExitCode(e.code)


def _bug(e: Exception, debug: bool) -> ExitCode:
    if debug:
        raise e
    say(
        f"dryneedle: internal error: {type(e).__name__}: {e} "
        "(run with DRYNEEDLE_DEBUG=1 for details, and please report it)"
    )
    return ExitCode.INTERNAL


class _Group(TyperGroup):
    """The root group: commands built on demand, and every run ending in ``boundary``
    (the installed command and CliRunner alike)."""

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx, name: str):
        if name not in self.commands and name in COMMANDS:
            self.commands[name] = _command(name)
        return self.commands.get(name)

    def format_commands(self, ctx, formatter) -> None:
        """The help's command list, made as Click makes it but without building a command."""
        from typer._click.utils import make_default_short_help

        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, make_default_short_help(_help(name), limit).strip()) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = sys.argv[1:] if args is None else list(args)
        prog_name = prog_name or "dryneedle"
        self._main_shell_completion(extra, prog_name, complete_var)  # exits when completing
        with boundary() as outcome, self.make_context(prog_name, args, **extra) as ctx:
            outcome.code = self.invoke(ctx) or ExitCode.OK
        if standalone_mode:
            sys.exit(int(outcome.code))
        return outcome.code


def _target(name: str):
    """The function (or Typer sub-app) of the command ``name``."""
    return importlib.import_module(f"dryneedle_cli.cli.commands.{COMMANDS[name]}").COMMANDS[name]


def _help(name: str) -> str:
    import inspect

    target = _target(name)
    return (target.info.help if isinstance(target, typer.Typer) else inspect.getdoc(target)) or ""


def _command(name: str):
    """The Click command Typer makes for ``name``."""
    target = _target(name)
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    holder.callback()(_nothing)  # a group, so the command keeps its name
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return typer.main.get_command(holder).commands[name]


def _nothing() -> None:
    pass


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dryneedle {__version__}")
        raise typer.Exit()


def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    content_dir: ContentDirOpt = None,
) -> None:
    """A patient guide to trigger-point dry needling."""
    if "" in (content_dir or []):  # Path("") would be the current folder: never silently
        typer.echo("dryneedle: warning: --content-dir '' is empty; ignored", err=True)
    from dryneedle_cli.session import Environment

    # the run's one Environment (streams, terminals, variables, folders), passed down
    ctx.obj = Settings([p for p in content_dir or [] if p], Environment.from_process())


def build() -> typer.Typer:
    """The app: the root group; its commands are built when called."""
    application = typer.Typer(
        cls=_Group,
        name="dryneedle",
        help="A patient guide to trigger-point dry needling: clinic screen, handouts, scripts.",
        epilog=exit_table(),
        context_settings={"help_option_names": ["-h", "--help"]},
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    application.callback()(_root)
    return application


def __getattr__(name: str):
    if name == "app":  # built once on first use (tests, tools)
        globals()["app"] = build()
        return globals()["app"]
    raise AttributeError(name)


def main() -> None:
    """Console-script entry point: the app (a command is built when called), the boundary, the end.

    One answer is a short run: the collector stays off (a stream or a batch turns it back on),
    and the process ends with ``os._exit`` once stdout and stderr are flushed, skipping the
    interpreter's tear-down (a final collection over every import-time object). That is safe
    because nothing is left to finish: every file is written inside a ``with`` and renamed
    before its command returns, a batch's worker pool is shut down in a ``finally``, and the
    boundary has already flushed stdout and dealt with any failure to write it.
    """
    gc.disable()
    streams.standard()
    args = sys.argv[1:]
    command = typer.main.get_command(build())
    code = int(command.main(args, prog_name="dryneedle", standalone_mode=False))
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit cannot fail on a closed pipe."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if _GC_WAS_ON:
    gc.enable()
