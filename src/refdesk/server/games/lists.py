"""The game lists of contract §16.3.5 and §15.2: per site, open games, the caller's games."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.db.base import utcnow
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_int
from refdesk.server.games import queries
from refdesk.server.games.models import Game
from refdesk.server.games.service import page_of_games
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.sites.access import Membership, accessible_site_ids, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.users.service import is_own, load_user

Kind = Literal["all", "open", "needing"]


@dataclass
class Listing:
    games: list[Game]
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


async def site_games(
    session: AsyncSession,
    principal: Principal,
    site_id: int,
    query: dict[str, Any],
    kind: Kind = "all",
) -> Listing:
    member = await site_membership(session, principal, site_id)
    if kind == "open":
        member.require(may_list_open(member), "list open games")
        scope = open_games()
    elif kind == "needing":
        member.require(member.administers, "list games needing officials")
        scope = and_(Game.status == "A", has_vacancy())
    else:
        scope = queries.visibility(member)
    errors = ErrorCollector()
    page = parse_page(query, errors)
    clauses = queries.filters(query, errors, site_today(member.site).date())
    errors.raise_if_any()
    statement = select(Game).where(Game.site_id == site_id, scope, *clauses)
    games, total = await page_of_games(session, statement, page)
    return Listing(games, total, page, {site_id: member})


def _site_filter(query: dict[str, Any], errors: ErrorCollector) -> int | None:
    search = query.get("search")
    raw = search.get("site_id") if isinstance(search, dict) else None
    if is_blank(raw) or isinstance(raw, (dict, list)):
        return None
    value = read_int(raw, "search[site_id]", errors, 1, 2**63 - 1)
    return None if value is INVALID else int(value)


async def cross_site_games(
    session: AsyncSession,
    principal: Principal,
    query: dict[str, Any],
    kind: Literal["open", "mine"],
) -> Listing:
    members = await accessible_site_ids(session, principal)
    errors = ErrorCollector()
    page = parse_page(query, errors)
    only_site = _site_filter(query, errors)
    clauses = queries.filters(query, errors, date.today())
    errors.raise_if_any()
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
    statement = select(Game).where(scope, *clauses)
    games, total = await page_of_games(session, statement, page)
    return Listing(games, total, page, members)


async def user_games(
    session: AsyncSession, principal: Principal, user_id: int, query: dict[str, Any]
) -> Listing:
    user, member = await load_user(session, principal, user_id)
    own = is_own(member, user)
    member.require(member.administers or own, "list this user's games")
    errors = ErrorCollector()
    page = parse_page(query, errors)
    clauses = queries.filters(query, errors, site_today(member.site).date())
    errors.raise_if_any()
    scope: ColumnElement[bool] = queries.holds_slot(user.id)
    if not member.administers:
        scope = and_(scope, Game.published.is_(True))
    statement = select(Game).where(Game.site_id == user.site_id, scope, *clauses)
    games, total = await page_of_games(session, statement, page)
    return Listing(games, total, page, {user.site_id: member})
