"""iCalendar (RFC 5545) text of a feed: pure functions, no database.

Content lines end in CRLF and are folded at 75 octets (a continuation line starts with one
space; a UTF-8 character is never split); TEXT values escape ``\\``, ``;``, ``,`` and line
breaks (§3.3.11). Times are UTC (``…Z``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//refdesk//calendar//EN"


@dataclass(frozen=True)
class Event:
    """One VEVENT: a slot the account holds (contract §19.3 table)."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str
    status: str  # CANCELLED, CONFIRMED or TENTATIVE
    url: str
    sequence: int


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc_stamp(instant: datetime) -> str:
    """``20261011T130000Z``."""
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line, folded so that no physical line exceeds 75 octets (CRLF excluded)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line + CRLF
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # the leading space of a continuation line is an octet
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts) + CRLF


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines += [
        f"STATUS:{event.status}",
        f"URL:{event.url}",
        f"SEQUENCE:{event.sequence}",
        "END:VEVENT",
    ]
    return lines


def render_calendar(name: str, events: Iterable[Event], generated: datetime) -> str:
    """The whole VCALENDAR: ``X-WR-CALNAME`` is ``refdesk – <name>``; every DTSTAMP is the
    generation time."""
    stamp = utc_stamp(generated)
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'refdesk – {name}')}",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
