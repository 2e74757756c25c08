"""The calendar feed descriptor (JSON) and the feed's iCalendar text (contract §19.3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from refdesk.server.api.hal import api_url, link
from refdesk.server.calendar.ics import Event, render_calendar
from refdesk.server.calendar.links import feed_url, webcal_url
from refdesk.server.calendar.service import Feed, FeedContent, Slot
from refdesk.server.timefmt import timestamp

SELF_PATH = "/current_account/calendar"
DEFAULT_LENGTH = timedelta(minutes=60)  # a game without an end_time


def calendar_repr(feed: Feed, base: str, tz: str) -> dict[str, Any]:
    url = feed_url(base, feed.token)
    return {
        "url": url,
        "webcal_url": webcal_url(url),
        "created": timestamp(feed.created, tz),
        "_links": {"self": link(base, SELF_PATH, "calendar")},
    }


def _location(slot: Slot) -> str:
    parts = (slot.venue, slot.subvenue, slot.street, slot.city)
    return ", ".join(part.strip() for part in parts if part and part.strip())


def _description(slot: Slot) -> str:
    lines = [f"Site: {slot.site}", f"Age group: {slot.age_group}"]
    if slot.league:
        lines.append(f"League: {slot.league}")
    if slot.user_defined_id:
        lines.append(f"Game ID: {slot.user_defined_id}")
    if slot.co_officials:
        lines.append("Co-officials:")
        lines += [f"{partner.position}: {partner.name}" for partner in slot.co_officials]
    if slot.public_note and slot.public_note.strip():
        lines.append(f"Note: {slot.public_note.strip()}")
    return "\n".join(lines)


def _status(slot: Slot) -> str:
    if slot.cancelled:
        return "CANCELLED"
    return "CONFIRMED" if slot.accepted else "TENTATIVE"


def slot_event(slot: Slot, base: str, host: str) -> Event:
    summary = f"{slot.position}: {slot.home_team} vs {slot.away_team}"
    return Event(
        uid=f"assignment-{slot.assignment_id}@{host}",
        start=slot.start,
        end=slot.end or slot.start + DEFAULT_LENGTH,
        summary=("CANCELLED: " + summary) if slot.cancelled else summary,
        location=_location(slot),
        description=_description(slot),
        status=_status(slot),
        url=api_url(base, f"/games/{slot.game_id}"),
        sequence=slot.game_lock_version + slot.assignment_lock_version,
    )


def feed_ics(content: FeedContent, base: str) -> str:
    host = urlsplit(base).hostname or "refdesk"
    account = content.account
    name = account.name or account.login
    events = [slot_event(slot, base, host) for slot in content.slots]
    return render_calendar(name, events, content.generated)
