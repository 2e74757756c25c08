"""Everything needed to represent a page of games, loaded in a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.games.models import Game
from refdesk.server.reference.models import (
    AgeGroup,
    AgeGroupFee,
    GameType,
    Gender,
    League,
    Pattern,
    Position,
    Team,
)
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue, Zone


@dataclass
class Bundle:
    sites: dict[int, Site] = field(default_factory=dict)
    venues: dict[int, Venue] = field(default_factory=dict)
    zones: dict[int, Zone] = field(default_factory=dict)
    names: dict[tuple[str, int], str] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    slots: dict[int, list[tuple[Assignment, Position]]] = field(default_factory=dict)
    fees: dict[tuple[int, int, int], Decimal] = field(default_factory=dict)

    def name(self, kind: str, record_id: int | None) -> str | None:
        return self.names.get((kind, record_id)) if record_id is not None else None

    def fee_of(self, game: Game, assignment: Assignment) -> Decimal:
        if game.status == "C":
            return Decimal(0)
        if assignment.fee is not None:
            return assignment.fee
        return self.fees.get(
            (game.age_group_id, game.pattern_id, assignment.position_id), Decimal(0)
        )


def _ids(values: Iterable[int | None]) -> set[int]:
    return {v for v in values if v is not None}


NAMED: tuple[tuple[str, type[Any], str], ...] = (
    ("age_group", AgeGroup, "age_group_id"),
    ("league", League, "league_id"),
    ("game_type", GameType, "game_type_id"),
    ("gender", Gender, "gender_id"),
    ("pattern", Pattern, "pattern_id"),
)


async def load_bundle(
    session: AsyncSession, games: Sequence[Game], sites: dict[int, Site] | None = None
) -> Bundle:
    bundle = Bundle()
    if not games:
        return bundle
    game_ids = [g.id for g in games]
    site_ids = _ids(g.site_id for g in games)
    known = sites or {}
    missing = site_ids - known.keys()
    bundle.sites = dict(known)
    if missing:
        for site in (await session.scalars(select(Site).where(Site.id.in_(missing)))).all():
            bundle.sites[site.id] = site
    venue_rows = (
        await session.execute(
            select(Venue, Zone)
            .outerjoin(Zone, Zone.id == Venue.zone_id)
            .where(Venue.id.in_(_ids(g.venue_id for g in games)))
        )
    ).all()
    for venue, zone in venue_rows:
        bundle.venues[venue.id] = venue
        if zone is not None:
            bundle.zones[zone.id] = zone
    team_ids = _ids(g.home_team_id for g in games) | _ids(g.away_team_id for g in games)
    # Every reference name in one statement: (kind, id, name) from a UNION ALL.
    parts = [
        select(literal(kind).label("kind"), model.id, model.name).where(model.id.in_(wanted))
        for kind, model, wanted in [("team", Team, team_ids)]
        + [(kind, model, _ids(getattr(g, column) for g in games)) for kind, model, column in NAMED]
        if wanted
    ]
    if parts:
        for kind, record_id, record_name in (await session.execute(union_all(*parts))).all():
            bundle.names[(kind, record_id)] = record_name
    rows = (
        await session.execute(
            select(Assignment, Position)
            .join(Position, Position.id == Assignment.position_id)
            .where(Assignment.game_id.in_(game_ids))
            .order_by(Assignment.game_id, Assignment.sort_order, Assignment.id)
        )
    ).all()
    for assignment, position in rows:
        bundle.slots.setdefault(assignment.game_id, []).append((assignment, position))
    user_ids = _ids(g.assignor_id for g in games) | _ids(a.official_id for a, _ in rows)
    if user_ids:
        users = (await session.scalars(select(User).where(User.id.in_(user_ids)))).all()
        bundle.users = {u.id: u for u in users}
    age_groups = _ids(g.age_group_id for g in games)
    patterns = _ids(g.pattern_id for g in games)
    fees = (
        await session.scalars(
            select(AgeGroupFee).where(
                AgeGroupFee.age_group_id.in_(age_groups), AgeGroupFee.pattern_id.in_(patterns)
            )
        )
    ).all()
    bundle.fees = {(f.age_group_id, f.pattern_id, f.position_id): f.amount for f in fees}
    return bundle
