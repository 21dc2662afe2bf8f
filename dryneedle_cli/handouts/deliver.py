"""--open and --print: hand a written sheet to the system's viewer or default printer.

The sheet is written first and stays written whatever happens here. A viewer or printer that
is missing or fails is an ``OutputError`` (exit 4) whose message says the file is there and
what to do; nothing here ever names a patient beyond the file name the user already sees.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from dryneedle_cli.errors import OutputError

LP_TIMEOUT = 60  # seconds: lp only queues the job, so this is generous
OPEN_WAIT = 10  # seconds to wait for the opener to report a failure


def _first_line(text: str) -> str:
    from dryneedle_cli import safe

    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return safe.line(lines[0])[:200] if lines else ""


def open_file(path: Path) -> None:
    """Open ``path`` with the desktop's viewer for its type (xdg-open, open, or Windows's)."""
    kept = "the sheet is written; open it yourself"
    if sys.platform == "win32":  # pragma: no cover - not run on this platform's tests
        try:
            os.startfile(str(path))  # type: ignore[attr-defined]
        except OSError as e:
            raise OutputError(f"--open: {e.strerror}; {kept}") from None
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    exe = shutil.which(opener)
    if exe is None:
        raise OutputError(f"--open: no viewer command ({opener}) on this system; {kept}")
    try:
        proc = subprocess.Popen(
            [exe, as_argument(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C here does not close the viewer
        )
    except OSError as e:
        raise OutputError(f"--open: cannot run {opener}: {e.strerror}; {kept}") from None
    try:
        _, err = proc.communicate(timeout=OPEN_WAIT)
    except subprocess.TimeoutExpired:
        return  # still running: the viewer is showing the file
    if proc.returncode != 0:
        why = _first_line(err.decode("utf-8", "replace")) or f"exit status {proc.returncode}"
        raise OutputError(f"--open: {opener} could not open the sheet ({why}); {kept}")


def printer_command() -> list[str] | None:
    """``lp`` (CUPS and System V), else ``lpr`` (BSD), as found on PATH; None if neither."""
    for name in ("lp", "lpr"):
        exe = shutil.which(name)
        if exe is not None:
            return [exe]
    return None


def as_argument(path: Path) -> str:
    """``path`` as a command's argument that can only be read as a file: a name that starts
    with ``-`` (``--help.txt``, ``-dOffice.txt``) is given as ``./-dOffice.txt``."""
    text = str(path)
    return text if not text.startswith("-") else os.path.join(".", text)


def _private(text: str, paths: list[str]) -> str:
    """``text`` (a printer command's words) with no trace of the sheets' file names, which
    hold patients' names: each path in any form becomes "a sheet", and a text that still
    holds a word of a file name is not shown at all."""
    forms = set()
    for p in paths:
        full = Path(p)
        forms |= {p, str(full.absolute()), os.path.abspath(p), full.name, full.stem}
    for form in sorted(forms, key=len, reverse=True):
        if form:
            text = text.replace(form, "a sheet")
    words = {
        w.casefold()
        for p in paths
        for w in re.split(r"[^\w]+|_", Path(p).stem)
        if len(w) >= 3 and not w.isdigit()
    }
    said = {w.casefold() for w in re.split(r"[^\w]+|_", text)}
    return "" if words & said else text


def print_files(paths: list[Path], private: bool = False) -> str:
    """Send ``paths`` to the default printer, in order; the printer command's own reply
    (for example "request id is office-42"), or ''. Many files go in jobs of 100.
    ``private`` (a batch: the file names hold patients' names): no name of a file, nor any
    text of the printer command that holds one, is in a message, however many files."""
    command = printer_command()
    where = "the sheet is written" if len(paths) == 1 else "the sheets are written"
    if command is None:
        raise OutputError(
            f"--print: no printer command (lp or lpr) on this system; {where}, print it "
            "from a viewer (--open)"
        )
    name = Path(command[0]).name
    replies = []
    for start in range(0, len(paths), 100):
        chunk = [str(p) for p in paths[start : start + 100]]
        try:
            done = subprocess.run(
                [*command, *(as_argument(Path(p)) for p in chunk)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=LP_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise OutputError(
                f"--print: {name} did not answer in {LP_TIMEOUT} s; {where}; check the printer"
            ) from None
        except OSError as e:
            raise OutputError(f"--print: cannot run {name}: {e.strerror}; {where}") from None
        if done.returncode != 0:
            why = _first_line(done.stderr.decode("utf-8", "replace"))
            if private:
                why = _private(why, [*chunk, *(as_argument(Path(p)) for p in chunk)])
            why = why or f"exit status {done.returncode}"
            raise OutputError(
                f"--print: {name} refused the job ({why}); {where}; set a default printer "
                "(lpoptions -d PRINTER) or print it from a viewer"
            )
        reply = _first_line(done.stdout.decode("utf-8", "replace"))
        if private:
            reply = _private(reply, [*chunk, *(as_argument(Path(p)) for p in chunk)])
        replies.append(reply)
    return "; ".join(r for r in replies if r)
