"""Candidates for a slot and their conflict codes (contract §16.5). Codes are advice only.

The facts are loaded with a fixed number of queries, whatever the number of officials
(:mod:`.candidate_facts`); the codes are pure functions of them (:mod:`.conflicts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.candidate_facts import (
    OfficialFacts,
    SlotCandidates,
    interval,
    load_candidate_facts,
)
from refdesk.server.assignments.conflicts import CODES, conflict_codes, games_same_day, overlaps
from refdesk.server.assignments.models import Assignment
from refdesk.server.games.models import Game
from refdesk.server.sites.models import Site

__all__ = [
    "CODES",
    "Candidate",
    "candidates_for",
    "candidates_of",
    "filter_candidates",
    "interval",
    "overlaps",
]


@dataclass(frozen=True)
class Candidate:
    user: OfficialFacts
    conflicts: list[str] = field(default_factory=list)
    current: bool = False
    games_same_day: int = 0

    @property
    def ok(self) -> bool:
        return all(code == "RQ" for code in self.conflicts)

    @property
    def requested(self) -> bool:
        return "RQ" in self.conflicts


def candidates_of(loaded: SlotCandidates) -> list[Candidate]:
    """Every official with its codes, ranked: ``ok`` first, then fewer codes, then by name."""
    slot, facts = loaded.slot, loaded.facts
    ranked = [
        Candidate(
            official,
            conflict_codes(facts, slot, official),
            slot.official_id == official.id,
            games_same_day(facts, slot, official),
        )
        for official in loaded.officials
    ]
    ranked.sort(
        key=lambda c: (
            not c.ok,
            len(c.conflicts),
            c.user.last_name.lower(),
            c.user.first_name.lower(),
            c.user.id,
        )
    )
    return ranked


async def candidates_for(
    session: AsyncSession, slot: Assignment, game: Game, site: Site
) -> list[Candidate]:
    return candidates_of(await load_candidate_facts(session, slot, game, site))


def filter_candidates(
    found: list[Candidate], query: str | None, ok: bool | None, group_members: set[int] | None
) -> list[Candidate]:
    result = found
    if query:
        needle = query.lower()
        result = [
            c
            for c in result
            if needle in c.user.first_name.lower()
            or needle in c.user.last_name.lower()
            or needle in f"{c.user.first_name} {c.user.last_name}".lower()
        ]
    if ok is not None:
        result = [c for c in result if c.ok == ok]
    if group_members is not None:
        result = [c for c in result if c.user.id in group_members]
    return result
