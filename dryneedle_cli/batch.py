"""A batch of sheets, one per CSV row (``dryneedle sheet --batch``): the rows read and checked
(``read_rows``), each made with the same Session (``one_row``), in worker processes where the
system can fork (``batch``), and written under a numbered name.

Above the session: the batch asks ``session.Session.sheet`` for each row's bytes; the writing
helpers it shares with ``dryneedle sheet`` are ``handouts.jobs``'s.
"""

from __future__ import annotations

import contextlib
import csv
import multiprocessing
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import msgspec.structs

from dryneedle_cli.dates import check_date
from dryneedle_cli.errors import (
    ContentError,
    DryneedleError,
    ExitCode,
    FileWriteError,
    OutputError,
    UsageError,
)
from dryneedle_cli.handouts.files import write_atomic
from dryneedle_cli.handouts.jobs import resolve_format, slug
from dryneedle_cli.safe import short
from dryneedle_cli.session import Session, SheetRequest

BATCH_COLUMNS = ("patient", "areas", "clinician", "next_visit", "date", "note", "format")


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the rows' notes, each once


@dataclass(frozen=True)
class BatchJob:
    """Everything one row needs besides the row itself: ``base`` is every row's request
    (``Session.check_sheet``'s), ``session`` makes each row's sheet (inherited by workers)."""

    session: Session
    csv_path: Path
    out_dir: Path
    base: SheetRequest
    force: bool = False


