"""The availability calendar's month arithmetic (``web/availability.py``), pure."""

from __future__ import annotations

from datetime import date, time

import pytest

from refdesk.server.web.availability import (
    add_months,
    month_end,
    parse_month,
    span_text,
    weeks_of,
)

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("value", "first"),
    [
        ("2027-02", date(2027, 2, 1)),
        (" 2027-02 ", date(2027, 2, 1)),
        ("1900-01", date(1900, 1, 1)),
        ("2200-12", date(2200, 12, 1)),
        (None, date(2026, 12, 1)),
        ("", date(2026, 12, 1)),
        ("2027-13", date(2026, 12, 1)),
        ("2027-00", date(2026, 12, 1)),
        ("1899-12", date(2026, 12, 1)),
        ("9999-12", date(2026, 12, 1)),
        ("2027-2", date(2026, 12, 1)),
        ("２０２７-02", date(2026, 12, 1)),  # fullwidth digits are digits to \d, not to us
        ("2027-02-01", date(2026, 12, 1)),
        ("2027-02\n", date(2027, 2, 1)),  # stripped, as every field
        ("2027-02\nX", date(2026, 12, 1)),
    ],
)
def test_parse_month(value: str | None, first: date) -> None:
    assert parse_month(value, TODAY) == first


def test_months_add_across_years_and_end_on_their_last_day() -> None:
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
    assert add_months(date(2027, 1, 1), -13) == date(2025, 12, 1)
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert month_end(date(2027, 12, 1)) == date(2027, 12, 31)


def test_weeks_run_monday_to_sunday_with_empty_cells_outside_the_month() -> None:
    february = weeks_of(date(2027, 2, 1), TODAY, [])  # 1 Feb 2027 is a Monday, 28 days
    assert len(february) == 4 and all(d is not None for week in february for d in week)
    december = weeks_of(date(2026, 12, 1), TODAY, [])  # a Tuesday; the 31st a Thursday
    assert [d is None for d in december[0]] == [True] + [False] * 6
    assert [d is None for d in december[-1]] == [False] * 4 + [True] * 3
    days = [d for week in december for d in week if d is not None]
    assert [d.day.day for d in days] == list(range(1, 32))
    assert [d.label for d in days if d.today] == ["Today, Friday 4 December 2026"]
    assert days[4].weekday == "Sat"


def test_span_text() -> None:
    assert span_text(True, None, None) == "all day"
    assert span_text(False, time(8), time(14, 30)) == "8:00 AM – 2:30 PM"
    assert span_text(False, time(0), time(23, 59)) == "12:00 AM – 11:59 PM"
