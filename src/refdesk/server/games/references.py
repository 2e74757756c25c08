"""Find-or-create references of a game write (contract §16.2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.errors import ErrorCollector
from refdesk.server.games.schemas import GameWrite
from refdesk.server.inputs import UNSET
from refdesk.server.reference.common import find_or_create_named
from refdesk.server.reference.models import AgeGroup, GameType, Gender, League, Pattern, Team
from refdesk.server.venues.models import Venue


@dataclass(frozen=True)
class Reference:
    column: str  # Game column, e.g. ``home_team_id``
    name_field: str  # e.g. ``home_team_name``
    model: type[Any]
    required: bool
    find_only: bool = False


REFERENCES = (
    Reference("venue_id", "venue_name", Venue, True),
    Reference("home_team_id", "home_team_name", Team, True),
    Reference("away_team_id", "away_team_name", Team, True),
    Reference("age_group_id", "age_group_name", AgeGroup, True),
    Reference("league_id", "league_name", League, False),
    Reference("game_type_id", "game_type_name", GameType, False),
    Reference("gender_id", "gender_name", Gender, False),
    Reference("pattern_id", "pattern_name", Pattern, True, find_only=True),
)


@dataclass
class Pending:
    """A name to find or create once validation has passed."""

    reference: Reference
    name: str


async def resolve(
    session: AsyncSession,
    site_id: int,
    inp: GameWrite,
    errors: ErrorCollector,
    creating: bool,
) -> tuple[dict[str, int | None], list[Pending]]:
    """Ids that are settled now, and names still to find-or-create (no writes here)."""
    settled: dict[str, int | None] = {}
    pending: list[Pending] = []
    for ref in REFERENCES:
        if inp.failed(ref.column) or inp.failed(ref.name_field):
            continue  # reported by parsing
        ref_id = getattr(inp, ref.column)
        name = getattr(inp, ref.name_field)
        if isinstance(ref_id, int):
            found = await session.scalar(
                select(ref.model.id).where(ref.model.id == ref_id, ref.model.site_id == site_id)
            )
            if not found:
                errors.add(ref.column, "does not exist")
            else:
                settled[ref.column] = ref_id
        elif isinstance(name, str):
            existing = await session.scalar(
                select(ref.model.id).where(
                    ref.model.site_id == site_id, func.lower(ref.model.name) == name.lower()
                )
            )
            if existing:
                settled[ref.column] = existing
            elif ref.find_only:
                errors.add(ref.name_field, "does not exist")
            else:
                pending.append(Pending(ref, name))
        elif ref_id is not UNSET or name is not UNSET or creating:
            # Sent as null/empty (clears an optional reference), or missing on create.
            if ref.required:
                errors.add(
                    ref.name_field if name is not UNSET or ref_id is UNSET else ref.column,
                    "can't be blank",
                )
            else:
                settled[ref.column] = None
    return settled, pending


async def create_pending(
    session: AsyncSession, site_id: int, pending: list[Pending]
) -> dict[str, int]:
    """Create the named records (same transaction as the game; home/away share a team)."""
    made: dict[tuple[type[Any], str], int] = {}
    result: dict[str, int] = {}
    for item in pending:
        key = (item.reference.model, item.name.lower())
        if key not in made:
            record = await find_or_create_named(session, item.reference.model, site_id, item.name)
            made[key] = record.id
        result[item.reference.column] = made[key]
    return result
