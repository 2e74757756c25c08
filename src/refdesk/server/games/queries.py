"""Which games a caller sees (contract §7.3) and the list filters (§16.3.5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from refdesk.server.assignments.models import Assignment
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_bool, read_date, read_datetime, read_int
from refdesk.server.games.models import Game
from refdesk.server.sites.access import Membership
from refdesk.server.venues.models import Venue

ID_FILTERS = ("league_id", "age_group_id", "venue_id", "game_type_id", "gender_id")
FILTER_KEYS = tuple(
    f"search[{name}]"
    for name in (
        "start_date",
        "end_date",
        *ID_FILTERS,
        "zone_id",
        "team_id",
        "status",
        "published",
        "user_id",
        "user_defined_id",
        "external_id",
        "updated_since",
        "site_id",
    )
)


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


def filters(
    query: dict[str, Any], errors: ErrorCollector, today: date
) -> list[ColumnElement[bool]]:
    search = query.get("search")
    if not isinstance(search, dict):
        return []
    clauses: list[ColumnElement[bool]] = []

    def value(name: str) -> Any:
        raw = search.get(name)
        return None if is_blank(raw) or isinstance(raw, (dict, list)) else raw

    for name, compare in (("start_date", "ge"), ("end_date", "le")):
        raw = value(name)
        if raw is not None:
            day = read_date(raw, f"search[{name}]", errors, today)
            if day is not INVALID:
                clauses.append(
                    Game.local_date >= day if compare == "ge" else Game.local_date <= day
                )
                clauses.extend(start_time_bound(day, compare))
    for name in (*ID_FILTERS, "zone_id", "team_id", "user_id"):
        raw = value(name)
        if raw is None:
            continue
        ref = read_int(raw, f"search[{name}]", errors, 1, 2**63 - 1)
        if ref is INVALID:
            continue
        if name == "zone_id":
            clauses.append(Game.venue_id.in_(select(Venue.id).where(Venue.zone_id == ref)))
        elif name == "team_id":
            clauses.append(or_(Game.home_team_id == ref, Game.away_team_id == ref))
        elif name == "user_id":
            clauses.append(holds_slot(ref))
        else:
            clauses.append(getattr(Game, name) == ref)
    status = value("status")
    if status is not None:
        codes = [s.strip().upper() for s in str(status).split(",") if s.strip()]
        if not codes or any(c not in ("A", "X", "C") for c in codes):
            errors.add("search[status]", "is not included in the list")
        else:
            clauses.append(Game.status.in_(codes))
    published = value("published")
    if published is not None:
        flag = read_bool(published, "search[published]", errors)
        if flag is not INVALID:
            clauses.append(Game.published.is_(flag))
    for name in ("user_defined_id", "external_id"):
        raw = value(name)
        if raw is not None:
            clauses.append(getattr(Game, name) == str(raw).strip())
    since = value("updated_since")
    if since is not None:
        moment = read_datetime(since, "search[updated_since]", errors)
        if moment is not INVALID:
            clauses.append(Game.updated > moment)
    return clauses
