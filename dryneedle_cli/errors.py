"""The error types a user can cause, each with its documented exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Every exit status the program uses; the help's exit-code table is made from this."""

    OK = 0
    NOT_FOUND = 1
    USAGE = 2
    BAD_CONTENT = 3
    CANNOT_WRITE = 4
    INTERNAL = 70
    HANGUP = 129
    INTERRUPTED = 130
    TERMINATED = 143

    @property
    def meaning(self) -> str:
        """In a few words: the help's exit-code table."""
        return _MEANINGS[self]

    @property
    def detail(self) -> str:
        """In full: docs/reference.md's exit-code table (``tools/cli_docs.py`` writes it)."""
        return _DETAILS[self]


_MEANINGS = {
    ExitCode.OK: "ok",
    ExitCode.NOT_FOUND: "nothing found (close matches on stderr)",
    ExitCode.USAGE: "bad usage",
    ExitCode.BAD_CONTENT: "invalid content or configuration",
    ExitCode.CANNOT_WRITE: "output could not be written",
    ExitCode.INTERNAL: "internal error (a bug; DRYNEEDLE_DEBUG=1 shows the details)",
    ExitCode.HANGUP: "stopped by SIGHUP: the terminal closed (a batch of sheets)",
    ExitCode.INTERRUPTED: "interrupted",
    ExitCode.TERMINATED: "stopped by SIGTERM (a batch of sheets)",
}


_DETAILS = {
    ExitCode.OK: "ok",
    ExitCode.NOT_FOUND: "nothing found (close matches on stderr)",
    ExitCode.USAGE: "bad usage (unknown option, `--json` with `--plain`)",
    ExitCode.BAD_CONTENT: "invalid content or configuration (the message names file, line and "
    'field); also `dryneedle serve` without its optional extra (`pip install "dryneedle[serve]"`)',
    ExitCode.CANNOT_WRITE: "output could not be written (also a closed stdout or a full disk)",
    ExitCode.INTERNAL: "internal error: a bug, never anything a user can cause; run with "
    "`DRYNEEDLE_DEBUG=1` and report it",
    ExitCode.HANGUP: "stopped by SIGHUP: the terminal closed (a batch stops its workers and "
    "leaves no partial files; under `nohup` it goes on; `serve` stops cleanly)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C; `serve` answers the requests under way first)",
    ExitCode.TERMINATED: "stopped by SIGTERM (a batch stops its workers and leaves no partial "
    "files; `serve` stops cleanly)",
}


def exit_table() -> str:
    """The exit codes as the help's epilog shows them (\\b keeps Click from rewrapping)."""
    rows = [f"  {code.value:<4} {code.meaning}" for code in ExitCode]
    return "\b\nExit codes:\n" + "\n".join(rows) + "\n"


class DryneedleError(Exception):
    """Base for every error a user can cause. The message is one line, ready for stderr."""

    exit_code = ExitCode.NOT_FOUND


class NotFound(DryneedleError):
    """A query matched nothing. ``suggestions`` holds up to three close matches."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        super().__init__(message)
        self.suggestions = suggestions


class Ambiguous(NotFound):
    """A query fits several pages equally; ``suggestions`` lists them all with their ids."""


class NotTranslated(NotFound):
    """A page asked for in a language (with --lang or DRYNEEDLE_LANG) has no usable
    translation in it: not found, never shown in English instead (exit 1)."""


class UsageError(DryneedleError):
    exit_code = ExitCode.USAGE


class ContentError(DryneedleError):
    """A knowledge file (or the configuration) is invalid.

    The message names the file, the line (and column) and the field, and says how to fix it.
    """

    exit_code = ExitCode.BAD_CONTENT

    def __init__(
        self,
        file: str,
        message: str,
        line: int | None = None,
        field: str | None = None,
        column: int | None = None,
        also: tuple[ContentError, ...] = (),
    ):
        self.also = also  # more problems of the same file, found in the same read
        self.file, self.line, self.field, self.detail, self.column = (
            file,
            line,
            field,
            message,
            column,
        )
        super().__init__(self.where() + f": {message}" + (f" (field '{field}')" if field else ""))

    def where(self) -> str:
        """file, file:line or file:line:column."""
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        return f"{self.file}:{self.line}" if self.line else self.file


class ContentWarning(ContentError):
    """A problem worth fixing that does not stop the content from being used."""


class OutputError(DryneedleError):
    """An output file could not be written (or would overwrite one without --force).

    ``reason`` is the message without the file's name (a batch's file names hold patients' names).
    """

    exit_code = ExitCode.CANNOT_WRITE

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason or message


class FileWriteError(OutputError):
    """The output file itself could not be written (it exists, the folder is read-only, ...).

    Raised only by the atomic writer, so a batch can say which row failed without the file name.
    """
