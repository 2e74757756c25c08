"""What one build of the demo season shares: the random source, the calendar and what is
already booked (``SeasonBuilder``), and the records planned per site (``SiteRefs``)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.demo import data
from refdesk.server.demo import season_data as sd
from refdesk.server.games.models import Game
from refdesk.server.reference.models import (
    AgeGroup,
    GameType,
    Gender,
    Group,
    League,
    Pattern,
    Position,
    Team,
)
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue, Zone

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from refdesk.server.demo.seed import DemoWorld

RANDOM_SEED = "refdesk demo season 1"


@dataclass
class Official:
    user: User
    grade: str
    qualified: set[tuple[str, str]]  # (age group, position abbreviation)
    groups: set[str] = field(default_factory=set)
    weight: float = 1.0
    teams: set[int] = field(default_factory=set)
    leagues: set[int] = field(default_factory=set)
    venues: set[int] = field(default_factory=set)
    avoid: set[int] = field(default_factory=set)  # other user ids
    days: list[date] = field(default_factory=list)


@dataclass
class Slot:
    game: PlannedGame
    position: str  # abbreviation
    position_id: int
    sort_order: int
    official: Official | None = None
    accepted: bool = False
    declined: bool = False
    reason: str | None = None
    row: Assignment | None = None


@dataclass
class PlannedGame:
    row: Game
    age_group: str
    offset: int  # days from the anchor
    slots: list[Slot] = field(default_factory=list)


@dataclass
class SiteRefs:
    site: Site
    season: sd.SiteSeason
    zones: dict[str, Zone] = field(default_factory=dict)
    venues: dict[str, Venue] = field(default_factory=dict)
    leagues: dict[str, League] = field(default_factory=dict)
    game_types: dict[str, GameType] = field(default_factory=dict)
    genders: dict[str, Gender] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)  # by abbreviation
    patterns: dict[str, tuple[Pattern, list[Position]]] = field(default_factory=dict)
    age_groups: dict[str, AgeGroup] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    officials: list[Official] = field(default_factory=list)
    assignor: User | None = None
    games: list[PlannedGame] = field(default_factory=list)


def weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o[0] for o in options], weights=[o[1] for o in options])[0]


class SeasonBuilder:
    """The state shared by the steps of one season build (``season.py`` runs them)."""

    def __init__(self, session: AsyncSession, world: DemoWorld, anchor: date) -> None:
        self.session = session
        self.world = world
        self.anchor = anchor
        self.rng = random.Random(RANDOM_SEED)
        monday = anchor - timedelta(days=anchor.weekday())
        self.first_day = monday - timedelta(weeks=sd.WEEKS_BEFORE)
        self.days = [
            self.first_day + timedelta(days=i)
            for i in range((sd.WEEKS_BEFORE + 1 + sd.WEEKS_AFTER) * 7)
        ]
        self.emails = {p.email for p in (data.OPERATOR, *data.PEOPLE)}
        self.phone = 20  # 555-0120 onwards; 0100-0119 belong to data.PEOPLE
        # Per account: (start, end) of every slot held (not declined), across sites.
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        # (user id, date) -> availability windows (None = all day)
        self.available: dict[tuple[int, date], list[tuple[time, time] | None]] = {}
        self.demo_official = next(c for c in data.CLIENTS if c.role == "official")
        self.positions: dict[int, tuple[sd.DemoPosition, ...]] = {}
        self.zones: dict[int, ZoneInfo] = {}
