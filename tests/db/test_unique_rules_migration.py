"""Migration 0010 applies to databases that already hold rows breaking the new unique rules
(issue 9 hole 3) and resolves them deterministically, keeping the earliest row.

The database (SQLite, or PostgreSQL when REFDESK_TEST_DATABASE_URL is set) is at head; the
migration's own downgrade puts the plain indexes back, duplicates are written, and its upgrade
runs again. That keeps the test independent of where the migration sits in the chain.
"""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.engine import Connection

from refdesk.server.accounts.models import Account
from refdesk.server.assignments.models import Assignment
from refdesk.server.db.migrate import MIGRATIONS
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.games.models import Game
from refdesk.server.officials.models import Ability, OfficialConflict
from refdesk.server.reference.models import AgeGroup, Pattern, Position, Team
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue


def _migration() -> ModuleType:
    path = MIGRATIONS / "versions" / "0010_unique_rules.py"
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(step: str) -> Any:
    def run(connection: Connection) -> None:
        with Operations.context(MigrationContext.configure(connection)):
            getattr(_migration(), step)()

    return run


async def _rows(rt: Runtime, model: type[Any]) -> list[Any]:
    async with rt.db.session() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


async def test_hole_3_migration_resolves_existing_duplicates(runtime: Runtime) -> None:
    rt = runtime
    async with rt.db.engine.begin() as conn:
        await conn.run_sync(_run("downgrade"))
    try:
        async with rt.db.transaction() as s:
            site = Site(name="Old data", timezone="UTC")
            s.add(site)
            await s.flush()
            accounts = [
                Account(login=f"m{n}@x.org", email=f"m{n}@x.org", first_name="A", last_name="B")
                for n in range(2)
            ]
            s.add_all(accounts)
            await s.flush()
            alex, blair = (
                User(site_id=site.id, account_id=a.id, first_name="A", last_name=f"B{a.id}")
                for a in accounts
            )
            s.add_all([alex, blair])
            venue, team, other = (
                Venue(site_id=site.id, name="V"),
                Team(site_id=site.id, name="T1"),
                Team(site_id=site.id, name="T2"),
            )
            age, pattern, position = (
                AgeGroup(site_id=site.id, name="U12"),
                Pattern(site_id=site.id, name="P"),
                Position(site_id=site.id, name="Referee"),
            )
            s.add_all([venue, team, other, age, pattern, position])
            await s.flush()
            game = Game(
                site_id=site.id,
                start_time=datetime(2026, 10, 11, 9, tzinfo=UTC),
                local_date=date(2026, 10, 11),
                venue_id=venue.id,
                age_group_id=age.id,
                home_team_id=team.id,
                away_team_id=other.id,
                pattern_id=pattern.id,
            )
            s.add(game)
            await s.flush()
            # alex holds slots 2 and 3 (sort order 2 is kept, even with the higher id) and 1
            # is blair's; a vacant slot stays vacant.
            slots = [
                Assignment(game_id=game.id, position_id=position.id, sort_order=order, **held)
                for order, held in (
                    (3, {"official_id": alex.id, "accepted": True}),
                    (2, {"official_id": alex.id, "declined": True, "decline_reason": "x"}),
                    (1, {"official_id": blair.id}),
                    (4, {}),
                )
            ]
            for slot in slots:
                s.add(slot)
                await s.flush()
            s.add_all(
                [
                    OfficialConflict(user_id=alex.id, kind="team", team_id=team.id),
                    OfficialConflict(user_id=alex.id, kind="team", team_id=team.id, note="dup"),
                    OfficialConflict(user_id=alex.id, kind="venue", venue_id=venue.id),
                    Ability(user_id=alex.id, age_group_id=age.id, allowed=True),
                    Ability(user_id=alex.id, age_group_id=age.id, allowed=False),
                    Ability(user_id=alex.id, age_group_id=age.id, position_id=position.id),
                    GameRequest(game_id=game.id, user_id=blair.id, status="pending"),
                    GameRequest(game_id=game.id, user_id=blair.id, status="pending"),
                    GameRequest(game_id=game.id, user_id=blair.id, status="declined"),
                    GameRequest(
                        game_id=game.id, user_id=blair.id, position_id=position.id, status="pending"
                    ),
                ]
            )
    finally:
        async with rt.db.engine.begin() as conn:
            await conn.run_sync(_run("upgrade"))

    held = [
        (a.sort_order, a.official_id, a.accepted, a.declined) for a in await _rows(rt, Assignment)
    ]
    assert held == [
        (3, None, False, False),
        (2, alex.id, False, True),
        (1, blair.id, False, False),
        (4, None, False, False),
    ]
    vacated = (await _rows(rt, Assignment))[0]
    assert (vacated.decline_reason, vacated.lock_version) == (None, 1)
    conflicts = await _rows(rt, OfficialConflict)
    assert [(c.kind, c.note) for c in conflicts] == [("team", None), ("venue", None)]
    abilities = await _rows(rt, Ability)
    assert [(a.position_id, a.allowed) for a in abilities] == [(None, True), (position.id, True)]
    requests = await _rows(rt, GameRequest)
    assert [r.status for r in requests] == ["pending", "withdrawn", "declined", "pending"]
