"""The game lists of contract §16.3.5 and §15.2: per site, open games, the caller's games."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.db.base import utcnow
from refdesk.server.db.paging import page_of, row_page
from refdesk.server.games import queries
from refdesk.server.games.bundle import GAME_COLUMNS
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import GameListQuery
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import Membership, accessible_site_ids, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.users.service import is_own, load_user

# What a list selects: ``ENTITIES`` (``Game`` objects, for the web pages that use them) or
# ``ROWS`` (plain column rows, the API's read path: no ORM identity map or instance state).
ENTITIES: tuple[Any, ...] = (Game,)
ROWS: tuple[Any, ...] = GAME_COLUMNS


@dataclass
class Listing:
    games: list[Any]  # ``Game`` entities or rows of ``GAME_COLUMNS`` (``GameLike``)
    total: int
    page: PageRequest
    members: dict[int, Membership]

    @property
    def sites(self) -> dict[int, Site]:
        return {site_id: m.site for site_id, m in self.members.items()}


def has_vacancy() -> ColumnElement[bool]:
    return Game.id.in_(select(Assignment.game_id).where(Assignment.official_id.is_(None)))


def open_games() -> ColumnElement[bool]:
    return and_(
        Game.published.is_(True), Game.status == "A", Game.start_time > utcnow(), has_vacancy()
    )


def may_list_open(member: Membership) -> bool:
    return member.administers or (member.official and member.site.show_unassigned_games)


ORDER = (Game.start_time, Game.id)


async def _page(
    session: AsyncSession,
    select_of: Sequence[Any],
    where: Sequence[ColumnElement[bool]],
    page: PageRequest,
) -> tuple[list[Any], int]:
    statement = select(*select_of).where(*where)
    if len(select_of) == 1:  # the entity
        return await page_of(session, statement, ORDER, page)
    return await row_page(session, statement, ORDER, page)


async def site_games(
    session: AsyncSession,
    principal: Principal,
    site_id: int,
    query: GameListQuery,
    page: PageRequest,
    select_of: Sequence[Any] = ENTITIES,
) -> Listing:
    """A site's games: visible to the caller (``all``), ``open`` or ``needing`` officials."""
    member = await site_membership(session, principal, site_id)
    kind = query.kind
    if kind == "open":
        member.require(may_list_open(member), "list open games")
        scope = open_games()
    elif kind == "needing":
        member.require(member.administers, "list games needing officials")
        scope = and_(Game.status == "A", has_vacancy())
    else:
        scope = queries.visibility(member)
    query.raise_if_invalid()
    clauses = queries.clauses(query, site_today(member.site).date())
    where = (Game.site_id == site_id, scope, *clauses)
    games, total = await _page(session, select_of, where, page)
    return Listing(games, total, page, {site_id: member})


async def cross_site_games(
    session: AsyncSession,
    principal: Principal,
    query: GameListQuery,
    page: PageRequest,
    select_of: Sequence[Any] = ENTITIES,
) -> Listing:
    """Across the caller's sites: ``open`` games, or ``mine`` (a slot held)."""
    members = await accessible_site_ids(session, principal)
    query.raise_if_invalid()
    kind, only_site = query.kind, query.site_id
    clauses = queries.clauses(query, date.today())
    per_site: list[ColumnElement[bool]] = []
    for site_id, member in members.items():
        if only_site is not None and site_id != only_site:
            continue
        if kind == "open":
            if may_list_open(member):
                per_site.append(Game.site_id == site_id)
        elif member.user is not None:
            mine = Game.id.in_(
                select(Assignment.game_id).where(Assignment.official_id == member.user.id)
            )
            if member.administers:
                per_site.append(and_(Game.site_id == site_id, mine))
            else:
                per_site.append(and_(Game.site_id == site_id, mine, Game.published.is_(True)))
    scope = or_(*per_site) if per_site else false()
    if kind == "open":
        scope = and_(scope, open_games())
    games, total = await _page(session, select_of, (scope, *clauses), page)
    return Listing(games, total, page, members)


async def user_games(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    query: GameListQuery,
    page: PageRequest,
    select_of: Sequence[Any] = ENTITIES,
) -> Listing:
    user, member = await load_user(session, principal, user_id)
    own = is_own(member, user)
    member.require(member.administers or own, "list this user's games")
    query.raise_if_invalid()
    clauses = queries.clauses(query, site_today(member.site).date())
    scope: ColumnElement[bool] = queries.holds_slot(user.id)
    if not member.administers:
        scope = and_(scope, Game.published.is_(True))
    where = (Game.site_id == user.site_id, scope, *clauses)
    games, total = await _page(session, select_of, where, page)
    return Listing(games, total, page, {user.site_id: member})
