"""Which games a caller sees (contract §7.3) and the list filters (§16.3.5).

A list's WHERE is described by its *shape* (which clauses, e.g. ``("ref", "venue_id")``) and
its *values* (the bound parameters, by name). The clauses are built from the shape alone, with
the values bound in them as well, so a statement built from a shape runs as it is; the API's
row lists build one statement per shape and only bind the values of later requests
(``lists.py``): building and walking a select for every request cost about a tenth of a month
list (issue 15's profile).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, false, or_, select, true

from refdesk.server.assignments.models import Assignment
from refdesk.server.days import day_of
from refdesk.server.db.base import utcnow
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import ID_FILTERS, GameListQuery
from refdesk.server.sites.access import Membership
from refdesk.server.venues.models import Venue

Shape = tuple[Hashable, ...]  # one clause: its kind, then what its SQL depends on


@dataclass
class Where:
    """The clauses of a game list's WHERE: their shapes and their values."""

    shapes: list[Shape] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def add(self, shape: Shape, **values: Any) -> None:
        self.shapes.append(shape)
        self.values.update(values)

    @property
    def key(self) -> tuple[Shape, ...]:
        return tuple(self.shapes)

    def clauses(self) -> list[ColumnElement[bool]]:
        return [clause(shape, self.values) for shape in self.shapes]


def _bound(column: Any, name: str, values: dict[str, Any]) -> BindParameter[Any]:
    """A parameter named ``name`` of ``column``'s type, bound to its value in ``values``."""
    return bindparam(name, values.get(name), type_=column.type)


def holds_slot(user_id: Any) -> ColumnElement[bool]:
    """Games where ``user_id`` (a value or a bound parameter) holds a slot."""
    return Game.id.in_(select(Assignment.game_id).where(Assignment.official_id == user_id))


def has_vacancy() -> ColumnElement[bool]:
    return Game.id.in_(select(Assignment.game_id).where(Assignment.official_id.is_(None)))


def clause(shape: Shape, values: dict[str, Any]) -> ColumnElement[bool]:
    """The clause of one shape, its parameters bound to ``values``."""
    kind = shape[0]
    if kind == "site":
        return Game.site_id == _bound(Game.site_id, "site_id", values)
    if kind == "everything":
        return true()
    if kind == "nothing":
        return false()
    if kind == "published":
        return Game.published.is_(bool(shape[1]))
    if kind == "held by viewer":
        viewer = _bound(Assignment.official_id, "viewer_id", values)
        return and_(Game.published.is_(True), holds_slot(viewer))
    if kind == "open":
        now = _bound(Game.start_time, "now", values)
        return and_(
            Game.published.is_(True), Game.status == "A", Game.start_time > now, has_vacancy()
        )
    if kind == "needing":
        return and_(Game.status == "A", has_vacancy())
    if kind in ("start_date", "end_date"):
        day = _bound(Game.local_date, kind, values)
        if kind == "start_date":
            found = [Game.local_date >= day]
            if shape[1]:
                found.append(Game.start_time >= _bound(Game.start_time, "start_edge", values))
        else:
            found = [Game.local_date <= day]
            if shape[1]:
                found.append(Game.start_time < _bound(Game.start_time, "end_edge", values))
        return and_(*found)
    if kind == "ref":
        column = getattr(Game, str(shape[1]))
        return cast(ColumnElement[bool], column == _bound(column, f"ref_{shape[1]}", values))
    if kind == "zone":
        zone = _bound(Venue.zone_id, "zone_id", values)
        return Game.venue_id.in_(select(Venue.id).where(Venue.zone_id == zone))
    if kind == "team":
        team = _bound(Game.home_team_id, "team_id", values)
        return or_(Game.home_team_id == team, Game.away_team_id == team)
    if kind == "holds":  # the user_id filter
        return holds_slot(_bound(Assignment.official_id, "slot_user_id", values))
    if kind == "user's games":  # GET /users/{id}/games
        return holds_slot(_bound(Assignment.official_id, "owner_id", values))
    if kind == "status":
        count = int(str(shape[1]))
        return Game.status.in_([_bound(Game.status, f"status_{i}", values) for i in range(count)])
    if kind in ("user_defined_id", "external_id"):
        column = getattr(Game, str(kind))
        return cast(ColumnElement[bool], column == _bound(column, str(kind), values))
    if kind == "updated_since":
        return Game.updated > _bound(Game.updated, "updated_since", values)
    raise ValueError(f"no game list clause {shape!r}")


def add_visibility(where: Where, member: Membership) -> None:
    """Games of ``member``'s site the caller may read (§7.3)."""
    if member.administers:
        where.add(("everything",))
    elif member.observer or (member.official and member.site.show_all_games):
        where.add(("published", True))
    elif member.official and member.user is not None:
        where.add(("held by viewer",), viewer_id=member.user.id)
    else:
        where.add(("nothing",))


def visibility(member: Membership) -> ColumnElement[bool]:
    """:func:`add_visibility` as one clause."""
    where = Where()
    add_visibility(where, member)
    return where.clauses()[0]


def add_open(where: Where) -> None:
    """Open games: published, active, in the future, with a vacant slot."""
    where.add(("open",), now=utcnow())


def start_time_edge(day: date, compare: str) -> datetime | None:
    """The local-date bound again on ``start_time``, a day wider than any UTC offset: the
    result is the same, and the (site, start_time) index can serve ORDER BY start_time LIMIT n
    without sorting every game of the range. None at the ends of the calendar, where the date
    bound alone decides."""
    margin = timedelta(days=1 if compare == "ge" else 2)
    try:
        return datetime.combine(day - margin if compare == "ge" else day + margin, time.min, UTC)
    except OverflowError:
        return None


def add_filters(where: Where, q: GameListQuery, today: date) -> None:
    """The filters of a parsed list query; relative dates are days of ``today``'s calendar."""
    if q.start_date is not None:
        day = day_of(q.start_date, today)
        edge = start_time_edge(day, "ge")
        where.add(("start_date", edge is not None), start_date=day)
        if edge is not None:
            where.values["start_edge"] = edge
    if q.end_date is not None:
        day = day_of(q.end_date, today)
        edge = start_time_edge(day, "le")
        where.add(("end_date", edge is not None), end_date=day)
        if edge is not None:
            where.values["end_edge"] = edge
    for name in ID_FILTERS:
        ref = getattr(q, name)
        if ref is not None:
            where.add(("ref", name), **{f"ref_{name}": ref})
    if q.zone_id is not None:
        where.add(("zone",), zone_id=q.zone_id)
    if q.team_id is not None:
        where.add(("team",), team_id=q.team_id)
    if q.user_id is not None:
        where.add(("holds",), slot_user_id=q.user_id)
    if q.status is not None:
        statuses = {f"status_{i}": status for i, status in enumerate(q.status)}
        where.add(("status", len(q.status)), **statuses)
    if q.published is not None:
        where.add(("published", q.published))
    if q.user_defined_id is not None:
        where.add(("user_defined_id",), user_defined_id=q.user_defined_id)
    if q.external_id is not None:
        where.add(("external_id",), external_id=q.external_id)
    if q.updated_since is not None:
        where.add(("updated_since",), updated_since=q.updated_since)


def clauses(q: GameListQuery, today: date) -> list[ColumnElement[bool]]:
    """:func:`add_filters` as clauses."""
    where = Where()
    add_filters(where, q, today)
    return where.clauses()
