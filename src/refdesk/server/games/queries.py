"""Which games a caller sees (contract §7.3) and the list filters (§16.3.5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from refdesk.server.assignments.models import Assignment
from refdesk.server.days import day_of
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import ID_FILTERS, GameListQuery
from refdesk.server.sites.access import Membership
from refdesk.server.venues.models import Venue


def holds_slot(user_id: int) -> ColumnElement[bool]:
    return Game.id.in_(select(Assignment.game_id).where(Assignment.official_id == user_id))


def visibility(member: Membership) -> ColumnElement[bool]:
    """Games of ``member``'s site the caller may read."""
    if member.administers:
        return true()
    if member.observer or (member.official and member.site.show_all_games):
        return Game.published.is_(True)
    if member.official and member.user is not None:
        return and_(Game.published.is_(True), holds_slot(member.user.id))
    return false()


def start_time_bound(day: date, compare: str) -> list[ColumnElement[bool]]:
    """The local-date bound again on ``start_time``, a day wider than any UTC offset: the
    result is the same, and the (site, start_time) index can serve ORDER BY start_time LIMIT n
    without sorting every game of the range."""
    margin = timedelta(days=1 if compare == "ge" else 2)
    try:
        edge = datetime.combine(day - margin if compare == "ge" else day + margin, time.min, UTC)
    except OverflowError:  # at the ends of the calendar the date bound alone decides
        return []
    return [Game.start_time >= edge if compare == "ge" else Game.start_time < edge]


def clauses(q: GameListQuery, today: date) -> list[ColumnElement[bool]]:
    """The filters of a parsed list query; relative dates are days of ``today``'s calendar."""
    found: list[ColumnElement[bool]] = []
    if q.start_date is not None:
        day = day_of(q.start_date, today)
        found.append(Game.local_date >= day)
        found.extend(start_time_bound(day, "ge"))
    if q.end_date is not None:
        day = day_of(q.end_date, today)
        found.append(Game.local_date <= day)
        found.extend(start_time_bound(day, "le"))
    for name in ID_FILTERS:
        ref = getattr(q, name)
        if ref is not None:
            found.append(getattr(Game, name) == ref)
    if q.zone_id is not None:
        found.append(Game.venue_id.in_(select(Venue.id).where(Venue.zone_id == q.zone_id)))
    if q.team_id is not None:
        found.append(or_(Game.home_team_id == q.team_id, Game.away_team_id == q.team_id))
    if q.user_id is not None:
        found.append(holds_slot(q.user_id))
    if q.status is not None:
        found.append(Game.status.in_(q.status))
    if q.published is not None:
        found.append(Game.published.is_(q.published))
    if q.user_defined_id is not None:
        found.append(Game.user_defined_id == q.user_defined_id)
    if q.external_id is not None:
        found.append(Game.external_id == q.external_id)
    if q.updated_since is not None:
        found.append(Game.updated > q.updated_since)
    return found
