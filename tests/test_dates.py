"""The one date parser (``dates.parse``): exactly YYYY-MM-DD and a real date, wherever a date is
read (--date, a batch row, an approval record, a date a page writes out)."""

from __future__ import annotations

import datetime as dt

import pytest

from dryneedle_cli import dates
from dryneedle_cli.errors import UsageError


def test_a_real_date_is_read():
    assert dates.parse("2026-11-23") == dt.date(2026, 11, 23)
    assert dates.check_date(" 2026-02-28 ") == "2026-02-28"
    assert dates.check_date(None) is None


@pytest.mark.parametrize(
    "value",
    ["20261123", "2026-02-30", "2026-1-1", "2026-W48-1", "2026-11-23T00:00", "", "23/11/2026"],
)
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError):
        dates.parse(value)
    with pytest.raises(UsageError, match="--date: not a real date"):
        dates.check_date(value)
