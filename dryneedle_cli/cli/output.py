"""Which screen format a run uses (decided once), and showing one answer or a stream of them."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Mapping

from dryneedle_cli.cli.color import Color
from dryneedle_cli.cli.context import Settings, say, session_query, tell
from dryneedle_cli.errors import Ambiguous, ExitCode, NotFound, UsageError

MAX_QUERY = 1000  # characters: a longer query (argument or stdin line) is not looked up


def choose_format(
    json_flag: bool, plain_flag: bool, color: Color, env: Mapping[str, str], isatty: bool
) -> str:
    """json, plain or terminal: flags first, then --color, then the environment and the terminal.

    Pure: the caller passes the environment and whether stdout is a terminal.
    """
    if json_flag and plain_flag:
        raise UsageError("choose one of --json and --plain")
    if json_flag:
        return "json"
    if plain_flag or color is Color.never:
        return "plain"
    if color is Color.always or env.get("FORCE_COLOR", "0") not in ("", "0"):
        return "terminal"
    if not isatty or env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return "plain"
    return "terminal"


def choose_pager(fmt: str, no_pager: bool, env: Mapping[str, str], isatty: bool) -> str | None:
    """The pager command for a long page: only on a terminal (``PAGER``, else ``less -R``),
    never when piped or with ``--no-pager``. Pure, like ``choose_format``."""
    if fmt != "terminal" or no_pager or not isatty:
        return None
    return env.get("PAGER") or "less -R"


def renderer_for(
    json_flag: bool,
    plain_flag: bool,
    color: Color = Color.auto,
    refs: bool = False,
    no_pager: bool = True,
    env=None,
):
    """The renderer of this run, from the flags, the environment and stdout (``env``: the
    run's ``session.Environment``; None: the process's)."""
    from dryneedle_cli.render import screen

    if env is None:
        from dryneedle_cli.session import Environment

        env = Environment.from_process()
    tty = env.stdout_isatty
    fmt = choose_format(json_flag, plain_flag, color, env.environ, tty)
    return screen(
        fmt,
        force_terminal=True if color is Color.always else None,
        refs=refs,
        pager=choose_pager(fmt, no_pager, env.environ, tty),
    )


def _too_long() -> NotFound:
    return NotFound(f"the query is longer than {MAX_QUERY} characters; nothing was looked up")


def show(
    settings: Settings,
    command: str,
    view_of: Callable,
    json_: bool,
    plain: bool,
    color: Color,
    words: list[str] | None = None,
    header: bool = False,
    refs: bool = False,
    no_pager: bool = True,
    clinic=None,
    lang: str | None = None,
) -> ExitCode:
    """Answer one query, or with the word '-' every line of stdin; the exit code.

    ``clinic`` is the --clinic flag: the profile found (flag, environment, config) gives the
    screen the clinic's name and emergency number, as on its sheets, and its language.
    ``lang``: the --lang flag.
    """
    renderer = renderer_for(json_, plain, color, refs, no_pager, settings.env)
    session = settings.session(clinic)
    tell(session.profile.notes)
    q = session_query(session, lang)
    view_of = _stamped(view_of)
    if words == ["-"]:
        return _stream(command, q, view_of, renderer, header, settings.env.stdin)
    text = " ".join(words) if words else None
    if text is not None and len(text) > MAX_QUERY:
        raise _too_long()
    renderer.show(view_of(q, text), header=header)
    return ExitCode.OK


def _stamped(view_of: Callable) -> Callable:
    """``view_of`` with every page it gives stamped with its review status (``status.stamp``:
    refused under the profile's require_approval unless approved); lists and references are
    clinician views and pass as they are."""

    def stamped(q, words):
        view = view_of(q, words)
        if getattr(view, "RENDER", None) != "page":
            return view
        from dryneedle_cli.status import stamp

        return stamp(q, view)

    return stamped


def _stream(command: str, q, view_of, renderer, header: bool, stdin=None) -> ExitCode:
    """One answer per line of stdin; a miss is a record (JSON) or a line on stderr, not an end."""
    import gc

    from dryneedle_cli.views import Missing

    gc.enable()  # a long run: main() switched the collector off for one answer
    all_found = True
    # a line ends at \n, \r\n or a lone \r (old Mac files, a terminal in raw mode)
    stdin = sys.stdin if stdin is None else stdin
    with contextlib.suppress(AttributeError, ValueError, OSError):
        stdin.reconfigure(newline=None)
    for raw in _lines(stdin, MAX_QUERY):
        text = raw.strip()
        if not text:
            continue
        try:
            if len(text) > MAX_QUERY:
                text = text[:40] + "…"
                raise _too_long()
            view = view_of(q, text)
        except NotFound as e:
            all_found = False
            view = Missing(command, text, str(e), e.suggestions)
            if not renderer.records_misses:  # else the miss is a record on stdout
                ask = "one of" if isinstance(e, Ambiguous) else "did you mean"
                hint = f" ({ask}: {'; '.join(e.suggestions)}?)" if e.suggestions else ""
                say(f"dryneedle: {e}{hint}")
        renderer.show(view, stream=True, query=text, header=header)
        header = False  # a header line only once, before the first record
    return ExitCode.OK if all_found else ExitCode.NOT_FOUND


def _lines(stream, limit: int):
    """The lines of ``stream``; a line longer than ``limit`` is cut short and the rest skipped,
    so one enormous line costs no memory (the caller sees it is too long)."""
    while True:
        raw = stream.readline(limit + 2)
        if not raw:
            return
        if len(raw) > limit + 1 and not raw.endswith("\n"):
            while True:  # skip the rest of the line in bounded pieces
                rest = stream.readline(65536)
                if not rest or rest.endswith("\n"):
                    break
        yield raw
