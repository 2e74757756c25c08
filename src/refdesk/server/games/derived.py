"""Stored values derived from other records: a game's local date (site time zone) and its end
(age group length). Kept in step when those records change."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events import topics
from refdesk.server.events.record import record
from refdesk.server.games import changes, timing
from refdesk.server.games.models import Game
from refdesk.server.sites.models import Site

BATCH = 1000


async def relocalise_site_games(session: AsyncSession, site_id: int, tz: str) -> None:
    """After a site's time zone changes: instants stay, local dates follow (§16.1)."""
    rows = (
        await session.execute(
            select(Game.id, Game.start_time, Game.local_date).where(Game.site_id == site_id)
        )
    ).all()
    for game_id, start, old in rows:
        new = timing.local(start, tz).date()
        if new != old:
            await session.execute(update(Game).where(Game.id == game_id).values(local_date=new))


async def recompute_ends(
    session: AsyncSession, site: Site, age_group_id: int, game_length: int, actor: int | None
) -> None:
    """After an age group's ``game_length`` changes: games without an explicit end follow,
    and each game whose end moves records ``game.updated`` (§19.1)."""
    rows = (
        await session.execute(
            select(Game.id, Game.start_time, Game.end_time).where(
                Game.age_group_id == age_group_id, Game.explicit_end.is_(None)
            )
        )
    ).all()
    tz = site.timezone
    for game_id, start, old in rows:
        end = timing.computed_end(start, None, game_length)
        if end == old:
            continue
        await session.execute(update(Game).where(Game.id == game_id).values(end_time=end))
        moved = changes.end_changes(old, end, tz)
        if moved:
            record(
                session,
                topic=topics.GAME_UPDATED,
                site_id=site.id,
                resource_type=topics.RESOURCE_GAME,
                resource_id=game_id,
                game_id=game_id,
                data={"changes": moved},
                actor_account_id=actor,
            )
