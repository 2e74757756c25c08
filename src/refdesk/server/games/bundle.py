"""Everything needed to represent a page of games, loaded in a constant number of queries."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, cast

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.db.id_lists import in_ids
from refdesk.server.db.rows import prepared, select_many, select_rows
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
from refdesk.server.users.representation import UserLike
from refdesk.server.venues.models import Venue, Zone


class AssignmentLike(Protocol):
    """What an assignment representation reads: an ORM ``Assignment`` or a plain row."""

    @property
    def id(self) -> int: ...
    @property
    def game_id(self) -> int: ...
    @property
    def position_id(self) -> int: ...
    @property
    def sort_order(self) -> int: ...
    @property
    def official_id(self) -> int | None: ...
    @property
    def accepted(self) -> bool: ...
    @property
    def declined(self) -> bool: ...
    @property
    def decline_reason(self) -> str | None: ...
    @property
    def fee(self) -> Decimal | None: ...
    @property
    def created(self) -> datetime: ...
    @property
    def updated(self) -> datetime: ...
    @property
    def lock_version(self) -> int: ...


class GameLike(Protocol):
    """What a game representation reads: an ORM ``Game`` or a row of :data:`GAME_COLUMNS`
    (the API's reads select plain columns; the writes answer with the entity they changed)."""

    @property
    def id(self) -> int: ...
    @property
    def site_id(self) -> int: ...
    @property
    def start_time(self) -> datetime: ...
    @property
    def end_time(self) -> datetime | None: ...
    @property
    def venue_id(self) -> int: ...
    @property
    def subvenue(self) -> str | None: ...
    @property
    def age_group_id(self) -> int: ...
    @property
    def home_team_id(self) -> int: ...
    @property
    def away_team_id(self) -> int: ...
    @property
    def league_id(self) -> int | None: ...
    @property
    def game_type_id(self) -> int | None: ...
    @property
    def gender_id(self) -> int | None: ...
    @property
    def pattern_id(self) -> int: ...
    @property
    def assignor_id(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def published(self) -> bool: ...
    @property
    def user_defined_id(self) -> str | None: ...
    @property
    def external_id(self) -> str | None: ...
    @property
    def public_note(self) -> str | None: ...
    @property
    def private_note(self) -> str | None: ...
    @property
    def paid_via(self) -> str | None: ...
    @property
    def created(self) -> datetime: ...
    @property
    def updated(self) -> datetime: ...
    @property
    def lock_version(self) -> int: ...


# Every column of ``games``: a row of these reads like a ``Game`` (see :class:`GameLike`).
GAME_COLUMNS = tuple(Game.__table__.c)


class FeeSource(Protocol):
    """What a slot's fee depends on in its game: a ``Game`` or a game's facts."""

    @property
    def status(self) -> str: ...
    @property
    def age_group_id(self) -> int | None: ...
    @property
    def pattern_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class PositionRef:
    id: int
    name: str
    abbreviation: str


# Plain column selects (rows, not ORM entities, run on the Core connection: db/rows.py): a
# page holds a few hundred slots and users, and these are only read.
_SLOT_FIELDS = (
    "id", "game_id", "position_id", "sort_order", "official_id", "accepted", "declined",
    "decline_reason", "fee", "created", "updated", "lock_version",
)  # fmt: skip
SLOT_COLUMNS = (
    *(Assignment.__table__.c[name] for name in _SLOT_FIELDS),
    Position.name.label("position_name"),
    Position.abbreviation.label("position_abbreviation"),
)
USER_COLUMNS = tuple(
    User.__table__.c[name] for name in ("id", "first_name", "last_name", "created", "updated")
)


@dataclass
class Bundle:
    sites: dict[int, Site] = field(default_factory=dict)
    venues: dict[int, Venue] = field(default_factory=dict)
    zones: dict[int, Zone] = field(default_factory=dict)
    names: dict[tuple[str, int], str] = field(default_factory=dict)
    users: dict[int, UserLike] = field(default_factory=dict)
    slots: dict[int, list[tuple[AssignmentLike, PositionRef]]] = field(default_factory=dict)
    fees: dict[tuple[int | None, int | None, int], Decimal] = field(default_factory=dict)
    # Embedded parts that repeat across a page (site, venue, zone, user summaries): built once
    # and shared; the documents are only serialised, never changed after they are built.
    parts: dict[tuple[str, int, int], dict[str, Any]] = field(default_factory=dict)
    # A slot's ``fees`` by (amount, currency): a page's slots share a handful of amounts.
    fee_parts: dict[tuple[Decimal, str], list[dict[str, Any]]] = field(default_factory=dict)

    def part(
        self, kind: str, record_id: int, site_id: int, build: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        key = (kind, record_id, site_id)
        found = self.parts.get(key)
        if found is None:
            found = self.parts[key] = build()
        return found

    def name(self, kind: str, record_id: int | None) -> str | None:
        return self.names.get((kind, record_id)) if record_id is not None else None

    def fee_of(self, game: FeeSource, assignment: AssignmentLike) -> Decimal:
        """The slot's fee: 0 when the game is cancelled ("C"), else its own, else the default
        for (age group, pattern, position) (§16.4)."""
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


def _in(column: Any, name: str) -> Any:
    return in_ids(column, name)  # the list is one bound value (db/id_lists.py)


# The statements are built once; each call only binds id lists (one value each: id_lists.py).
# A page's venues with their zones, as rows: each venue's columns, then its zone's (prefixed;
# all None without a zone). Read like the entities: the same attribute names.
_VENUE_FIELDS = tuple(c.key for c in Venue.__table__.c)
_ZONE_FIELDS = tuple(c.key for c in Zone.__table__.c)
VenueRow = namedtuple("VenueRow", _VENUE_FIELDS)  # type: ignore[misc]
ZoneRow = namedtuple("ZoneRow", _ZONE_FIELDS)  # type: ignore[misc]
VENUES = prepared(
    select(*Venue.__table__.c, *(c.label(f"zone__{c.key}") for c in Zone.__table__.c))
    .outerjoin(Zone, Zone.id == Venue.zone_id)
    .where(_in(Venue.id, "ids"))
)
# Every reference name in one statement: (kind, id, name) rows from a UNION ALL.
NAME_SOURCES: tuple[tuple[str, type[Any]], ...] = (("team", Team), *((k, m) for k, m, _ in NAMED))
NAMES = prepared(
    union_all(
        *(
            select(literal(kind).label("kind"), model.id, model.name).where(_in(model.id, kind))
            for kind, model in NAME_SOURCES
        )
    )
)
# A page's slots and their positions; the officials and default fees follow in two plain
# IN lookups (one join over games, fees and users made PostgreSQL scan whole tables).
SLOTS = prepared(
    select(*SLOT_COLUMNS)
    .join(Position, Position.id == Assignment.position_id)
    .where(_in(Assignment.game_id, "ids"))
    .order_by(Assignment.game_id, Assignment.sort_order, Assignment.id)
)
USERS = prepared(select(*USER_COLUMNS).where(_in(User.id, "ids")))
FEES = prepared(
    select(
        AgeGroupFee.age_group_id,
        AgeGroupFee.pattern_id,
        AgeGroupFee.position_id,
        AgeGroupFee.amount,
    ).where(_in(AgeGroupFee.age_group_id, "age_groups"), _in(AgeGroupFee.pattern_id, "patterns"))
)


async def load_bundle(
    session: AsyncSession, games: Sequence[GameLike], sites: dict[int, Site] | None = None
) -> Bundle:
    bundle = Bundle()
    if not games:
        return bundle
    site_ids = _ids(g.site_id for g in games)
    known = sites or {}
    missing = site_ids - known.keys()
    bundle.sites = dict(known)
    if missing:
        for site in (await session.scalars(select(Site).where(Site.id.in_(missing)))).all():
            bundle.sites[site.id] = site
    wanted = {
        "team": list(_ids(g.home_team_id for g in games) | _ids(g.away_team_id for g in games))
    }
    for kind, _, column in NAMED:
        wanted[kind] = list(_ids(getattr(g, column) for g in games))
    fee_keys = {
        "age_groups": list(_ids(g.age_group_id for g in games)),
        "patterns": list(_ids(g.pattern_id for g in games)),
    }
    # Four independent lookups (one hand-off to SQLite's thread: db/rows.py), then the users.
    venue_rows, named_rows, rows, fees = await select_many(
        session,
        [
            (VENUES, {"ids": list(_ids(g.venue_id for g in games))}),
            (NAMES, wanted),
            (SLOTS, {"ids": [g.id for g in games]}),
            (FEES, fee_keys),
        ],
    )
    width = len(_VENUE_FIELDS)
    for row in venue_rows:
        # Rows with every column of the entity, read by the same names (never written).
        venue = cast(Venue, VenueRow._make(row[:width]))
        bundle.venues[venue.id] = venue
        if row[width] is not None:  # the zone's id
            zone = cast(Zone, ZoneRow._make(row[width:]))
            bundle.zones[zone.id] = zone
    for named in named_rows:  # (kind, id, name)
        bundle.names[(named[0], named[1])] = named[2]
    positions: dict[int, PositionRef] = {}
    for row in rows:
        position = positions.get(row.position_id)
        if position is None:
            position = PositionRef(row.position_id, row.position_name, row.position_abbreviation)
            positions[row.position_id] = position
        bundle.slots.setdefault(row.game_id, []).append((cast(AssignmentLike, row), position))
    user_ids = _ids(g.assignor_id for g in games) | _ids(row.official_id for row in rows)
    if user_ids:
        users = await select_rows(session, USERS, {"ids": list(user_ids)})
        bundle.users = {u.id: cast(UserLike, u) for u in users}
    bundle.fees = {(f.age_group_id, f.pattern_id, f.position_id): f.amount for f in fees}
    return bundle
