"""The one date parser: a real calendar date written YYYY-MM-DD (``sheet --date``, a batch row's
``date`` column, ``note --date``, ``review --date``)."""

from __future__ import annotations

import datetime as dt
import re

from dryneedle_cli.errors import UsageError

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_date(value: str | None, name: str = "--date") -> str | None:
    """``value`` as YYYY-MM-DD, None when not given; a UsageError naming ``name`` (the flag or
    column it came from) for anything that is not a real date."""
    if value is None:
        return None
    try:
        if not _ISO.fullmatch(value.strip()):
            raise ValueError
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UsageError(
            f"{name}: not a real date; write it as YYYY-MM-DD, for example 2026-11-23"
        ) from None


def today() -> str:
    return dt.date.today().isoformat()
