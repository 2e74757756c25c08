"""The demo season (seed step 2): enough realistic data to explore, deterministic for one
anchor date, consistent with the rules the API enforces, and usable through the API."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from refdesk.server.accounts.models import Account
from refdesk.server.assignments.models import Assignment
from refdesk.server.availability.models import Availability
from refdesk.server.db.models import ServerFlag
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.games.models import Game
from refdesk.server.games.timing import local
from refdesk.server.officials.models import Ability, OfficialConflict
from refdesk.server.reference.models import (
    AgeGroup,
    AgeGroupFee,
    Group,
    GroupMembership,
    Pattern,
    PatternPosition,
    Position,
    Team,
)
from refdesk.server.reports.models import GameReport, GameReportOfficial
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue
from tests.support.app import empty_tables as _empty_tables
from tests.support.cli import Invoke

HAL = {"Accept": "application/vnd.assignr.v2.hal+json"}


async def seed(invoke: Invoke) -> None:
    result = await invoke("demo", "seed")
    assert result.exit_code == 0, result.output


def demo_json(data_dir: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((data_dir / "demo.json").read_text())
    return document


async def pin_anchor(rt: Runtime, day: date) -> None:
    async with rt.db.transaction() as session:
        session.add(ServerFlag(name="demo_anchor", value=day.isoformat()))


async def count(rt: Runtime, model: Any, *where: Any) -> int:
    async with rt.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def season_snapshot(rt: Runtime) -> list[tuple[Any, ...]]:
    """Every game with its slots, by natural keys (no database ids)."""
    async with rt.db.session() as session:
        names: dict[tuple[str, int], str] = {}
        for model in (Venue, Team, Pattern, Position, AgeGroup):
            for record in (await session.scalars(select(model))).all():
                names[(model.__tablename__, record.id)] = record.name
        logins = dict((await session.execute(select(User.id, Account.login).join(Account))).all())
        sites = dict((await session.execute(select(Site.id, Site.name))).all())
        slots: dict[int, list[tuple[Any, ...]]] = {}
        for slot in (
            await session.scalars(select(Assignment).order_by(Assignment.game_id, Assignment.id))
        ).all():
            slots.setdefault(slot.game_id, []).append(
                (
                    slot.sort_order,
                    names[("positions", slot.position_id)],
                    logins.get(slot.official_id) if slot.official_id else None,
                    slot.accepted,
                    slot.declined,
                    slot.decline_reason,
                )
            )
        games = (await session.scalars(select(Game).order_by(Game.id))).all()
        return [
            (
                sites[g.site_id],
                g.user_defined_id,
                g.start_time,
                g.local_date,
                g.end_time,
                names[("venues", g.venue_id)],
                g.subvenue,
                names[("age_groups", g.age_group_id)],
                names[("teams", g.home_team_id)],
                names[("teams", g.away_team_id)],
                names[("patterns", g.pattern_id)],
                g.status,
                g.published,
                tuple(slots.get(g.id, ())),
            )
            for g in games
        ]


async def test_season_meets_the_minimums_and_the_rules(
    invoke: Invoke, runtime: Runtime, tmp_path: Path
) -> None:
    await seed(invoke)
    async with runtime.db.session() as session:
        active = list(
            (await session.scalars(select(Site).where(Site.subscription_status == "active"))).all()
        )
        assert len(active) == 2
        active_ids = [s.id for s in active]
        officials = list(
            (
                await session.scalars(
                    select(User).where(User.site_id.in_(active_ids), User.official.is_(True))
                )
            ).all()
        )
        assert len(officials) >= 60
        assert all(u.active for u in officials)
        assert sum(1 for u in officials if u.date_of_birth) >= 20
        assert sum(1 for u in officials if u.max_games_per_day or u.max_games_per_week) >= 5
        assert all(u.grade and u.email_addresses[0].endswith("@example.org") for u in officials)
        assert all(u.mobile_phone for u in officials)
        assert len({u.email_addresses[0] for u in officials if u.site_id == active_ids[0]}) == len(
            [u for u in officials if u.site_id == active_ids[0]]
        )

        for site in active:
            venues = (await session.scalars(select(Venue).where(Venue.site_id == site.id))).all()
            assert len(venues) >= 5
            assert all(v.latitude is not None and v.longitude is not None for v in venues)
            assert any(v.zone_id is not None for v in venues)
            assert all(v.street_1 and v.city and v.postal for v in venues)
            positions = {
                p.name: p
                for p in (
                    await session.scalars(select(Position).where(Position.site_id == site.id))
                ).all()
            }
            assert "Referee" in positions and positions["Referee"].abbreviation == "R"
            groups = (await session.scalars(select(Group).where(Group.site_id == site.id))).all()
            assert groups
            assert await session.scalar(
                select(func.count())
                .select_from(GroupMembership)
                .where(GroupMembership.group_id.in_([g.id for g in groups]))
            )
            sizes = Counter(
                (
                    await session.scalars(
                        select(PatternPosition.pattern_id)
                        .join(Pattern, Pattern.id == PatternPosition.pattern_id)
                        .where(Pattern.site_id == site.id)
                    )
                ).all()
            )
            assert set(sizes.values()) <= {1, 2, 3, 4} and len(sizes) >= 3
            ages = (
                await session.scalars(select(AgeGroup).where(AgeGroup.site_id == site.id))
            ).all()
            assert len(ages) >= 4 and all(a.game_length > 0 for a in ages)
            fees = await session.scalar(
                select(func.count())
                .select_from(AgeGroupFee)
                .where(AgeGroupFee.age_group_id.in_([a.id for a in ages]))
            )
            assert fees and fees >= len(ages) * 3
        names = {p.name for p in (await session.scalars(select(Position))).all()}
        assert {"Referee", "Assistant Referee", "Fourth Official", "Umpire"} <= names

        entries = (await session.scalars(select(Availability))).all()
        assert len({e.user_id for e in entries}) >= 60
        assert any(e.all_day for e in entries) and any(not e.all_day for e in entries)
        assert all(
            e.all_day or (e.start_time and e.end_time and e.start_time < e.end_time)
            for e in entries
        )

        games = list((await session.scalars(select(Game))).all())
        assert len(games) >= 400
        assert {g.status for g in games} == {"A", "X", "C"}
        assert {g.published for g in games} == {True, False}
        slots = list((await session.scalars(select(Assignment))).all())
        states = Counter(
            "vacant"
            if s.official_id is None
            else "declined"
            if s.declined
            else "accepted"
            if s.accepted
            else "pending"
            for s in slots
        )
        assert all(states[k] >= 20 for k in ("vacant", "pending", "accepted", "declined")), states
        assert await count(runtime, GameReport) >= 3
        assert await count(runtime, GameReportOfficial) >= 3
        assert await count(runtime, GameReport, GameReport.misconduct.is_(True)) >= 1
        assert await count(runtime, OfficialConflict) >= 2
        assert await count(runtime, Ability) >= 60
        assert await count(runtime, GameRequest, GameRequest.status == "pending") >= 1

        # The rules the API enforces.
        sites = {s.id: s for s in active}
        lengths = dict((await session.execute(select(AgeGroup.id, AgeGroup.game_length))).all())
        pattern_rows = (
            await session.scalars(
                select(PatternPosition).order_by(PatternPosition.sort_order, PatternPosition.id)
            )
        ).all()
        pattern_positions: dict[int, list[int]] = {}
        for entry in pattern_rows:
            pattern_positions.setdefault(entry.pattern_id, []).append(entry.position_id)
        users = {u.id: u for u in (await session.scalars(select(User))).all()}
        by_game: dict[int, list[Assignment]] = {}
        for slot in slots:
            by_game.setdefault(slot.game_id, []).append(slot)
        seen_places: set[tuple[Any, ...]] = set()
        for game in games:
            tz = sites[game.site_id].timezone
            assert game.local_date == local(game.start_time, tz).date()
            assert game.end_time == game.start_time + timedelta(minutes=lengths[game.age_group_id])
            assert game.explicit_end is None
            assert game.home_team_id != game.away_team_id
            if game.status == "A":
                place = (
                    game.site_id,
                    game.venue_id,
                    game.start_time,
                    (game.subvenue or "").lower(),
                )
                assert place not in seen_places
                seen_places.add(place)
            mine = sorted(by_game[game.id], key=lambda s: s.sort_order)
            assert [s.sort_order for s in mine] == list(range(1, len(mine) + 1))
            assert [s.position_id for s in mine] == pattern_positions[game.pattern_id]
            held = [s.official_id for s in mine if s.official_id is not None]
            assert len(held) == len(set(held))
            for slot in mine:
                if slot.official_id is not None:
                    user = users[slot.official_id]
                    assert user.site_id == game.site_id and user.official and user.active
                assert not (slot.accepted and slot.declined)
                assert slot.official_id is not None or not (slot.accepted or slot.declined)
        user_defined = [(g.site_id, (g.user_defined_id or "").lower()) for g in games]
        assert len(set(user_defined)) == len(user_defined)

        anchor = await session.get(ServerFlag, "demo_anchor")
        assert anchor is not None
        day = date.fromisoformat(anchor.value)
        assert min(g.local_date for g in games) < day < max(g.local_date for g in games)
        assert sum(1 for g in games if g.local_date >= day) >= 150

    explore = demo_json(tmp_path)["explore"]
    assert set(explore) >= {"site_id", "game_id", "assignment_id", "venue_id"}
    clients = demo_json(tmp_path)["clients"]
    assert explore["site_id"] == clients["official"]["site_id"]
    async with runtime.db.session() as session:
        slot = await session.get(Assignment, explore["assignment_id"])
        assert slot is not None and slot.game_id == explore["game_id"]
        assert slot.official_id == clients["official"]["user_id"]
        assert not slot.accepted and not slot.declined
        game = await session.get(Game, explore["game_id"])
        assert game is not None and game.published and game.status == "A"
        assert game.venue_id == explore["venue_id"]
        vacant = await session.get(Assignment, explore["vacant_assignment_id"])
        assert vacant is not None and vacant.official_id is None


async def test_second_run_adds_nothing(invoke: Invoke, runtime: Runtime, tmp_path: Path) -> None:
    await seed(invoke)
    first = demo_json(tmp_path)
    counts = [await count(runtime, m) for m in (Game, Assignment, Availability, User, Venue)]
    await seed(invoke)
    assert [
        await count(runtime, m) for m in (Game, Assignment, Availability, User, Venue)
    ] == counts
    assert demo_json(tmp_path) == first
    # demo.json lost: the explore ids come back from the database.
    (tmp_path / "demo.json").unlink()
    await seed(invoke)
    assert demo_json(tmp_path)["explore"] == first["explore"]


async def test_season_is_deterministic_for_one_anchor(
    invoke: Invoke, runtime: Runtime, tmp_path: Path
) -> None:
    anchor = date(2026, 3, 18)
    await pin_anchor(runtime, anchor)
    await seed(invoke)
    first = await season_snapshot(runtime)
    first_explore = demo_json(tmp_path)["explore"]
    assert first_explore["anchor_date"] == "2026-03-18"
    assert len(first) >= 400
    # From the week five weeks before the anchor week (Monday 9 February) on.
    assert date(2026, 2, 9) <= min(g[3] for g in first) < date(2026, 2, 16)
    assert max(g[3] for g in first) <= date(2026, 5, 10)

    await _empty_tables(runtime.db)
    (tmp_path / "demo.json").unlink()
    await pin_anchor(runtime, anchor)
    await seed(invoke)
    assert await season_snapshot(runtime) == first
    second_explore = demo_json(tmp_path)["explore"]
    assert set(second_explore) == set(first_explore)

    # Another anchor moves the season along.
    await _empty_tables(runtime.db)
    (tmp_path / "demo.json").unlink()
    await pin_anchor(runtime, anchor + timedelta(weeks=1))
    await seed(invoke)
    moved = await season_snapshot(runtime)
    assert date(2026, 2, 16) <= min(g[3] for g in moved) < date(2026, 2, 23)


async def token_for(client: httpx.AsyncClient, entry: dict[str, Any]) -> dict[str, str]:
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": entry["client_id"],
            "client_secret": entry["client_secret"],
            "scope": entry["scopes"],
        },
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}", **HAL}


async def test_season_through_the_api(
    invoke: Invoke, runtime: Runtime, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await seed(invoke)
    document = demo_json(tmp_path)
    clients, explore = document["clients"], document["explore"]
    site_id = explore["site_id"]
    assignor = await token_for(client, clients["assignor"])
    official = await token_for(client, clients["official"])
    observer = await token_for(client, clients["observer"])

    # The assignor lists the site's games and reads one with its slots embedded.
    response = await client.get(f"/api/v2/sites/{site_id}/games?limit=50", headers=assignor)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["page"]["records"] >= 250
    assert len(body["_embedded"]["games"]) == 50
    response = await client.get(f"/api/v2/games/{explore['game_id']}", headers=assignor)
    assert response.status_code == 200, response.text
    game = response.json()
    slots = game["_embedded"]["assignments"]
    assert [s["sort_order"] for s in slots] == list(range(1, len(slots) + 1))
    mine = [s for s in slots if s["id"] == explore["assignment_id"]]
    assert len(mine) == 1 and mine[0]["official_id"] == clients["official"]["user_id"]
    assert game["_embedded"]["venue"]["id"] == explore["venue_id"]
    response = await client.get(f"/api/v2/sites/{site_id}/games/unassigned", headers=assignor)
    assert response.status_code == 200, response.text
    assert response.json()["page"]["records"] > 0

    # Candidates for a vacant slot: the site's officials, some without a conflict.
    response = await client.get(
        f"/api/v2/assignments/{explore['vacant_assignment_id']}/candidates?limit=50",
        headers=assignor,
    )
    assert response.status_code == 200, response.text
    candidates = response.json()["_embedded"]["candidates"]
    assert len(candidates) >= 30
    assert any(c["ok"] for c in candidates)
    assert any("D" in c["conflicts"] for c in candidates)

    # The official sees their games across sites and accepts the pending slot.
    response = await client.get("/api/v2/current_account/games?limit=50", headers=official)
    assert response.status_code == 200, response.text
    assert response.json()["page"]["records"] >= 5
    response = await client.get(f"/api/v2/assignments/{explore['assignment_id']}", headers=official)
    assert response.status_code == 200, response.text
    slot = response.json()
    assert slot["accepted"] is False and slot["declined"] is False
    accept = slot["_links"]["accept"]["href"]
    response = await client.post(accept.removeprefix("https://testserver"), headers=official)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] is True

    # Availability, reports, requests and the observer's view are there too.
    user_id = clients["official"]["user_id"]
    response = await client.get(f"/api/v2/users/{user_id}/availability", headers=official)
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["availability"]
    response = await client.get(f"/api/v2/sites/{site_id}/game_reports", headers=assignor)
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["game_reports"]
    response = await client.get(f"/api/v2/sites/{site_id}/game_requests", headers=official)
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["game_requests"]
    response = await client.get(f"/api/v2/sites/{site_id}/games?limit=5", headers=observer)
    assert response.status_code == 200, response.text
    assert response.json()["page"]["records"] > 0
    response = await client.get(f"/api/v2/users/{user_id}/abilities", headers=assignor)
    assert response.status_code == 200, response.text
    assert response.json()["abilities"]