def _decode(raw: bytes, csv_path: Path) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252 as spreadsheets on Windows export it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UsageError(
            f"{csv_path}: the file is UTF-16; save it as 'CSV UTF-8 (comma delimited)'"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise UsageError(
            f"{csv_path}: cannot read the text; save it as 'CSV UTF-8 (comma delimited)'"
        ) from None


def read_rows(csv_path: Path) -> list[tuple[int, dict[str, str]]]:
    """(physical line number, row) for every row of the CSV.

    Line numbers count every line of the file, blank lines included, and name the line where
    the row starts. A cell holding U+2028, NEL or a form feed stays one cell. A comma-,
    semicolon- or tab-separated file (the first line decides) is read. A column named twice,
    or a cell over several lines (a quote left open: rows run together), refuses the whole
    file (exit 3) before any sheet is made.
    """
    import io

    try:
        raw = csv_path.read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read {csv_path}: {e.strerror}") from None
    text = _decode(raw, csv_path)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    # A cell may be as long as the file: an over-long cell is then refused for its own row
    # (the field limits), instead of the csv module stopping the whole batch.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        columns = [(c or "").strip().lower() for c in header or []]
        if "patient" not in columns:
            raise UsageError(
                f"{csv_path}: the first line must name the columns: {', '.join(BATCH_COLUMNS)}"
            )
        _check_columns(csv_path, columns)
        twice = next((c for i, c in enumerate(columns) if c and c in columns[:i]), None)
        if twice is not None:  # which of the two would a row's value come from?
            raise ContentError(
                str(csv_path),
                f"the column '{short(twice, 40)}' is named twice in the first line; keep one "
                "(no sheet was made)",
                line=1,
            )
        rows, start = [], reader.line_num + 1
        for cells in reader:
            if any("\n" in c or "\r" in c for c in cells):
                # No column holds a line break: a quote left open joined rows into one cell.
                raise ContentError(
                    str(csv_path),
                    f'a cell runs from line {start} to line {reader.line_num}: a quote (") '
                    "is probably not closed, so rows ran together; close or remove the quote "
                    "(no sheet was made)",
                    line=start,
                )
            if any(c.strip() for c in cells):
                row = dict(zip(columns, cells, strict=False))
                if len(cells) > len(columns):
                    row[None] = "extra"  # more cells than columns: reported for this row
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as e:
        raise UsageError(f"{csv_path}:{reader.line_num}: not a valid CSV file: {e}") from None
    return rows


def _check_columns(csv_path: Path, columns: list[str]) -> None:
    """A column this program does not know refuses the file (exit 3) before any sheet, once,
    with the known columns and the closest one: every row would otherwise lose its value."""
    import difflib

    unknown = next((c for c in columns if c and c not in BATCH_COLUMNS), None)
    if unknown is None:
        return
    close = difflib.get_close_matches(unknown, BATCH_COLUMNS, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ContentError(
        str(csv_path),
        f"unknown column '{short(unknown, 40)}'; {hint}the columns are "
        f"{', '.join(BATCH_COLUMNS)} (rename or delete it; no sheet was made)",
        line=1,
    )


def one_row(
    job: BatchJob, n: int, row: dict[str, str], number: int | None = None
) -> tuple[Path | None, str | None, tuple[str, ...]]:
    """Write the sheet for the row on CSV line ``n``: (path, None, notes), or (None, the
    problem, ()).

    The file is numbered ``number`` (the row's place in the file). A problem names the line,
    never the patient: no name and no file name made from it.
    """
    try:
        unknown = [c for c in row if c not in BATCH_COLUMNS and row[c]]
        if unknown:
            if unknown[0] is None:
                raise UsageError("more cells than the first line names columns")
            raise UsageError("a value under a column the first line leaves without a name")
        base = job.base
        fmt = resolve_format((row.get("format") or "").strip().lower() or base.format, None)
        patient = (row.get("patient") or "").strip()
        date = check_date((row.get("date") or "").strip() or None, "date") or base.date
        note = (row.get("note") or "").strip()  # this patient's own instruction, after --note
        request = msgspec.structs.replace(
            base,
            date=date,
            notes=(*base.notes, note) if note else base.notes,
            areas=tuple(a.strip() for a in re.split(r"[;|,]", row.get("areas") or "") if a.strip()),
            patient=patient,
            clinician=row.get("clinician") or base.clinician,
            next_visit=row.get("next_visit"),
            format=fmt,
        )
        sheet = job.session.sheet(request)
        path = job.out_dir / f"{number or n - 1:03d}-{slug(patient)}-{base.which}.{fmt}"
        try:
            write_atomic(path, sheet.data, job.force, create_folder=False)
        except FileWriteError as e:  # its message names the file: the patient's name
            raise OutputError(f"cannot write this row's sheet: {e.reason}") from None
        return path, None, sheet.notes
    except DryneedleError as e:
        return None, f"{job.csv_path}:{n}: {e}; row skipped", ()


_JOB: BatchJob | None = None  # the job, inherited by forked workers


class Terminated(BaseException):
    """SIGTERM (exit 143) or SIGHUP (the terminal closed: exit 129) arrived: stop, leaving no
    temporary file and no worker behind."""

    def __init__(self, code: int = ExitCode.TERMINATED):
        super().__init__(code)
        self.code = code


class _Stop(SystemExit):
    """SIGTERM in a worker: unwind (removing a half-written file), then end the process."""


_PARENT = 0  # the batch's own process: a worker whose parent is another one stops
_IN_ROW = False  # a worker is making a sheet: SIGTERM unwinds it rather than ending at once
_STOPPING = False  # a worker was told to stop (a library may have swallowed the unwinding)


def _worker_init() -> None:
    """A worker ends with the batch, however the batch ends: SIGTERM (sent by the batch when
    it is stopped, and by the kernel when the batch's process dies, even by SIGKILL, through
    ``PR_SET_PDEATHSIG`` on Linux); SIGHUP and SIGINT are the batch's to handle."""

    def stop(signum, frame):
        global _STOPPING
        _STOPPING = True
        if _IN_ROW:  # unwind: write_atomic removes its half-written file
            raise _Stop(ExitCode.TERMINATED)
        # between rows the exception would land in the pool's own code, which sends it back
        # as a result and takes the next row: end here instead
        os._exit(ExitCode.TERMINATED)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the batch stops its workers itself
    _die_with_parent()
    if not _parent_alive():  # the batch died before the line above took effect
        os._exit(ExitCode.TERMINATED)


def _die_with_parent() -> None:
    """Linux: SIGTERM to this process when the process that made it ends."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def _parent_alive() -> bool:
    return os.getppid() == _PARENT


def _worker(item: tuple[int, int, dict[str, str]]):
    global _IN_ROW
    number, n, row = item
    if _STOPPING or not _parent_alive():  # the batch is gone (any system): no sheet for it
        os._exit(ExitCode.TERMINATED)
    try:
        _IN_ROW = True
        outcome = one_row(_JOB, n, row, number)
    except _Stop:
        os._exit(ExitCode.TERMINATED)  # write_atomic cleaned up; take no more rows
    finally:
        _IN_ROW = False
    if _STOPPING:
        os._exit(ExitCode.TERMINATED)
    return outcome


def _work_chunk(items) -> list:
    return [(n, _worker((number, n, row))) for number, n, row in items]


def _on_sigterm(signum, frame):
    raise Terminated(ExitCode.HANGUP if signum == signal.SIGHUP else ExitCode.TERMINATED)


def batch(job: BatchJob, progress=None) -> BatchResult:
    """One sheet per CSV row; a bad row is reported with its line number and skipped.

    Rows are shared among worker processes (one per core, where the system can fork), since
    making a PDF is mostly CPU time; results keep the CSV's order.
    """
    import gc

    gc.enable()  # a long run: main() switched the collector off for one answer
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    hangup = signal.getsignal(signal.SIGHUP)
    if hangup is not signal.SIG_IGN:  # nohup: the batch goes on when the terminal closes
        signal.signal(signal.SIGHUP, _on_sigterm)
    try:
        return _batch(job, progress)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if hangup is not signal.SIG_IGN:
            signal.signal(signal.SIGHUP, hangup)


def _batch(job: BatchJob, progress=None) -> BatchResult:
    global _JOB, _PARENT
    if job.base.font is not None:  # a bad --font stops the batch before any row (exit 4)
        from dryneedle_cli.render.pdf import check_font

        check_font(job.base.font)
    rows = [(number, n, row) for number, (n, row) in enumerate(read_rows(job.csv_path), 1)]
    workers = min(os.cpu_count() or 1, 8)
    results: dict[int, tuple[Path | None, str | None, tuple[str, ...]]] = {}
    parallel = workers > 1 and len(rows) >= 8 and "fork" in multiprocessing.get_all_start_methods()
    # The first row runs here: fonts are parsed and layouts measured once, then inherited.
    for number, n, row in rows[:1] if parallel else rows:
        results[n] = one_row(job, n, row, number)
        if progress:
            progress(len(results), len(rows))
    if parallel:
        from concurrent.futures import ProcessPoolExecutor

        _JOB, _PARENT = job, os.getpid()
        rest = rows[1:]
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init)
        futures = []
        try:
            # chunks of rows submitted one by one (not Executor.map, whose clean-up cancels
            # futures the pool then fails to mark broken when its workers are stopped)
            chunks = [rest[i : i + 4] for i in range(0, len(rest), 4)]
            futures = [pool.submit(_work_chunk, chunk) for chunk in chunks]
            for future in futures:
                for n, outcome in future.result():
                    results[n] = outcome
                    if progress:
                        progress(len(results), len(rows))
        except Terminated:
            _stop_workers(pool)
            raise
        except BaseException:  # Ctrl-C: the rows being made finish, no new ones start
            for future in futures:
                future.cancel()
            raise
        finally:
            pool.shutdown(wait=True)
        _JOB = None
    result = BatchResult()
    for _, n, _ in rows:
        path, problem, notes = results[n]
        if path is not None:
            result.written.append(path)
        if problem is not None:
            result.problems.append(problem)
        result.notes.extend(note for note in notes if note not in result.notes)
    return result


def _stop_workers(pool) -> None:
    """SIGTERM to every worker (each removes its half-written file and ends), then wait; a
    worker still running after 5 s is killed, so the pool's own clean-up cannot wait on it."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.terminate()
    for process in processes:
        with contextlib.suppress(OSError, AttributeError, AssertionError):
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)


def progress_bar(stderr_isatty: bool):
    """A Rich progress bar on stderr when stderr is a terminal (the Environment's
    ``stderr_isatty``); otherwise nothing."""
    if not stderr_isatty:
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task("sheets", total=None)

    def update(done, total):
        bar.update(task, completed=done, total=total)

    return bar, update


def elapsed(start: float) -> str:
    return f"{time.perf_counter() - start:.1f}s"
