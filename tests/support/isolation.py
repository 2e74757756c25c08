"""Three sites with one record of every kind, built through the API, for the site-isolation
property tests (tests/contract/test_site_isolation.py): ``home`` (assignor, manager, official
and observer callers), ``other`` (an active site of another assignor) and ``lapsed`` (a site
whose subscription has expired after its records were made).

Also a snapshot of every site-scoped row (a row belongs to a site through its ``site_id`` or the
first foreign key that leads to one), used to prove that refused requests wrote nothing and
that no record references a record of another site."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from sqlalchemy import Table, select, update

from refdesk.server.auth.models import Application
from refdesk.server.autoassign.jobs import jobs_of
from refdesk.server.db.models import Base
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from tests.factories import Member, create_member, create_site
from tests.support.games import GAME, future_day
from tests.support.subscriptions import SUBSCRIPTION

SITES = ("home", "other", "lapsed")
# Caller -> (its site, its role flags). The demo roles: assignor, manager, official, observer
# of one site, plus the assignors of another site and of a lapsed site.
ROLES: dict[str, tuple[str, dict[str, bool]]] = {
    "assignor": ("home", {"assignor": True, "official": False}),
    "manager": ("home", {"manager": True, "official": False}),
    "official": ("home", {"official": True}),
    "observer": ("home", {"observer": True, "official": False}),
    "other_site_assignor": ("other", {"assignor": True, "official": False}),
    "lapsed_site_assignor": ("lapsed", {"assignor": True, "official": False}),
}
TEMPLATE = {
    "name": "Report",
    "fields": [{"template_key": "score", "label": "Score", "type": "number"}],
}


@dataclass
class SiteRecords:
    """One record of every kind in one site, by kind (the wire's singular resource name)."""

    ids: dict[str, int] = field(default_factory=dict)


@dataclass
class World:
    sites: dict[str, SiteRecords]
    callers: dict[str, Member]
    applications: dict[str, int]  # caller -> id of the application behind its token

    def site_of(self, caller: str) -> str:
        return ROLES[caller][0]


async def _post(client: httpx.AsyncClient, url: str, body: Any, member: Member) -> dict[str, Any]:
    resp = await client.post("/api/v2" + url, json=body, headers=member.headers)
    assert resp.status_code in (200, 201, 202), (url, resp.status_code, resp.text)
    result: dict[str, Any] = resp.json()
    return result


async def _fill_site(
    client: httpx.AsyncClient, runtime: Runtime, site: Site, assignor: Member
) -> SiteRecords:
    official = await create_member(runtime, site, official=True)
    spare = await create_member(runtime, site, official=True)
    s = site.id
    ids: dict[str, int] = {"site": s, "user": official.user.id}

    async def make(kind: str, url: str, body: Any) -> dict[str, Any]:
        record = await _post(client, url, body, assignor)
        ids[kind] = int(record["id"])
        return record

    zone = await make("zone", f"/sites/{s}/zones", {"name": "North"})
    await make("venue", f"/sites/{s}/venues", {"name": "Park", "zone_id": zone["id"]})
    league = await make("league", f"/sites/{s}/leagues", {"name": "League"})
    await make("team", f"/sites/{s}/teams", {"name": "Owls", "league_id": league["id"]})
    await make("game_type", f"/sites/{s}/game_types", {"name": "Cup"})
    await make("gender", f"/sites/{s}/genders", {"name": "Coed"})
    group = await make("group", f"/sites/{s}/groups", {"name": "Panel"})
    await make("position", f"/sites/{s}/positions", {"name": "Umpire", "group_id": group["id"]})
    await make("age_group", f"/sites/{s}/age_groups", {"name": "U10"})
    await make("pattern", f"/sites/{s}/patterns", {"name": "3 officials", "positions": ["R", "A"]})
    game = await make(
        "game", f"/sites/{s}/games", {**GAME, "localized_date": future_day(30), "is_public": "y"}
    )
    slot, vacant = (a["id"] for a in game["_embedded"]["assignments"][:2])
    ids["assignment"] = slot
    await _post(client, f"/assignments/{slot}/assign", {"user_id": official.user.id}, assignor)
    await make("availability", f"/users/{official.user.id}/availability", {"date": "2030-01-01"})
    await make(
        "conflict", f"/users/{official.user.id}/conflicts", {"kind": "team", "team_id": ids["team"]}
    )
    await make("request", "/game_requests", {"game_id": game["id"], "user_id": spare.user.id})
    await make(
        "statement",
        f"/sites/{s}/statements",
        {"user_id": official.user.id, "period_start": "2020-01-01", "period_end": "2099-12-31"},
    )
    await make("report", f"/games/{game['id']}/game_reports", {"text": "Fine"})
    template = await make("template", f"/sites/{s}/form/templates", {"form_template": TEMPLATE})
    await make(
        "submission",
        f"/form/templates/{template['id']}/submissions",
        {"game_id": game["id"], "values": {".score": 3}},
    )
    await make("webhook_subscription", f"/sites/{s}/webhook_subscriptions", SUBSCRIPTION)
    await make(
        "message",
        f"/sites/{s}/messages",
        {"recipient_ids": [official.user.id], "subject": "Welcome", "body": "Hello"},
    )
    ids["vacant_assignment"] = vacant
    await make(
        "proposal",
        f"/sites/{s}/auto_assign",
        {"start_date": "2030-01-01", "end_date": "2030-01-07"},
    )
    await jobs_of(runtime).drain()  # solved before any snapshot of the rows
    return SiteRecords(ids)


async def build_world(client: httpx.AsyncClient, runtime: Runtime) -> World:
    sites: dict[str, Site] = {}
    for key in SITES:
        sites[key] = await create_site(
            runtime,
            name=f"{key} site",
            show_game_requests=True,
            show_game_reports=True,
            show_unassigned_games=True,
            forms_enabled=True,
        )
    callers = {
        name: await create_member(runtime, sites[site], **flags)
        for name, (site, flags) in ROLES.items()
    }
    assignors = dict(home="assignor", other="other_site_assignor", lapsed="lapsed_site_assignor")
    records = {
        key: await _fill_site(client, runtime, sites[key], callers[assignors[key]]) for key in SITES
    }
    async with runtime.db.transaction() as session:
        await session.execute(
            update(Site).where(Site.id == sites["lapsed"].id).values(expires_on=date(2020, 1, 1))
        )
        rows = (await session.execute(select(Application.id, Application.account_id))).all()
    by_account = {account_id: app_id for app_id, account_id in rows}
    applications = {name: by_account[m.account.id] for name, m in callers.items()}
    return World(records, callers, applications)


# --- site-scoped rows -------------------------------------------------------------------------


def _owner_key(table: Table, resolvable: set[str]) -> str | None:
    """The column that ties a row of ``table`` to a site: ``site_id``, else the first non-null
    foreign key to a table that itself belongs to a site."""
    if "site_id" in table.c:
        return "site_id"
    for column in table.columns:
        for fk in column.foreign_keys:
            if fk.column.table.name in resolvable and not column.nullable:
                return column.name
    return None


def _owners() -> dict[str, str]:
    owners: dict[str, str] = {}
    for table in Base.metadata.sorted_tables:  # referenced tables come first
        key = _owner_key(table, set(owners))
        if key is not None:
            owners[table.name] = key
    return owners


OWNERS = _owners()
Rows = dict[str, dict[Any, dict[str, Any]]]  # table -> primary key -> row


async def load_rows(runtime: Runtime) -> Rows:
    rows: Rows = {}
    async with runtime.db.transaction() as session:
        for name in OWNERS:
            table = Base.metadata.tables[name]
            pk = [c.name for c in table.primary_key.columns]
            result = (await session.execute(select(table))).mappings().all()
            rows[name] = {tuple(r[c] for c in pk): dict(r) for r in result}
    return rows


def site_of_row(rows: Rows, table: str, row: dict[str, Any]) -> int:
    key = OWNERS[table]
    if key == "site_id":
        return int(row["site_id"])
    target = _fk_target(table, key)
    return site_of_row(rows, target, rows[target][(row[key],)])


def _fk_target(table: str, column: str) -> str:
    (fk,) = Base.metadata.tables[table].c[column].foreign_keys
    return str(fk.column.table.name)


def cross_site_references(rows: Rows) -> list[str]:
    """Every foreign key from a site-scoped row to a row of another site."""
    found = []
    for table, by_pk in rows.items():
        columns = [
            c.name
            for c in Base.metadata.tables[table].columns
            if c.foreign_keys and c.name != "site_id" and _fk_target(table, c.name) in OWNERS
        ]
        for pk, row in by_pk.items():
            site = site_of_row(rows, table, row)
            for column in columns:
                if row[column] is None:
                    continue
                target = _fk_target(table, column)
                target_row = rows[target].get((row[column],))
                if target_row is not None and site_of_row(rows, target, target_row) != site:
                    found.append(f"{table}{pk}.{column}={row[column]} is in another site")
    return found


def changed_rows(before: Rows, after: Rows) -> list[str]:
    changes = []
    for table in before:
        old, new = before[table], after[table]
        for pk in old.keys() - new.keys():
            changes.append(f"{table}{pk} deleted")
        for pk in new.keys() - old.keys():
            changes.append(f"{table}{pk} created")
        for pk in old.keys() & new.keys():
            if old[pk] != new[pk]:
                diff = {k: (old[pk][k], v) for k, v in new[pk].items() if old[pk][k] != v}
                changes.append(f"{table}{pk} updated {diff}")
    return changes
