"""The game events of contract §19.1: ``game.created``, ``game.updated`` (with the names of
the changed representation fields), ``game.cancelled`` and ``game.deleted``.

``changes`` names fields of the game's representation (§16.3, wire names) in the order the
representation writes them. They are read from the game's own columns, before and after the
write, so no extra query runs: a name field (``home_team``, ``age_group``…) changes exactly
when its ``*_id`` does (reference names are unique per site), ``public_note_html`` follows
``public_note``, and ``venue`` / ``assignor`` name the embedded records that follow
``venue_id`` / ``assignor_id``. Bookkeeping that every write changes (``lock_version``,
``updated``) is never named, and a write that changes no listed field records nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events import topics
from refdesk.server.events.record import record
from refdesk.server.games.models import Game
from refdesk.server.timefmt import localized_date, localized_time, timestamp, zone

CANCELLED = ("X", "C")
Events = list[tuple[str, dict[str, Any]]]
# Fields that a cancellation changes; named by ``game.cancelled``, not ``game.updated``.
CANCELLATION_FIELDS = frozenset({"status", "cancelled"})


def snapshot(game: Game, tz: str) -> dict[str, Any]:
    """The representation fields of ``game`` that a write can change, in the order of
    ``games/representation.py`` (what the values are compared on, not their wire form)."""
    start = game.start_time.astimezone(zone(tz))
    end = game.end_time.astimezone(zone(tz)) if game.end_time is not None else None
    return {
        "start_time": timestamp(game.start_time, tz),
        "end_time": timestamp(game.end_time, tz),
        "localized_date": localized_date(start.date()),
        "localized_time": localized_time(start),
        "localized_end_time": localized_time(end) if end is not None else None,
        "age_group": game.age_group_id,
        "home_team": game.home_team_id,
        "away_team": game.away_team_id,
        "game_type": game.game_type_id,
        "gender": game.gender_id,
        "league": game.league_id,
        "pattern": game.pattern_id,
        "status": game.status,
        "cancelled": game.status in CANCELLED,
        "published": game.published,
        "user_defined_id": game.user_defined_id,
        "external_id": game.external_id,
        "subvenue": game.subvenue,
        "public_note": game.public_note,
        "public_note_html": game.public_note,
        "private_note": game.private_note,
        "paid_via": game.paid_via,
        "venue_id": game.venue_id,
        "age_group_id": game.age_group_id,
        "home_team_id": game.home_team_id,
        "away_team_id": game.away_team_id,
        "league_id": game.league_id,
        "game_type_id": game.game_type_id,
        "gender_id": game.gender_id,
        "pattern_id": game.pattern_id,
        "assignor_id": game.assignor_id,
        "venue": game.venue_id,
        "assignor": game.assignor_id,
    }


def end_changes(old: datetime | None, new: datetime | None, tz: str) -> list[str]:
    """The fields a new computed end changes (an age group's ``game_length`` edit)."""
    names: list[str] = []
    if timestamp(old, tz) != timestamp(new, tz):
        names.append("end_time")
    local = [localized_time(v.astimezone(zone(tz))) if v else None for v in (old, new)]
    if local[0] != local[1]:
        names.append("localized_end_time")
    return names


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names whose values differ, in representation order."""
    return [name for name, value in after.items() if before.get(name) != value]


def update_events(before: dict[str, Any], after: dict[str, Any]) -> Events:
    """(topic, data) of one write, from the game's snapshots before and after it.

    ``A`` → ``X``/``C`` is ``game.cancelled`` (recorded first); any other changed field of the
    same write is ``game.updated``, and so are ``X`` ↔ ``C`` and un-cancelling."""
    changes = changed_fields(before, after)
    events: Events = []
    cancelling = before["status"] == "A" and after["status"] in CANCELLED
    if cancelling:
        events.append((topics.GAME_CANCELLED, {"status": after["status"]}))
        changes = [name for name in changes if name not in CANCELLATION_FIELDS]
    if changes:
        events.append((topics.GAME_UPDATED, {"changes": changes}))
    return events


def _record(
    session: AsyncSession, game: Game, topic: str, data: dict[str, Any], actor: int | None
) -> None:
    record(
        session,
        topic=topic,
        site_id=game.site_id,
        resource_type=topics.RESOURCE_GAME,
        resource_id=game.id,
        game_id=game.id,
        data=data,
        actor_account_id=actor,
    )


def game_created(session: AsyncSession, game: Game, actor: int | None) -> None:
    _record(session, game, topics.GAME_CREATED, {}, actor)


def game_deleted(session: AsyncSession, game: Game, actor: int | None) -> None:
    _record(session, game, topics.GAME_DELETED, {}, actor)


def game_changed(
    session: AsyncSession,
    game: Game,
    before: dict[str, Any],
    after: dict[str, Any],
    actor: int | None,
) -> None:
    """``game.updated`` and/or ``game.cancelled`` for a write; nothing when nothing changed."""
    for topic, data in update_events(before, after):
        _record(session, game, topic, data, actor)
