"""A small officiating world for the SDK helper tests: a site with an assignor, two
officials, a three-official pattern, and future games created through the SDK itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refdesk.client import Resource
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from tests.factories import Member, create_member, create_site
from tests.support.sdk import SDK, Driver

GAME: dict[str, Any] = {
    "localized_date": "10/11/2031",
    "localized_time": "9:00 AM",
    "venue_name": "Riverside Park",
    "home_team_name": "Hawks",
    "away_team_name": "Falcons",
    "age_group_name": "U12 Boys",
    "pattern_name": "3 officials",
    "league_name": "Harbor League",
}


@dataclass
class World:
    site: Site
    assignor: Member
    official: Member
    other: Member
    api: Driver  # as the assignor

    @property
    def site_id(self) -> int:
        return self.site.id

    async def member(self, runtime: Runtime, **flags: Any) -> Member:
        flags.setdefault("official", True)
        return await create_member(runtime, self.site, **flags)

    def as_(self, sdk: SDK, member: Member) -> Driver:
        return sdk(token=member.token)

    async def game(self, **fields: Any) -> Resource:
        body = {**GAME, **fields}
        game: Resource = await self.api(lambda c: c.games.create(self.site_id, body))
        return game


async def make_world(sdk: SDK, runtime: Runtime, **site: Any) -> World:
    site.setdefault("show_unassigned_games", True)
    site.setdefault("show_game_requests", True)
    site.setdefault("use_availability", False)
    site.setdefault("use_abilities", False)
    created = await create_site(runtime, **site)
    assignor = await create_member(runtime, created, assignor=True, official=False)
    official = await create_member(runtime, created, official=True)
    other = await create_member(runtime, created, official=True)
    api = sdk(token=assignor.token)
    fields = {"name": "3 officials", "positions": ["Referee", "Assistant Referee", "Fourth"]}
    await api(lambda c: c.patterns.create(created.id, fields))
    return World(created, assignor, official, other, api)
