"""What the assigning panel (``/board/slots/{id}``) shows: one slot of a game — the game (time
in the site's zone, teams, venue, age group), the position, its holder and their answer — and
the candidates for it.

The candidates are the API's (``GET /api/v2/assignments/{id}/candidates``): the same service
(``assignments.service.every_candidate``, all of ``list_candidates``' pages computed once) with
the API's filters (``search[query]`` for the name, ``search[ok]=true`` for "hide candidates
with conflicts"), in the API's order. Each conflict code is
explained by one sentence of :data:`CONFLICT_SENTENCES`. The page adds what the API does not
carry: the official's grade and load — the slots they hold (not declined) in the site in the
game's week (Monday to Sunday) and calendar month (held slots as conflict code ``C`` counts
them; this slot included when the candidate holds it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments import service
from refdesk.server.assignments.candidates import CODES, Candidate, filter_candidates
from refdesk.server.assignments.models import Assignment
from refdesk.server.assignments.schemas import parse_candidates_query
from refdesk.server.auth.principal import Principal
from refdesk.server.errors import Forbidden, NotFound
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.sites.access import Membership
from refdesk.server.users.models import User
from refdesk.server.web.games import CANCELLED, moment

MAX_QUERY = 100  # a longer name search is cut

# One sentence per conflict code of contract §16.5, in the codes' order.
CONFLICT_SENTENCES: dict[str, str] = {
    "D": "Not available: no availability entry covers the game's time on that day "
    "(not available, or only partly).",
    "E": "Elsewhere: already holds a slot in another game of this site at that time.",
    "T": "Team conflict: has a conflict with the home or the away team.",
    "O": "Official conflict: has a conflict with an official already on this game.",
    "A": "Not qualified: no ability (grade) for this age group and position, or younger than "
    "the age group's minimum official age.",
    "L": "League conflict: has a conflict with the game's league.",
    "V": "Venue conflict: has a conflict with the game's venue.",
    "X": "Travel: holds a game in another site that overlaps this one.",
    "C": "Game limits: one more game would exceed their daily, weekly or monthly limit.",
    "G": "Not in the group this position is restricted to.",
    "RQ": "Requested this game (for information, not a conflict).",
}
assert tuple(CONFLICT_SENTENCES) == CODES  # one sentence per code, nothing more

STATE_LABELS = {
    "vacant": "Vacant",
    "pending": "Assigned, awaiting an answer",
    "accepted": "Accepted",
    "declined": "Declined",
}


@dataclass(frozen=True)
class Reason:
    code: str
    sentence: str


@dataclass(frozen=True)
class CandidateRow:
    user_id: int
    name: str
    grade: str | None
    reasons: list[Reason]
    ok: bool
    requested: bool
    current: bool
    games_same_day: int
    games_week: int
    games_month: int

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


@dataclass(frozen=True)
class SlotPanel:
    id: int
    lock_version: int
    game_id: int
    day: date
    when: str
    teams: str
    venue: str
    details: str
    position: str
    holder: str | None
    holder_id: int | None
    state: str  # vacant, pending, accepted, declined
    state_label: str
    decline_reason: str | None
    cancelled: str | None
    candidates: list[CandidateRow] = field(default_factory=list)
    total: int = 0  # candidates before the filters (name, hide conflicts)
    query: str = ""
    hide_conflicts: bool = False


def read_query(raw: str | None) -> str:
    return (raw or "").strip()[:MAX_QUERY]


async def all_candidates(
    session: AsyncSession, principal: Principal, slot_id: int
) -> list[Candidate]:
    """Every candidate the API lists for the slot (all its pages at once: the service computes
    them once, not once per page of 50), in its order."""
    _, found = await service.every_candidate(
        session, principal, slot_id, parse_candidates_query({})
    )
    return found


def _week_month(day: date) -> tuple[date, date, date, date]:
    week = day - timedelta(days=day.weekday())
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return week, week + timedelta(days=7), month, next_month


async def loads(
    session: AsyncSession, site_id: int, user_ids: list[int], day: date
) -> dict[int, tuple[int, int]]:
    """User id -> (slots held in the week of ``day``, in its month), in the site."""
    if not user_ids:
        return {}
    week, week_end, month, month_end = _week_month(day)
    rows = (
        await session.execute(
            select(Assignment.official_id, Game.local_date, func.count())
            .join(Game, Game.id == Assignment.game_id)
            .where(
                Assignment.official_id.in_(user_ids),
                Assignment.declined.is_(False),
                Game.site_id == site_id,
                Game.local_date >= min(week, month),
                Game.local_date < max(week_end, month_end),
            )
            .group_by(Assignment.official_id, Game.local_date)
        )
    ).all()
    counts: dict[int, tuple[int, int]] = {}
    for user_id, local, number in rows:
        if user_id is None:
            continue
        in_week, in_month = counts.get(user_id, (0, 0))
        if week <= local < week_end:
            in_week += number
        if month <= local < month_end:
            in_month += number
        counts[user_id] = (in_week, in_month)
    return counts


async def grades(session: AsyncSession, user_ids: list[int]) -> dict[int, str | None]:
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.grade).where(User.id.in_(user_ids)))
    return {user_id: grade for user_id, grade in rows}


def _state(slot: Assignment) -> str:
    if slot.official_id is None:
        return "vacant"
    if slot.declined:
        return "declined"
    return "accepted" if slot.accepted else "pending"


async def slot_in_site(
    session: AsyncSession, principal: Principal, slot_id: int, site_id: int, *, lock: bool = False
) -> tuple[Assignment, Game, Membership]:
    """The slot when its game is in the current site (``site_id``); anything else — an
    unknown id, another site's slot, even one of the person's other sites — is
    :class:`NotFound` (the page's 404), not the API's 403."""
    try:
        slot, game, member = await service.load_assignment(
            session, principal, slot_id, for_update=lock
        )
    except Forbidden as exc:
        raise NotFound() from exc
    if member.site.id != site_id:
        raise NotFound()
    return slot, game, member


async def slot_panel(
    session: AsyncSession,
    principal: Principal,
    slot_id: int,
    site_id: int,
    text: str = "",
    hide_conflicts: bool = False,
) -> SlotPanel:
    """The panel of a slot of the current site; the service's refusals (not an
    administrator of the site) are raised as they are."""
    slot, game, member = await slot_in_site(session, principal, slot_id, site_id)
    everyone = await all_candidates(session, principal, slot_id)
    found = everyone
    if text or hide_conflicts:  # the API's filters (search[query], search[ok]=true)
        found = filter_candidates(everyone, text or None, True if hide_conflicts else None, None)
    site = member.site
    bundle = await load_bundle(session, [game], {site.id: site})
    position = next(
        (p.name for s, p in bundle.slots.get(game.id, []) if s.id == slot.id), "Position"
    )
    holder = None
    if slot.official_id is not None:
        user = bundle.users.get(slot.official_id)
        holder = f"{user.first_name} {user.last_name}" if user is not None else "an official"
    venue = bundle.venues.get(game.venue_id)
    venue_name = (venue.name if venue is not None else "") + (
        f" ({game.subvenue})" if game.subvenue else ""
    )
    details = [bundle.name("age_group", game.age_group_id), bundle.name("league", game.league_id)]
    ids = [c.user.id for c in found]
    load = await loads(session, site.id, ids, game.local_date)
    grade = await grades(session, ids)
    rows = [
        CandidateRow(
            user_id=c.user.id,
            name=f"{c.user.first_name} {c.user.last_name}",
            grade=grade.get(c.user.id),
            reasons=[Reason(code, CONFLICT_SENTENCES[code]) for code in c.conflicts],
            ok=c.ok,
            requested=c.requested,
            current=c.current,
            games_same_day=c.games_same_day,
            games_week=load.get(c.user.id, (0, 0))[0],
            games_month=load.get(c.user.id, (0, 0))[1],
        )
        for c in found
    ]
    state = _state(slot)
    home = bundle.name("team", game.home_team_id) or "?"
    away = bundle.name("team", game.away_team_id) or "?"
    return SlotPanel(
        id=slot.id,
        lock_version=slot.lock_version,
        game_id=game.id,
        day=game.local_date,
        when=moment(game.start_time, site.timezone),
        teams=f"{home} vs {away}",
        venue=venue_name,
        details=" · ".join(d for d in details if d),
        position=position,
        holder=holder,
        holder_id=slot.official_id,
        state=state,
        state_label=STATE_LABELS[state],
        decline_reason=slot.decline_reason if state == "declined" else None,
        cancelled=CANCELLED.get(game.status),
        candidates=rows,
        total=len(everyone),
        query=text,
        hide_conflicts=hide_conflicts,
    )


async def slot_summary(
    session: AsyncSession, slot: Assignment, game: Game, site_id: int, user_id: int | None
) -> str:
    """``Alex Rivera on Referee, Hawks vs Falcons, Saturday 5 December 2026 at 9:00 AM``."""
    bundle = await load_bundle(session, [game])
    position = next(
        (p.name for s, p in bundle.slots.get(game.id, []) if s.id == slot.id), "the slot"
    )
    home = bundle.name("team", game.home_team_id) or "?"
    away = bundle.name("team", game.away_team_id) or "?"
    tz = bundle.sites[site_id].timezone if site_id in bundle.sites else "UTC"
    where = f"{position}, {home} vs {away}, {moment(game.start_time, tz)}"
    if user_id is None:
        return where
    user = await session.get(User, user_id)
    name = f"{user.first_name} {user.last_name}" if user is not None else "the official"
    return f"{name} on {where}"
