"""Notification tests: a site with an assignor, officials and a published game made through
the API; events recorded as §19.1 describes and planned as the worker's fan-out does; the
queued e-mails read back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from refdesk.server.events import topics
from refdesk.server.events.models import Event, MailJob
from refdesk.server.events.notifications import plan_mail
from refdesk.server.events.record import record
from refdesk.server.games.models import Game
from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.games import load_site, make_game, setup_site

LINK = re.compile(r"https?://[^\s\"<>]+/respond/[^\s\"<>]+")


@dataclass
class Desk:
    """One site (New York time unless told) with its assignor, officials and one game."""

    site_id: int
    assignor: Member
    officials: list[Member]
    game: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def game_id(self) -> int:
        return int(self.game["id"])

    @property
    def slot_ids(self) -> list[int]:
        return [int(a["id"]) for a in self.game["_embedded"]["assignments"]]


async def build_desk(
    client: httpx.AsyncClient,
    runtime: Runtime,
    *,
    officials: int = 3,
    site: dict[str, Any] | None = None,
    **game: Any,
) -> Desk:
    site_id, assignor = await setup_site(client, runtime, **(site or {}))
    stored = await load_site(runtime, site_id)
    people = [
        await create_member(runtime, stored, first_name=f"Ref{n}", last_name="Official")
        for n in range(1, officials + 1)
    ]
    created = await make_game(client, site_id, assignor.headers, **game)
    return Desk(site_id, assignor, people, created)


async def assign(
    client: httpx.AsyncClient, desk: Desk, slot_id: int, member: Member | None
) -> dict[str, Any]:
    """Put ``member`` on the slot (None: unassign) through the API, as the assignor."""
    if member is None:
        resp = await client.post(
            f"/api/v2/assignments/{slot_id}/unassign", json={}, headers=desk.assignor.headers
        )
    else:
        resp = await client.post(
            f"/api/v2/assignments/{slot_id}/assign",
            json={"user_id": member.user.id},
            headers=desk.assignor.headers,
        )
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def emit(
    runtime: Runtime,
    topic: str,
    *,
    site_id: int,
    game_id: int,
    resource_id: int | None = None,
    data: dict[str, Any] | None = None,
    actor: Member | None = None,
) -> int:
    """Record one §19.1 event, then plan its mail in a second transaction as the worker's
    fan-out does; return the number of e-mails queued."""
    resource_type = topics.RESOURCE_GAME
    if topic in (
        topics.GAME_OFFICIAL_CHANGED,
        topics.ASSIGNMENT_ACCEPTED,
        topics.ASSIGNMENT_DECLINED,
    ):
        resource_type = topics.RESOURCE_ASSIGNMENT
    async with runtime.db.transaction() as session:
        event = record(
            session,
            topic=topic,
            site_id=site_id,
            resource_type=resource_type,
            resource_id=resource_id if resource_id is not None else game_id,
            game_id=game_id,
            data=data or {},
            actor_account_id=actor.account.id if actor else None,
        )
        await session.flush()
        event_id = event.id
    async with runtime.db.transaction() as session:
        stored = await session.get(Event, event_id)
        assert stored is not None
        return await plan_mail(session, runtime, stored)


async def mail_jobs(runtime: Runtime, kind: str | None = None) -> list[MailJob]:
    async with runtime.db.session() as session:
        query = select(MailJob).order_by(MailJob.id)
        if kind is not None:
            query = query.where(MailJob.kind == kind)
        return list((await session.scalars(query)).all())


async def clear_mail(runtime: Runtime) -> None:
    async with runtime.db.transaction() as session:
        for job in await session.scalars(select(MailJob)):
            await session.delete(job)


def respond_paths(text: str) -> dict[str, str]:
    """The accept/decline links of a mail body, as paths of the test app."""
    found: dict[str, str] = {}
    for url in LINK.findall(text):
        path = "/respond/" + url.split("/respond/", 1)[1]
        found["accept" if "/respond/a-" in path else "decline"] = path
    return found


async def set_game(runtime: Runtime, game_id: int, **values: Any) -> None:
    """Change a game's columns directly (the schedule tests move it in time)."""
    async with runtime.db.transaction() as session:
        game = await session.get(Game, game_id)
        assert game is not None
        for key, value in values.items():
            setattr(game, key, value)


def at(text: str) -> datetime:
    """An aware UTC instant from ISO text (``2026-10-11T13:00:00+00:00``)."""
    return datetime.fromisoformat(text)
