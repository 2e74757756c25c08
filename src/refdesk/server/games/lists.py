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
from refdesk.server.db.paging import PrebuiltPage, page_of, prebuilt_row_page, row_page
from refdesk.server.games import queries
from refdesk.server.games.bundle import GAME_COLUMNS
from refdesk.server.games.models import Game
from refdesk.server.games.queries import Where
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


def open_games() -> ColumnElement[bool]:
    """Open games: published, active, in the future, with a vacant slot."""
    where = Where()
    queries.add_open(where)
    return where.clauses()[0]


def may_list_open(member: Membership) -> bool:
    return member.administers or (member.official and member.site.show_unassigned_games)


ORDER = (Game.start_time, Game.id)
_PREBUILT: dict[tuple[Any, ...], PrebuiltPage] = {}  # the row lists' statements, by shape
MAX_PREBUILT = 512  # distinct shapes kept (filters combine); beyond, built per request


def _prebuilt(where: Where) -> PrebuiltPage:
    key = where.key
    found = _PREBUILT.get(key)
    if found is None:
        found = PrebuiltPage(select(*ROWS).where(*where.clauses()), ORDER)
        if len(_PREBUILT) < MAX_PREBUILT:
            _PREBUILT[key] = found
    return found


async def _page(
    session: AsyncSession, select_of: Sequence[Any], where: Where, page: PageRequest
) -> tuple[list[Any], int]:
    """The page and the total: entities, or rows (one statement per shape of ``where``)."""
    if select_of is ROWS:
        return await prebuilt_row_page(session, _prebuilt(where), where.values, page)
    statement = select(*select_of).where(*where.clauses())
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
    where = Where()
    where.add(("site",), site_id=site_id)
    if kind == "open":
        member.require(may_list_open(member), "list open games")
        queries.add_open(where)
    elif kind == "needing":
        member.require(member.administers, "list games needing officials")
        where.add(("needing",))
    else:
        queries.add_visibility(where, member)
    query.raise_if_invalid()
    queries.add_filters(where, query, site_today(member.site).date())
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
    statement = select(*select_of).where(scope, *clauses)
    if len(select_of) == 1:  # the entity
        games, total = await page_of(session, statement, ORDER, page)
    else:  # a statement per combination of sites: not prebuilt
        games, total = await row_page(session, statement, ORDER, page)
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
    where = Where()
    where.add(("site",), site_id=user.site_id)
    where.add(("user's games",), owner_id=user.id)
    if not member.administers:
        where.add(("published", True))
    queries.add_filters(where, query, site_today(member.site).date())
    games, total = await _page(session, select_of, where, page)
    return Listing(games, total, page, {user.site_id: member})
