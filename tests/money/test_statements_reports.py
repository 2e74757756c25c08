"""Statements and game reports through HTTP (contract §18.3, §18.4)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import future_day, make_game, setup_site
from tests.support.games import load_site as _site


async def test_statement_bills_slots_once(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    a = assignor.headers
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    manager = await create_member(runtime, site, manager=True, official=False)
    game = await make_game(client, site_id, a)
    slot = game["_embedded"]["assignments"][0]
    await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={
            "fees": [
                {"pattern_id": game["pattern_id"], "position_id": slot["position_id"], "amount": 45}
            ]
        },
        headers=a,
    )
    await client.post(
        f"/api/v2/assignments/{slot['id']}/assign", json={"user_id": alex.user.id}, headers=a
    )
    body = {
        "user_id": alex.user.id,
        "period_start": "2020-01-01",
        "period_end": "2099-12-31",
        "description": "Season",
    }
    denied = await client.post(
        f"/api/v2/sites/{site_id}/statements", json=body, headers=manager.headers
    )
    assert denied.status_code == 403
    created = await client.post(f"/api/v2/sites/{site_id}/statements", json=body, headers=a)
    assert created.status_code == 201, created.text
    statement = created.json()
    assert (statement["amount"], statement["status"], statement["formatted_amount"]) == (
        45,
        "unpaid",
        "$45.00",
    )
    assert statement["payor_name"] == site.name and statement["currency"] == "USD"
    assert statement["line_items"] == [
        {
            "assignment_id": slot["id"],
            "game_id": game["id"],
            "localized_date": game["localized_date"],
            "description": "U12 Boys Hawks vs Falcons — Referee",
            "amount": 45,
        }
    ]
    assert statement["_embedded"]["official"]["id"] == alex.user.id
    again = await client.post(f"/api/v2/sites/{site_id}/statements", json=body, headers=a)
    assert again.json()["errors"] == {"base": ["no unpaid assignments in this period"]}
    url = f"/api/v2/statements/{statement['id']}"
    too_much = await client.put(url, json={"amount_paid": 50}, headers=a)
    assert too_much.status_code == 422
    partial = await client.put(url, json={"amount_paid": "20.5"}, headers=a)
    assert partial.json()["status"] == "partially_paid"
    assert partial.json()["formatted_amount_paid"] == "$20.50"
    mine = (await client.get("/api/v2/statements", headers=alex.headers)).json()
    assert [s["id"] for s in mine["_embedded"]["statements"]] == [statement["id"]]
    assert (
        await client.put(url, json={"amount_paid": 45}, headers=alex.headers)
    ).status_code == 403
    voided = await client.patch(url, json={"status": "void"}, headers=a)
    assert voided.json()["status"] == "void"
    rebilled = await client.post(f"/api/v2/sites/{site_id}/statements", json=body, headers=a)
    assert rebilled.status_code == 201
    listed = (
        await client.get(
            f"/api/v2/sites/{site_id}/statements?search[status]=void", headers=manager.headers
        )
    ).json()
    assert [s["id"] for s in listed["_embedded"]["statements"]] == [statement["id"]]


async def test_game_reports_permissions(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    a = assignor.headers
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    stranger = await create_member(runtime, site)
    observer = await create_member(runtime, site, official=False, observer=True)
    game = await make_game(client, site_id, a, localized_date=future_day(3))
    slot = game["_embedded"]["assignments"][0]
    await client.post(
        f"/api/v2/assignments/{slot['id']}/assign", json={"user_id": alex.user.id}, headers=a
    )
    url = f"/api/v2/games/{game['id']}/game_reports"
    hidden = await client.post(url, json={"text": "x"}, headers=alex.headers)
    assert hidden.status_code == 403  # show_game_reports is off
    await client.put(f"/api/v2/sites/{site_id}", json={"show_game_reports": "true"}, headers=a)
    filed = await client.post(
        url,
        json={
            "game_report": {
                "misconduct": "n",
                "home_team_score": 3,
                "away_team_score": "1",
                "text": "Uneventful game.",
                "officials": [
                    {
                        "assignment_id": slot["id"],
                        "no_show": True,
                        "no_show_status": "excused",
                        "official_id": stranger.user.id,
                    }
                ],
            }
        },
        headers=alex.headers,
    )
    assert filed.status_code == 201, filed.text
    report = filed.json()
    assert report["html"] == "<p>Uneventful game.</p>" and report["home_team_score"] == 3
    assert report["_embedded"]["game"]["venue"] == "Riverside Park"
    assert report["_embedded"]["author"]["id"] == alex.user.id
    first = report["_embedded"]["officials"][0]
    assert (first["no_show"], first["no_show_status"], first["position_name"]) == (
        True,
        "excused",
        "Referee",
    )
    assert first["_links"]["official"]["href"].endswith(f"/users/{stranger.user.id}.json")
    assert first["_links"]["scheduled_official"]["href"].endswith(f"/users/{alex.user.id}.json")
    assert len(report["_embedded"]["officials"]) == 3
    bad = await client.post(url, json={"home_team_score": 1000}, headers=a)
    assert bad.json()["errors"] == {"home_team_score": ["must be less than or equal to 999"]}
    assert (await client.post(url, json={}, headers=stranger.headers)).status_code == 403
    site_reports = f"/api/v2/sites/{site_id}/game_reports"
    assert (await client.get(site_reports, headers=stranger.headers)).json()["page"]["records"] == 0
    assert (await client.get(site_reports, headers=alex.headers)).json()["page"]["records"] == 1
    by_observer = await client.post(url, json={"text": "Seen"}, headers=observer.headers)
    assert by_observer.status_code == 201  # observers report on published games
    observed = (await client.get(site_reports, headers=observer.headers)).json()
    assert [r["id"] for r in observed["_embedded"]["game_reports"]] == [by_observer.json()["id"]]
    report_url = f"/api/v2/game_reports/{report['id']}"
    assert (
        await client.put(report_url, json={"text": "Mine"}, headers=stranger.headers)
    ).status_code == 403
    edited = await client.patch(report_url, json={"misconduct": True}, headers=a)
    assert edited.json()["misconduct"] is True
    misconduct = (await client.get(site_reports + "?search[misconduct]=true", headers=a)).json()
    assert misconduct["page"]["records"] == 1
    assert (await client.delete(report_url, headers=alex.headers)).status_code == 204
