"""Reading calendar feeds in tests: the descriptor through the API, the feed's URL path, and
an RFC 5545 reader small enough to trust (unfold, split, unescape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.games import load_site, make_game, setup_site


def feed_path(url: str) -> str:
    """``/calendar/<token>.ics`` of a feed URL (the test client has its own base)."""
    return urlsplit(url).path


async def descriptor(client: httpx.AsyncClient, member: Member) -> dict[str, Any]:
    resp = await client.get("/api/v2/current_account/calendar", headers=member.headers)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def content_lines(text: str) -> list[str]:
    """The logical lines: every physical line ends in CRLF; folds are undone."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "a bare LF"
    return text.replace("\r\n ", "").removesuffix("\r\n").split("\r\n")


@dataclass
class Calendar:
    properties: dict[str, str]
    events: list[dict[str, str]] = field(default_factory=list)

    def by_uid(self) -> dict[str, dict[str, str]]:
        return {e["UID"]: e for e in self.events}


def parse(text: str) -> Calendar:
    lines = content_lines(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    calendar = Calendar({})
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            calendar.events.append(current)
            current = None
        else:
            target = current if current is not None else calendar.properties
            target[name] = unescape(value)
    return calendar


def utc(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def day_from_now(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d")


@dataclass
class Desk:
    """A site (UTC) with an assignor and an official, and helpers to make games for the
    official."""

    client: httpx.AsyncClient
    runtime: Runtime
    site_id: int
    assignor: Member
    official: Member

    async def game(self, days: int = 5, *, user_id: int | None = None, **fields: Any) -> Any:
        """A published game ``days`` from now at 9:00 AM (UTC site) with the user ``user_id``
        (default the desk's official) in its first slot; returns (game, slot id)."""
        game = await make_game(
            self.client,
            self.site_id,
            self.assignor.headers,
            **{"localized_date": day_from_now(days), **fields},
        )
        slot = game["_embedded"]["assignments"][0]["id"]
        resp = await self.client.post(
            f"/api/v2/assignments/{slot}/assign",
            json={"user_id": user_id or self.official.user.id},
            headers=self.assignor.headers,
        )
        assert resp.status_code == 200, resp.text
        return game, slot


async def make_desk(client: httpx.AsyncClient, runtime: Runtime, **site: Any) -> Desk:
    site_id, assignor = await setup_site(client, runtime, **{"timezone": "UTC", **site})
    official = await create_member(
        runtime, await load_site(runtime, site_id), first_name="Alex", last_name="Rivera"
    )
    return Desk(client, runtime, site_id, assignor, official)
