"""The pure expansion of a weekly pattern (availability/weekly.py): table tests."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from refdesk.server.availability.weekly import (
    MAX_DAYS,
    DayEntry,
    PatternError,
    WeeklyPattern,
    expand,
    parse_weekday,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("weekdays", "start", "until", "expected"),
    [
        # 2027-01-01 is a Friday; until is inclusive.
        ({SAT}, date(2027, 1, 1), date(2027, 1, 16), ["2027-01-02", "2027-01-09", "2027-01-16"]),
        ({SAT, SUN}, date(2027, 1, 2), date(2027, 1, 10), ["01-02", "01-03", "01-09", "01-10"]),
        ({FRI}, date(2027, 1, 1), date(2027, 1, 1), ["2027-01-01"]),  # a one-day range
        ({MON}, date(2027, 1, 1), date(2027, 1, 3), []),  # no Monday in range
        ({TUE, THU}, date(2027, 2, 22), date(2027, 3, 4), ["02-23", "02-25", "03-02", "03-04"]),
        ({MON}, date(2028, 2, 21), date(2028, 3, 6), ["02-21", "02-28", "03-06"]),  # leap year
        (set(range(7)), date(2027, 12, 30), date(2028, 1, 2), ["12-30", "12-31", "01-01", "01-02"]),
    ],
)
def test_weekdays_and_inclusive_until(
    weekdays: set[int], start: date, until: date, expected: list[str]
) -> None:
    days = expand(WeeklyPattern.of(weekdays, start, until))
    assert [d.date.isoformat()[-len(e) :] for d, e in zip(days, expected, strict=True)] == expected
    assert all(d.all_day and d.available and d.date.weekday() in weekdays for d in days)


def test_a_window_is_copied_to_every_day_and_unavailable_days_say_so() -> None:
    window = (time(8), time(14))
    days = expand(WeeklyPattern.of({SAT}, date(2027, 1, 1), date(2027, 1, 31), window=window))
    assert [(d.start_time, d.end_time, d.all_day) for d in days] == [(*window, False)] * 5
    off = expand(WeeklyPattern.of({SUN}, date(2027, 1, 1), date(2027, 1, 10), available=False))
    assert off == [DayEntry(date(2027, 1, 3), False), DayEntry(date(2027, 1, 10), False)]


@pytest.mark.parametrize(
    ("day", "utc_start", "utc_end", "hours"),
    [
        # New York: EST (UTC-5) until 2027-03-14 02:00, EDT (UTC-4) until 2027-11-07 02:00.
        (date(2027, 3, 13), "13:00", "19:00", 6),  # Saturday before spring forward
        (date(2027, 3, 20), "12:00", "18:00", 6),  # Saturday after: same wall time, new offset
        (date(2027, 11, 6), "12:00", "18:00", 6),  # Saturday before fall back
        (date(2027, 11, 13), "13:00", "19:00", 6),
    ],
)
def test_dst_weeks_keep_the_wall_clock_window(
    day: date, utc_start: str, utc_end: str, hours: int
) -> None:
    pattern = WeeklyPattern.of({SAT}, day - timedelta(days=6), day, window=(time(8), time(14)))
    (entry,) = expand(pattern)
    assert (entry.date, entry.start_time, entry.end_time) == (day, time(8), time(14))
    start, end = entry.interval(NEW_YORK)
    utc = ZoneInfo("UTC")
    assert start.astimezone(utc).strftime("%H:%M") == utc_start
    assert end.astimezone(utc).strftime("%H:%M") == utc_end
    assert end - start == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("day", "window", "length"),
    [
        (date(2027, 3, 14), None, timedelta(hours=23)),  # spring forward: a short day
        (date(2027, 11, 7), None, timedelta(hours=25)),  # fall back: a long day
        (date(2027, 3, 21), None, timedelta(hours=24)),
        (date(2027, 3, 14), (time(1), time(4)), timedelta(hours=2)),  # 2-3 AM does not exist
        (date(2027, 11, 7), (time(1), time(4)), timedelta(hours=4)),  # 1-2 AM happens twice
    ],
)
def test_change_days_in_the_site_zone(
    day: date, window: tuple[time, time] | None, length: timedelta
) -> None:
    (entry,) = expand(WeeklyPattern.of({SUN}, day, day, window=window))
    start, end = entry.interval(NEW_YORK)
    assert start.astimezone(ZoneInfo("UTC")) + length == end.astimezone(ZoneInfo("UTC"))
    assert entry.all_day is (window is None)


@pytest.mark.parametrize(
    ("pattern", "field", "message"),
    [
        (WeeklyPattern.of(set(), date(2027, 1, 1), date(2027, 1, 2)), "days", "can't be blank"),
        (WeeklyPattern.of({7}, date(2027, 1, 1), date(2027, 1, 2)), "days", "is invalid"),
        (WeeklyPattern.of({SAT}, date(2027, 1, 2), date(2027, 1, 1)), "end_date", "is invalid"),
        (
            WeeklyPattern.of({SAT}, date(2027, 1, 1), date(2027, 1, 1) + timedelta(MAX_DAYS)),
            "end_date",
            "is invalid",
        ),
        (
            WeeklyPattern.of({SAT}, date(2027, 1, 1), date(2027, 1, 9), window=(time(9), time(9))),
            "end_time",
            "is invalid",
        ),
        (
            WeeklyPattern({SAT}, date(2027, 1, 1), date(2027, 1, 9), True, time(9), None),  # type: ignore[arg-type]
            "end_time",
            "can't be blank",
        ),
    ],
)
def test_unusable_patterns(pattern: WeeklyPattern, field: str, message: str) -> None:
    with pytest.raises(PatternError) as caught:
        expand(pattern)
    assert (caught.value.field, caught.value.message) == (field, message)


def test_the_longest_span_is_a_leap_year() -> None:
    days = expand(WeeklyPattern.of(range(7), date(2028, 1, 1), date(2028, 12, 31)))
    assert len(days) == MAX_DAYS == 366


@pytest.mark.parametrize(
    ("text", "weekday"),
    [("sat", SAT), ("Saturday", SAT), (" MON ", MON), ("sun", SUN), ("sa", None), ("", None)],
)
def test_weekday_names(text: str, weekday: int | None) -> None:
    assert parse_weekday(text) == weekday
