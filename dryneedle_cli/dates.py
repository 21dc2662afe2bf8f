"""The one date parser: a real calendar date written YYYY-MM-DD (``sheet --date``, a batch row's
``date`` column, ``note --date``, ``review --date``, an approval record's date, a date a page
writes out in its language)."""

from __future__ import annotations

import datetime as dt
import re

from dryneedle_cli.errors import UsageError

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse(value: str) -> dt.date:
    """``value``, written exactly YYYY-MM-DD, as a date; ValueError for anything else (a date
    that is not in the calendar, or another ISO form such as 20261123)."""
    if not _ISO.fullmatch(value):
        raise ValueError(f"not a YYYY-MM-DD date: {value[:20]!r}")
    return dt.date.fromisoformat(value)


def check_date(value: str | None, name: str = "--date") -> str | None:
    """``value`` as YYYY-MM-DD, None when not given; a UsageError naming ``name`` (the flag or
    column it came from) for anything that is not a real date."""
    if value is None:
        return None
    try:
        return parse(value.strip()).isoformat()
    except ValueError:
        raise UsageError(
            f"{name}: not a real date; write it as YYYY-MM-DD, for example 2026-11-23"
        ) from None


def today() -> str:
    return dt.date.today().isoformat()
