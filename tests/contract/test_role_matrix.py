"""Every endpoint x every role against the permission matrix of contract §7.3.

Roles: A assignor, M manager, O official (holds a slot of the published game), Ob observer,
X outsider (assignor of another site). Each row runs on a fresh world; roles are tried in the
row's order, so that forbidden callers go before a write that succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member, create_site
from tests.support.games import GAME, future_day


@dataclass
class World:
    ids: dict[str, int]
    roles: dict[str, Member]


async def build_world(client: httpx.AsyncClient, runtime: Runtime) -> World:
    site = await create_site(runtime)
    other = await create_site(runtime)
    roles = {
        "A": await create_member(runtime, site, assignor=True, official=False),
        "M": await create_member(runtime, site, manager=True, official=False),
        "O": await create_member(runtime, site),
        "Ob": await create_member(runtime, site, official=False, observer=True),
        "X": await create_member(runtime, other, assignor=True),
    }
    spare = await create_member(runtime, site)
    a = roles["A"].headers
    s = site.id
    await client.post(
        f"/api/v2/sites/{s}/patterns",
        json={"name": "3 officials", "positions": ["Referee", "AR", "AR"]},
        headers=a,
    )
    g1 = (
        await client.post(
            f"/api/v2/sites/{s}/games",
            json={**GAME, "localized_date": future_day(30), "is_public": "y"},
            headers=a,
        )
    ).json()
    g2 = (
        await client.post(
            f"/api/v2/sites/{s}/games", json={**GAME, "localized_date": future_day(31)}, headers=a
        )
    ).json()
    slot1, slot2 = (x["id"] for x in g1["_embedded"]["assignments"][:2])
    await client.post(
        f"/api/v2/assignments/{slot1}/assign", json={"user_id": roles["O"].user.id}, headers=a
    )
    await client.post(
        f"/api/v2/games/{g1['id']}/game_reports", json={"text": "ok"}, headers=roles["Ob"].headers
    )
    group = (await client.post(f"/api/v2/sites/{s}/groups", json={"name": "G"}, headers=a)).json()
    ids = {
        "site": s,
        "g1": g1["id"],
        "g2": g2["id"],
        "slot1": slot1,
        "slot2": slot2,
        "venue": g1["venue_id"],
        "o": roles["O"].user.id,
        "spare": spare.user.id,
        "group": group["id"],
    }
    return World(ids, roles)


ALL_200 = "Ob:200 X:200 O:200 M:200 A:200"
MEMBERS_READ = "X:403 Ob:200 O:200 M:200 A:200"
ADMIN_READ = "X:403 Ob:403 O:403 M:200 A:200"

ROWS: list[tuple[str, str, Any, str]] = [
    ("GET", "/sites", None, ALL_200),
    ("GET", "/sites/{site}", None, MEMBERS_READ),
    ("PUT", "/sites/{site}", {"name": "Renamed"}, "X:403 Ob:403 O:403 M:403 A:200"),
    ("GET", "/sites/{site}/subscription", None, MEMBERS_READ),
    ("PUT", "/sites/{site}/subscription", {"plan": "x"}, "X:403 Ob:403 O:403 M:403 A:403"),
    *[
        ("GET", f"/sites/{{site}}/{plural}", None, MEMBERS_READ)
        for plural in (
            "venues",
            "zones",
            "age_groups",
            "leagues",
            "teams",
            "game_types",
            "genders",
            "positions",
            "patterns",
            "groups",
        )
    ],
    ("POST", "/sites/{site}/leagues", {"name": "{role} league"}, "X:403 Ob:403 O:403 M:201 A:201"),
    ("GET", "/venues/{venue}", None, MEMBERS_READ),
    ("PUT", "/venues/{venue}", {"city": "Salem"}, "X:403 Ob:403 O:403 M:200 A:200"),
    ("GET", "/sites/{site}/games", None, MEMBERS_READ),
    ("GET", "/games/{g1}", None, MEMBERS_READ),
    ("GET", "/games/{g2}", None, "X:403 Ob:403 O:403 M:200 A:200"),
    ("POST", "/sites/{site}/games", "new_game", "X:403 Ob:403 O:403 M:201 A:201"),
    ("PUT", "/games/{g1}", {"subvenue": "Field 9"}, "X:403 Ob:403 O:403 M:200 A:200"),
    ("PUT", "/games/{g2}/unassign", None, "X:403 Ob:403 O:403 M:200 A:200"),
    ("GET", "/sites/{site}/games/unassigned", None, "X:403 Ob:403 O:403 M:200 A:200"),
    ("GET", "/sites/{site}/games/officials/unassigned", None, ADMIN_READ),
    ("GET", "/games/unassigned", None, ALL_200),
    ("GET", "/games/{g1}/assignments", None, MEMBERS_READ),
    ("GET", "/assignments/{slot1}", None, MEMBERS_READ),
    ("GET", "/assignments/{slot1}/candidates", None, ADMIN_READ),
    (
        "POST",
        "/assignments/{slot2}/assign",
        {"user_id": "{spare}"},
        "X:403 Ob:403 O:403 M:200 A:200",
    ),
    ("POST", "/assignments/{slot1}/accept", None, "X:403 Ob:403 O:200 M:200 A:200"),
    ("POST", "/assignments/{slot1}/decline", None, "X:403 Ob:403 M:200 A:200"),
    ("GET", "/sites/{site}/users", None, ADMIN_READ),
    ("GET", "/users", None, ALL_200),
    ("GET", "/users/{o}", None, "X:403 Ob:403 O:200 M:200 A:200"),
    ("PUT", "/users/{o}", {"city": "Salem"}, "X:403 Ob:403 O:200 M:200 A:200"),
    ("PUT", "/users/{o}", {"grade": "8"}, "X:403 Ob:403 O:403 M:403 A:200"),
    ("GET", "/users/{o}/availability", None, "X:403 Ob:403 O:200 M:200 A:200"),
    ("POST", "/users/{o}/availability", {"date": "2030-01-01"}, "X:403 Ob:403 M:403 O:201 A:201"),
    (
        "POST",
        "/users/{o}/availability/weekly",
        {"days": ["sat"], "start_date": "2030-01-01", "end_date": "2030-01-31"},
        "X:403 Ob:403 M:403 O:200 A:200",
    ),
    ("GET", "/users/{o}/conflicts", None, ADMIN_READ),
    ("GET", "/users/{o}/abilities", None, ADMIN_READ),
    ("PUT", "/users/{o}/abilities", {"abilities": []}, "X:403 Ob:403 O:403 M:403 A:200"),
    ("GET", "/users/{o}/groups", None, "X:403 Ob:403 O:200 M:200 A:200"),
    ("POST", "/users/{o}/groups/{group}", None, "X:403 Ob:403 O:403 M:200 A:200"),
    ("GET", "/groups/{group}/users", None, ADMIN_READ),
    ("GET", "/users/{o}/games", None, "X:403 Ob:403 O:200 M:200 A:200"),
    ("POST", "/users/{spare}/deactivate", None, "X:403 Ob:403 O:403 M:403 A:200"),
    ("GET", "/sites/{site}/statements", None, ADMIN_READ),
    ("GET", "/statements", None, ALL_200),
    ("GET", "/sites/{site}/game_reports", None, "X:403 O:403 Ob:200 M:200 A:200"),
    ("GET", "/sites/{site}/form/templates", None, "X:403 Ob:403 O:403 M:200 A:200"),
    ("GET", "/sites/{site}/game_requests", None, "X:403 Ob:403 O:200 M:200 A:200"),
    ("GET", "/sites/{site}/webhook_subscriptions", None, "X:403 Ob:403 O:403 M:403 A:200"),
    (
        "POST",
        "/sites/{site}/webhook_subscriptions",
        {"target_url": "https://93.184.216.34/{role}", "event_types": ["*"]},
        "X:403 Ob:403 O:403 M:403 A:201",
    ),
    ("GET", "/webhooks/subscriptions", None, ALL_200),
    ("GET", "/sites/{site}/messages", None, ADMIN_READ),
    (
        "POST",
        "/sites/{site}/messages",
        {"recipient_ids": ["{o}"], "subject": "{role} message", "body": "Hello"},
        "X:403 Ob:403 O:403 M:201 A:201",
    ),
    (
        "POST",
        "/sites/{site}/auto_assign",
        {"start_date": "2030-01-01", "end_date": "2030-01-07"},
        "X:403 Ob:403 O:403 M:202 A:202",
    ),
    ("GET", "/current_account", None, ALL_200),
    ("GET", "/current_account/sites", None, ALL_200),
    ("GET", "/current_account/users", None, ALL_200),
    ("GET", "/current_account/games", None, ALL_200),
    ("GET", "/current_account/calendar", None, ALL_200),
    ("POST", "/current_account/calendar/rotate", None, ALL_200),
]


def _fill(value: Any, ids: dict[str, int], role: str) -> Any:
    if isinstance(value, str):
        text = value.replace("{role}", role)
        for key, number in ids.items():
            text = text.replace("{" + key + "}", str(number))
        return text
    if isinstance(value, dict):
        return {k: _fill(v, ids, role) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids, role) for v in value]
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    ROWS,
    ids=[f"{m} {p} {e.split()[-1]}" for m, p, _, e in ROWS],
)
async def test_role_matrix(
    method: str, path: str, body: Any, expected: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await build_world(client, runtime)
    url = "/api/v2" + _fill(path, world.ids, "")
    failures = []
    for n, pair in enumerate(expected.split()):
        role, status = pair.split(":")
        payload: Any = body
        if body == "new_game":
            payload = {**GAME, "localized_date": future_day(40 + n)}
        payload = _fill(payload, world.ids, role)
        resp = await client.request(method, url, json=payload, headers=world.roles[role].headers)
        if resp.status_code != int(status):
            failures.append(f"{role}: {resp.status_code} {resp.text[:160]}")
        elif resp.status_code >= 400:
            assert resp.json()["status"] == resp.status_code
    assert not failures, failures


async def test_lapsed_site_is_402_for_every_role(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime, expires_on=date(2020, 1, 1))
    roles = [
        await create_member(runtime, site, assignor=True),
        await create_member(runtime, site, manager=True),
        await create_member(runtime, site),
        await create_member(runtime, site, official=False, observer=True),
    ]
    for member in roles:
        for path in (
            f"/sites/{site.id}/games",
            f"/sites/{site.id}/venues",
            f"/users/{member.user.id}",
            f"/users/{member.user.id}/availability",
        ):
            resp = await client.get("/api/v2" + path, headers=member.headers)
            assert resp.status_code == 402, (path, resp.text)
            assert resp.json()["site_id"] == site.id
        posted = await client.post(
            f"/api/v2/sites/{site.id}/games", json=GAME, headers=member.headers
        )
        assert posted.status_code == 402
        assert (
            await client.get(f"/api/v2/sites/{site.id}", headers=member.headers)
        ).status_code == 200
