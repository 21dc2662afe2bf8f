"""Making handout files: choosing the format and file name, single sheets and batches."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import multiprocessing
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from dryneedle_cli.errors import DryneedleError, UsageError
from dryneedle_cli.handout import EXTENSIONS, FORMATS, make
from dryneedle_cli.output import write_atomic, write_stdout

_MODULES = {"pdf": "pdf", "html": "html", "md": "markdown", "txt": "text"}
BATCH_COLUMNS = ("patient", "areas", "clinician", "next_visit", "format")


def resolve_format(fmt: str | None, output: str | None) -> str:
    """--format wins; else the output file's extension; else PDF."""
    if fmt:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
        return fmt
    if output and output != "-":
        ext = Path(output).suffix.lower()
        if ext not in EXTENSIONS:
            raise UsageError(
                f"cannot tell the format from '{output}'; add --format ({', '.join(FORMATS)})"
            )
        return EXTENSIONS[ext]
    return "pdf"


def render(handout, fmt: str, font: Path | None = None) -> bytes:
    module = importlib.import_module(f"dryneedle_cli.render.{_MODULES[fmt]}")
    if fmt == "pdf":
        return module.render(handout, font=font)
    return module.render(handout)


def today() -> str:
    return dt.date.today().isoformat()


def default_name(which: str, date: str, fmt: str) -> str:
    stamp = re.sub(r"[^0-9A-Za-z-]+", "-", date).strip("-") or today()
    return f"{which}-{stamp}.{fmt}"


def write(data: bytes, output: str | None, default: str, force: bool) -> Path | None:
    """Write to ``output`` ('-' is stdout) or to ``default`` in the current folder."""
    if output == "-":
        write_stdout(data)
        return None
    path = Path(output) if output else Path.cwd() / default
    write_atomic(path, data, force)
    return path


def slug(text: str) -> str:
    """A file-name-safe form of a name ('Zoë Nguyễn' -> 'zoe-nguyen')."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "patient"


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BatchJob:
    """Everything one row needs besides the row itself."""

    q: object
    which: str
    csv_path: Path
    out_dir: Path
    clinic: object
    date: str
    paper: str
    large_print: bool
    font: Path | None
    force: bool
    default_format: str | None


def read_rows(csv_path: Path) -> list[dict[str, str]]:
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {csv_path}: {getattr(e, 'strerror', None) or e}") from None
    reader = csv.DictReader(text.splitlines())
    columns = [(c or "").strip().lower() for c in (reader.fieldnames or [])]
    if "patient" not in columns:
        raise UsageError(
            f"{csv_path}: the first line must name the columns: {', '.join(BATCH_COLUMNS)}"
        )
    reader.fieldnames = columns
    return list(reader)


def one_row(job: BatchJob, n: int, row: dict[str, str]) -> tuple[Path | None, str | None]:
    """Write the sheet for CSV line ``n``: (path, None), or (None, the problem)."""
    try:
        unknown = [c for c in row if c not in BATCH_COLUMNS and row[c]]
        if unknown:
            raise UsageError(f"unknown column '{unknown[0]}'")
        fmt = resolve_format((row.get("format") or "").strip().lower() or job.default_format, None)
        areas = [a.strip() for a in re.split(r"[;|,]", row.get("areas") or "") if a.strip()]
        patient = (row.get("patient") or "").strip()
        handout = make(
            job.q,
            job.which,
            areas,
            clinic=job.clinic,
            patient=patient,
            clinician=row.get("clinician"),
            date=job.date,
            next_visit=row.get("next_visit"),
            paper=job.paper,
            large_print=job.large_print,
        )
        data = render(handout, fmt, job.font)
        path = job.out_dir / f"{n - 1:03d}-{slug(patient)}-{job.which}.{fmt}"
        write_atomic(path, data, job.force)
        return path, None
    except DryneedleError as e:
        return None, f"{job.csv_path}:{n}: {e}; row skipped"


_JOB: BatchJob | None = None  # the job, inherited by forked workers


def _worker(item: tuple[int, dict[str, str]]):
    return one_row(_JOB, *item)


def batch(job: BatchJob, progress=None) -> BatchResult:
    """One sheet per CSV row; a bad row is reported with its line number and skipped.

    Rows are shared among worker processes (one per core, where the system can fork), since
    making a PDF is mostly CPU time; results keep the CSV's order.
    """
    global _JOB
    rows = list(enumerate(read_rows(job.csv_path), start=2))
    workers = min(os.cpu_count() or 1, 8)
    results: dict[int, tuple[Path | None, str | None]] = {}
    parallel = workers > 1 and len(rows) >= 8 and "fork" in multiprocessing.get_all_start_methods()
    # The first row runs here: fonts are parsed and layouts measured once, then inherited.
    for n, row in rows[:1] if parallel else rows:
        results[n] = one_row(job, n, row)
        if progress:
            progress(len(results), len(rows))
    if parallel:
        from concurrent.futures import ProcessPoolExecutor

        _JOB = job
        rest = rows[1:]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for (n, _), outcome in zip(rest, pool.map(_worker, rest, chunksize=4), strict=True):
                results[n] = outcome
                if progress:
                    progress(len(results), len(rows))
        _JOB = None
    result = BatchResult()
    for n, _ in rows:
        path, problem = results[n]
        if path is not None:
            result.written.append(path)
        if problem is not None:
            result.problems.append(problem)
    return result


def progress_bar():
    """A Rich progress bar on stderr when stderr is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
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
