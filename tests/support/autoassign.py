"""A small site to auto-assign (issue 14), built through the API, and waiting for proposals.
Also a tiny TUP instance in the benchmark's format (``TINY``, ``VALID``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from refdesk.server.autoassign.jobs import jobs_of
from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member, create_site
from tests.support.games import GAME, future_day


@dataclass
class Desk:
    site_id: int
    assignor: Member
    officials: list[Member] = field(default_factory=list)
    games: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"/api/v2/sites/{self.site_id}/auto_assign"


async def small_site(
    client: httpx.AsyncClient,
    runtime: Runtime,
    *,
    officials: int = 3,
    positions: tuple[str, ...] = ("Referee", "Assistant Referee", "Assistant Referee"),
    times: tuple[str, ...] = ("9:00 AM", "1:00 PM"),
    day: int = 20,
    **site_flags: Any,
) -> Desk:
    """A site (availability and abilities off unless asked), ``officials`` officials and one
    game a time on ``future_day(day)`` with a pattern of ``positions``."""
    flags = {"use_availability": False, "use_abilities": False, **site_flags}
    site = await create_site(runtime, **flags)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    desk = Desk(site.id, assignor)
    for n in range(officials):
        desk.officials.append(
            await create_member(runtime, site, first_name=f"Ref{n}", last_name=f"Official{n}")
        )
    pattern = await client.post(
        f"/api/v2/sites/{site.id}/patterns",
        json={"name": "Crew", "positions": list(positions)},
        headers=assignor.headers,
    )
    assert pattern.status_code == 201, pattern.text
    for n, at in enumerate(times):
        resp = await client.post(
            f"/api/v2/sites/{site.id}/games",
            json={
                **GAME,
                "localized_date": future_day(day),
                "localized_time": at,
                "pattern_name": "Crew",
                "home_team_name": f"Home{n}",
                "away_team_name": f"Away{n}",
                "is_public": "y",
            },
            headers=assignor.headers,
        )
        assert resp.status_code == 201, resp.text
        desk.games.append(resp.json())
    return desk


def slot_ids(desk: Desk) -> list[int]:
    return [a["id"] for g in desk.games for a in g["_embedded"]["assignments"]]


async def solved(
    client: httpx.AsyncClient, runtime: Runtime, url: str, headers: dict[str, str]
) -> dict[str, Any]:
    """The proposal at ``url`` once this process's background solves have ended."""
    await jobs_of(runtime).drain()
    resp = await client.get(url, headers=headers)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    assert body["status"] in ("done", "failed"), body
    return body


async def propose(
    client: httpx.AsyncClient, runtime: Runtime, desk: Desk, **options: Any
) -> dict[str, Any]:
    """POST a proposal for the desk's game day and wait until it is solved."""
    body = {"start_date": future_day(20), "end_date": future_day(20), **options}
    resp = await client.post(desk.base, json=body, headers=desk.assignor.headers)
    assert resp.status_code == 202, resp.text
    return await solved(client, runtime, resp.headers["Location"], desk.assignor.headers)


@pytest.fixture(name="solves_end", autouse=True)
async def solves_end_fixture(runtime: Runtime) -> AsyncIterator[None]:
    """Autouse in the modules that import it: the test's background solves end before the
    runtime goes."""
    yield
    await jobs_of(runtime).drain()


# A double round robin of 4 teams in the benchmark's format: 2 umpires, 6 rounds.
TINY = """
nTeams=4;

dist= [
[  0  10  20  30]
[ 10   0  40  50]
[ 20  40   0  60]
[ 30  50  60   0]
      ];

opponents=[
[ 2  -1   4  -3]
[ 3  -4  -1   2]
[ -4   3  -2   1]
[ -2   1  -4   3]
[ -3   4   1  -2]
[ 4  -3   2  -1]
          ];
"""

# Slot ids are round * 2 + k + 1, k the game's rank by home team. Umpire 1 visits venues
# 3, 1, 4, 2, 3, 1 and umpire 2 visits 1, 4, 2, 4, 2, 3: valid for q1 = 2, q2 = 1.
VALID = {1: (2, 3, 6, 7, 10, 11), 2: (1, 4, 5, 8, 9, 12)}
