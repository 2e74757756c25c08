"""Seed step 2: a season for the active demo sites (``season_data.py`` with one module per site,
``season_riverside.py`` and ``season_lakeshore.py``, made into records). This module runs the
steps in order: ``season_reference``, ``season_officials``, ``season_games``, ``season_staffing``
and ``season_activity``, all sharing one ``SeasonBuilder`` (``season_state.py``).

Everything comes from one ``random.Random`` with a fixed seed and from the season anchor: the
``demo_anchor`` server flag (an ISO date), written with today's UTC date on first seed unless it
is already set. The same anchor always gives the same records, in the same order. Games run
from five weeks before the anchor week to seven weeks after it, so that the current lists
(open games, pending slots) are not empty right after seeding.

Rows are written directly through the models, in bulk, but follow the rules the API enforces:
one slot per pattern position in pattern order, ``local_date``/``end_time`` from the site time
zone and the age group length, slots held by active officials of the site, at most one slot per
official and game, no overlapping games for one account, availability, abilities, groups,
conflicts and game limits respected when picking officials.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.db.base import utcnow
from refdesk.server.db.models import ServerFlag
from refdesk.server.demo.season_activity import add_reports, add_requests_and_explore
from refdesk.server.demo.season_data import SiteSeason
from refdesk.server.demo.season_games import add_games
from refdesk.server.demo.season_lakeshore import LAKESHORE
from refdesk.server.demo.season_officials import add_availability, add_conflicts, add_officials
from refdesk.server.demo.season_reference import add_reference_data
from refdesk.server.demo.season_riverside import RIVERSIDE
from refdesk.server.demo.season_staffing import staff, write_slots
from refdesk.server.demo.season_state import SeasonBuilder, SiteRefs
from refdesk.server.runtime import Runtime

if TYPE_CHECKING:
    from refdesk.server.demo.seed import DemoWorld

ANCHOR_FLAG = "demo_anchor"
EXPLORE_FLAG = "demo_explore"
SEASONS: tuple[SiteSeason, ...] = (RIVERSIDE, LAKESHORE)


async def build_season(session: AsyncSession, world: DemoWorld, anchor: date) -> dict[str, Any]:
    """Every site's season, in a fixed order (one random source); returns the explore pointers."""
    builder = SeasonBuilder(session, world, anchor)
    refs = [SiteRefs(world.sites[season.site], season) for season in SEASONS]
    for site in refs:
        await add_reference_data(builder, site)
        await add_officials(builder, site)
        await add_availability(builder, site)
        await add_conflicts(builder, site)
        await add_games(builder, site)
        staff(builder, site)
        await write_slots(builder, site)
    await add_reports(builder, refs)
    return await add_requests_and_explore(builder, refs[0], refs[1])


async def step_season(session: AsyncSession, runtime: Runtime, world: DemoWorld) -> None:
    """Step 2: reference data, 50+ more officials with availability and abilities, a season
    of games with slots in every state, conflicts, game reports and game requests."""
    flag = await session.get(ServerFlag, ANCHOR_FLAG)
    if flag is not None:
        anchor = date.fromisoformat(flag.value)
    else:
        anchor = utcnow().date()
        session.add(ServerFlag(name=ANCHOR_FLAG, value=anchor.isoformat()))
    explore = await build_season(session, world, anchor)
    existing = await session.get(ServerFlag, EXPLORE_FLAG)
    value = json.dumps(explore, separators=(",", ":"))
    if existing is None:
        session.add(ServerFlag(name=EXPLORE_FLAG, value=value))
    else:
        existing.value = value
    await session.flush()


async def read_explore(session: AsyncSession) -> dict[str, Any] | None:
    flag = await session.get(ServerFlag, EXPLORE_FLAG)
    if flag is None:
        return None
    try:
        value = json.loads(flag.value)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
