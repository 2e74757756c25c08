"""The solver's input and output as plain data: no ORM, no HTTP, no I/O.

Times are aware datetimes (UTC); ``local_date`` is the slot's date in the site's zone. Ids
are the database ids when the instance comes from a site (``loader``), any distinct
integers when it is generated (``bench``) or read from another format (the TUP adapter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

# -- input ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Venue:
    id: int
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, kw_only=True)
class Slot:
    """One position of one game. ``official_id`` is who holds it now (None: vacant);
    ``fixed`` slots keep their official (accepted slots, or every held slot when pending ones
    are not re-planned) and count for overlaps, travel and limits."""

    id: int
    game_id: int
    position_id: int
    start: datetime
    end: datetime
    local_date: date
    venue_id: int | None = None
    age_group_id: int = 0
    league_id: int | None = None
    home_team_id: int | None = None
    away_team_id: int | None = None
    group_id: int | None = None
    """Only members of this group may hold the slot (the position's group)."""
    min_official_age: int | None = None
    level: int = 0
    """How demanding the slot is (higher: older age group, centre position)."""
    fee_cents: int = 0
    official_id: int | None = None
    fixed: bool = False
    lock_version: int = 0
    excluded: frozenset[int] = frozenset()
    """Officials who may not hold this slot whatever else holds (e.g. they declined it)."""
    round: int | None = None
    """A sequence number shared by slots played "at the same time" (TUP rounds); None for
    real games, whose sequence is their start time."""


@dataclass(frozen=True)
class Window:
    """An availability entry of an official on a local date: all day, or [start, end)."""

    local_date: date
    start: time | None = None
    end: time | None = None

    @property
    def all_day(self) -> bool:
        return self.start is None or self.end is None


@dataclass(frozen=True, kw_only=True)
class Official:
    id: int
    name: str = ""
    date_of_birth: date | None = None
    availability: tuple[Window, ...] | None = None
    """None: availability is not used for this official (the site does not use it)."""
    qualified: frozenset[tuple[int, int]] | None = None
    """(age_group_id, position_id) pairs the official may work; None: abilities not used."""
    groups: frozenset[int] = frozenset()
    team_conflicts: frozenset[int] = frozenset()
    league_conflicts: frozenset[int] = frozenset()
    venue_conflicts: frozenset[int] = frozenset()
    official_conflicts: frozenset[int] = frozenset()
    """Officials this one must not share a game with (either side declared it)."""
    busy: tuple[tuple[datetime, datetime], ...] = ()
    """Held elsewhere (another site): intervals the official cannot work in."""
    max_per_day: int | None = None
    max_per_week: int | None = None
    max_per_month: int | None = None
    held_outside: tuple[date, ...] = ()
    """Local dates of games the official holds outside the instance (count for the limits)."""
    wanted_games: int | None = None
    """How many games the official asked for (fairness is relative to it; None: no wish)."""
    strength: int = 0
    """Higher: stronger (grade), matched to higher slot levels."""


@dataclass(frozen=True, kw_only=True)
class Weights:
    """The soft objective's weights (documented in the README); filling slots always wins."""

    fill: int = 1000
    fairness: int = 10
    travel: int = 10
    strength: int = 2
    crews: int = 3
    change: int = 20


@dataclass(frozen=True, kw_only=True)
class Options:
    weights: Weights = field(default_factory=Weights)
    travel_speed_kmh: float = 50.0
    travel_buffer_minutes: int = 15
    """Added between two games of one official at different venues (and the whole gap
    when a venue has no coordinates)."""
    max_per_day: int | None = None
    max_per_week: int | None = None
    """Caps for every official on top of their own limits (None: only their own)."""
    time_limit_seconds: float = 10.0
    workers: int = 2
    seed: int = 0
    venue_repeat_gap: int | None = None
    """TUP q1: no official at the same venue within this many consecutive rounds."""
    team_repeat_gap: int | None = None
    """TUP q2: no official sees the same team within this many consecutive rounds."""
    visit_every_venue: bool = False
    """TUP: every official works at every venue at least once."""


@dataclass(frozen=True, kw_only=True)
class Instance:
    slots: tuple[Slot, ...]
    officials: tuple[Official, ...]
    venues: tuple[Venue, ...] = ()
    distance_km: dict[tuple[int, int], float] | None = None
    """Venue-to-venue distances overriding the straight line (the TUP matrix)."""
    timezone: str = "UTC"
    """The site's zone: availability windows and limits are in its local time."""


# -- output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuledOut:
    """Why one official cannot hold one slot: a code (§16.5's where one applies: D, E, T, O,
    A, L, V, X, C, G; ``TR`` travel, ``S`` same game) and the words."""

    official_id: int
    code: str
    reason: str


@dataclass(frozen=True)
class Fill:
    slot_id: int
    official_id: int
    lock_version: int
    previous_official_id: int | None = None


@dataclass(frozen=True)
class EmptySlot:
    """A vacant slot the proposal leaves empty, and the constraints that bind it."""

    slot_id: int
    lock_version: int
    summary: str
    ruled_out: tuple[RuledOut, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Objective:
    """The objective's parts (lower is better but for ``filled``)."""

    filled: int = 0
    fairness: int = 0
    fee_fairness: int = 0
    travel_km: float = 0.0
    strength_mismatch: int = 0
    crew_splits: int = 0
    changes: int = 0
    total: int = 0


Progress = Callable[[str, float], None]
"""Called as the solve goes: a phase in words and the fraction done (0 … 1). Phases:
``preparing``, ``filling``, ``balancing``, ``done``; it may be called from CP-SAT's
solution-callback thread, at most every half second."""


@dataclass(frozen=True, kw_only=True)
class Proposal:
    fills: tuple[Fill, ...]
    empty: tuple[EmptySlot, ...]
    objective: Objective
    status: str
    """``optimal``, ``feasible`` (time limit reached, or a large instance solved by blocks /
    pruned candidates), ``greedy`` (baseline), ``infeasible`` (the hard constraints admit
    nothing: only ``visit_every_venue`` can cause it), ``unsolved`` (no assignment meeting
    ``visit_every_venue`` found in time). The last two carry no fills."""
    bound_filled: int | None = None
    """The most slots any assignment could fill (proved by the solver), when known."""
    solve_seconds: float = 0.0
