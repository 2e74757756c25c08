"""The instance built from a site's data (issue 14, ``autoassign/loader.py``): which slots are
open or fixed, what an official brings, and a fixed number of queries whatever the size."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from refdesk.server.autoassign.loader import load_instance, strength_of, wanted_games
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from tests.factories import create_user
from tests.support.autoassign import Desk, small_site
from tests.support.games import future_day
from tests.support.queries import counting


async def _load(runtime: Runtime, desk: Desk, *, replan: bool = False, days: int = 0) -> object:
    day = date.fromisoformat(future_day(20))
    async with runtime.db.session() as session:
        site = await session.get(Site, desk.site_id)
        assert site is not None
        return await load_instance(
            session, site, day, day + timedelta(days=days), replan_pending=replan
        )


async def test_slots_open_fixed_and_skipped(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await small_site(client, runtime, officials=4, times=("9:00 AM", "1:00 PM", "5:00 PM"))
    a = desk.assignor.headers
    first, second, third = desk.games
    accepted, pending, declined, vacant = (
        first["_embedded"]["assignments"][0]["id"],
        first["_embedded"]["assignments"][1]["id"],
        first["_embedded"]["assignments"][2]["id"],
        second["_embedded"]["assignments"][0]["id"],
    )
    ids = [m.user.id for m in desk.officials]
    for slot, user in ((accepted, ids[0]), (pending, ids[1]), (declined, ids[2])):
        resp = await client.post(
            f"/api/v2/assignments/{slot}/assign", json={"user_id": user}, headers=a
        )
        assert resp.status_code == 200
    assert (
        await client.post(f"/api/v2/assignments/{accepted}/accept", headers=a)
    ).status_code == 200
    assert (
        await client.post(f"/api/v2/assignments/{declined}/decline", headers=a)
    ).status_code == 200
    cancel = await client.put(f"/api/v2/games/{third['id']}", json={"status": "C"}, headers=a)
    assert cancel.status_code == 200, cancel.text

    loaded = await _load(runtime, desk)
    slots = {s.id: s for s in loaded.instance.slots}  # type: ignore[attr-defined]
    cancelled = {x["id"] for x in third["_embedded"]["assignments"]}
    assert not cancelled & set(slots)
    assert slots[accepted].fixed and slots[accepted].official_id == ids[0]
    assert slots[pending].fixed and slots[pending].official_id == ids[1]
    assert not slots[declined].fixed and slots[declined].official_id is None
    assert not slots[vacant].fixed and slots[vacant].official_id is None
    assert loaded.vacant == 4  # type: ignore[attr-defined]
    assert loaded.slots[declined].declined_by == ids[2]  # type: ignore[attr-defined]
    replanned = await _load(runtime, desk, replan=True)
    moved = {s.id: s for s in replanned.instance.slots}  # type: ignore[attr-defined]
    assert not moved[pending].fixed and moved[pending].official_id == ids[1]
    assert moved[accepted].fixed
    # the centre (first position) is one level above the others: U12 → 12
    assert slots[accepted].level == 13 and slots[pending].level == 12


async def test_what_an_official_brings(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await small_site(
        client, runtime, officials=1, times=("9:00 AM",), use_availability=True, use_abilities=True
    )
    me = desk.officials[0].user.id
    a = desk.assignor.headers
    changed = await client.put(
        f"/api/v2/users/{me}",
        json={"grade": "Grade 8", "max_games_per_week": 2, "max_games_per_day": 1},
        headers=a,
    )
    assert changed.status_code == 200, changed.text
    await client.post(f"/api/v2/users/{me}/availability", json={"date": future_day(20)}, headers=a)
    await client.put(
        f"/api/v2/users/{me}/abilities",
        json={"abilities": [{"age_group_id": desk.games[0]["age_group_id"], "allowed": True}]},
        headers=a,
    )
    team = desk.games[0]["home_team_id"]
    await client.post(
        f"/api/v2/users/{me}/conflicts", json={"kind": "team", "team_id": team}, headers=a
    )
    # the same account in another site holds a game that day
    other = await small_site(client, runtime, officials=0, times=("9:30 AM",))
    async with runtime.db.transaction() as session:
        account_id = (await session.get(User, me)).account_id  # type: ignore[union-attr]
        site = await session.get(Site, other.site_id)
        assert site is not None
    twin = await create_user(runtime, site, desk.officials[0].account)
    slot = other.games[0]["_embedded"]["assignments"][0]["id"]
    resp = await client.post(
        f"/api/v2/assignments/{slot}/assign",
        json={"user_id": twin.id},
        headers=other.assignor.headers,
    )
    assert resp.status_code == 200 and twin.account_id == account_id
    loaded = await _load(runtime, desk)
    (official,) = loaded.instance.officials  # type: ignore[attr-defined]
    assert official.strength == 8 and official.max_per_day == 1
    assert official.wanted_games == 2
    assert [w.local_date.isoformat() for w in official.availability] == [future_day(20)]
    assert official.qualified and all(
        p[0] == desk.games[0]["age_group_id"] for p in official.qualified
    )
    assert official.team_conflicts == frozenset({team})
    assert len(official.busy) == 1


def test_documented_rules() -> None:
    assert strength_of("Grade 8") == 8 and strength_of("3 - regional") == 3
    assert strength_of(None) == 0 and strength_of("national") == 0
    user = User(max_games_per_week=3, max_games_per_month=5)
    assert wanted_games(user, date(2026, 10, 5), date(2026, 10, 18)) == 5  # 2 weeks, 1 month
    assert wanted_games(User(), date(2026, 10, 5), date(2026, 10, 18)) is None


async def test_a_fixed_number_of_queries(client: httpx.AsyncClient, runtime: Runtime) -> None:
    small = await small_site(client, runtime, officials=2, times=("9:00 AM",))
    times = ("9:00 AM", "11:00 AM", "1:00 PM", "3:00 PM", "5:00 PM")
    big = await small_site(
        client, runtime, officials=12, times=times, use_availability=True, use_abilities=True
    )
    counts = []
    for desk in (small, big):
        with counting(runtime) as statements:
            await _load(runtime, desk, days=6)
        counts.append(len(statements))
    assert counts[1] <= counts[0] + 2  # availability and abilities: one query each, at most
    assert counts[1] <= 14, counts
