"""The iCalendar text itself (RFC 5545): CRLF, folding at 75 octets without splitting a
character, TEXT escaping, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from refdesk.server.calendar.ics import Event, escape_text, fold, render_calendar, utc_stamp
from tests.support.calendar import content_lines, parse


def test_escaping_of_backslash_semicolon_comma_and_line_breaks() -> None:
    assert escape_text("a\\b;c,d") == "a\\\\b\\;c\\,d"
    assert escape_text("one\ntwo\r\nthree\rfour") == "one\\ntwo\\nthree\\nfour"
    assert escape_text("colon: stays") == "colon: stays"


def test_short_lines_are_not_folded() -> None:
    line = "X" * 75
    assert fold(line) == line + "\r\n"


def test_long_lines_fold_at_75_octets_with_a_leading_space() -> None:
    line = "DESCRIPTION:" + "abcdefghij" * 20
    folded = fold(line)
    physical = folded.removesuffix("\r\n").split("\r\n")
    assert len(physical) == 3
    assert len(physical[0].encode()) == 75
    assert all(p.startswith(" ") and len(p.encode()) <= 75 for p in physical[1:])
    assert len(physical[1].encode()) == 75
    assert folded.replace("\r\n ", "") == line + "\r\n"


def test_folding_never_splits_a_multibyte_character() -> None:
    line = "SUMMARY:" + "é€😀" * 30  # 2-, 3- and 4-octet characters
    folded = fold(line)
    for physical in folded.removesuffix("\r\n").split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
        physical.encode("utf-8").decode("utf-8")  # each physical line is whole UTF-8
    assert folded.replace("\r\n ", "") == line + "\r\n"


def test_utc_stamps() -> None:
    eastern = timezone(timedelta(hours=-4))
    assert utc_stamp(datetime(2026, 10, 11, 9, 0, tzinfo=eastern)) == "20261011T130000Z"


def test_a_calendar_round_trips_through_a_reader() -> None:
    start = datetime(2026, 10, 11, 13, 0, tzinfo=UTC)
    event = Event(
        uid="assignment-7@refdesk.example.org",
        start=start,
        end=start + timedelta(minutes=90),
        summary="Referee: Hawks, Jr. vs Falcons; B",
        location="Riverside Park, Field 2",
        description="Note: line one\nline two \\ with a backslash " + "x" * 100,
        status="TENTATIVE",
        url="https://refdesk.example.org/api/v2/games/3.json",
        sequence=4,
    )
    generated = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    text = render_calendar("Ana; Núñez, Jr.", [event], generated)
    assert all(len(p.encode()) <= 75 for p in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")
    calendar = parse(text)
    assert calendar.properties["PRODID"] == "-//refdesk//calendar//EN"
    assert calendar.properties["VERSION"] == "2.0"
    assert calendar.properties["X-WR-CALNAME"] == "refdesk – Ana; Núñez, Jr."
    assert "X-WR-CALNAME:refdesk – Ana\\; Núñez\\, Jr." in content_lines(text)
    (parsed,) = calendar.events
    assert parsed == {
        "UID": "assignment-7@refdesk.example.org",
        "DTSTAMP": "20261001T120000Z",
        "DTSTART": "20261011T130000Z",
        "DTEND": "20261011T143000Z",
        "SUMMARY": "Referee: Hawks, Jr. vs Falcons; B",
        "LOCATION": "Riverside Park, Field 2",
        "DESCRIPTION": event.description,
        "STATUS": "TENTATIVE",
        "URL": "https://refdesk.example.org/api/v2/games/3.json",
        "SEQUENCE": "4",
    }


def test_an_empty_calendar_is_still_a_calendar() -> None:
    text = render_calendar("Pat", [], datetime(2026, 1, 1, tzinfo=UTC))
    assert parse(text).events == []
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
