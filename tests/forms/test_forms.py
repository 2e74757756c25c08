"""Form templates, submissions and the web view (contract §18.5, §18.6)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.forms import TEMPLATE
from tests.support.games import load_site as _site
from tests.support.games import make_game, setup_site


async def test_templates_submissions_and_webview(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    a = assignor.headers
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    other = await create_member(runtime, site)
    game = await make_game(client, site_id, a)
    await client.post(
        f"/api/v2/assignments/{game['_embedded']['assignments'][0]['id']}/assign",
        json={"user_id": alex.user.id},
        headers=a,
    )
    bad = await client.post(
        f"/api/v2/sites/{site_id}/form/templates",
        json={"name": "X", "fields": [{"template_key": "1bad"}]},
        headers=a,
    )
    assert bad.json()["errors"] == {"fields": ["is invalid"]}
    created = await client.post(
        f"/api/v2/sites/{site_id}/form/templates", json={"form_template": TEMPLATE}, headers=a
    )
    assert created.status_code == 201, created.text
    template = created.json()
    assert template["fields"][0]["key"] == ".homeTeamScore"
    assert (
        await client.get(f"/api/v2/form/templates/{template['id']}", headers=alex.headers)
    ).status_code == 403  # forms disabled
    await client.put(f"/api/v2/sites/{site_id}", json={"forms_enabled": "true"}, headers=a)
    url = f"/api/v2/form/templates/{template['id']}/submissions"
    missing = await client.post(
        url, json={"game_id": game["id"], "values": {".misconduct": 1}}, headers=alex.headers
    )
    assert missing.status_code == 422
    assert missing.json()["errors"] == {".homeTeamScore": ["can't be blank"]}
    assert missing.json()["message"] == "Validation failed: .homeTeamScore can't be blank"
    assert (
        await client.post(url, json={"game_id": game["id"], "values": {}}, headers=other.headers)
    ).status_code == 403
    submitted = await client.post(
        url,
        json={
            "game_id": game["id"],
            "values": [
                {"key": ".extra", "value": None},
                {"key": ".homeTeamScore", "value": 3},
                {"key": ".misconduct", "value": True},
                {"key": ".roster.0.name", "value": "roster.pdf"},
                {"key": ".roster.0.size", "value": 1024},
            ],
        },
        headers=alex.headers,
    )
    assert submitted.status_code == 201, submitted.text
    body = submitted.json()
    assert (body["has_misconduct"], body["has_no_show"], body["home_team_score"]) == (
        "true",
        "false",
        3,
    )
    assert body["away_team_score"] is None and body["author_name"] == (
        f"{alex.user.first_name} {alex.user.last_name}"
    )
    assert body["attachments"] == [{"name": "roster.pdf", "url": None, "size": 1024, "type": None}]
    values = body["_embedded"]["values"]
    assert values[0] == {
        "key": ".homeTeamScore",
        "template_key": "homeTeamScore",
        "label": "Home score",
        "value": "3",
    }
    assert [v["key"] for v in values] == [
        ".homeTeamScore",
        ".misconduct",
        ".extra",
        ".roster.0.name",
        ".roster.0.size",
    ]
    assert values[2] == {"key": ".extra", "value": "null"}
    assert body["_embedded"]["game"]["id"] == game["id"]
    webview = body["_links"]["game_report_webview"]["href"]
    token = webview.rsplit("/", 1)[1]
    assert len(token) == 32
    page = await client.get(webview.replace("https://testserver", ""))
    assert page.status_code == 200 and "Home score" in page.text
    assert (await client.get("/webview/submissions/" + "0" * 32)).status_code == 404
    mine = (await client.get(url, headers=alex.headers)).json()
    assert mine["page"]["records"] == 1
    since = (
        await client.get(
            url + "?search[start_date]=2020-01-01&search[end_date]=2099-01-01", headers=alex.headers
        )
    ).json()
    assert since["page"]["records"] == 1
    before = (await client.get(url + "?search[end_date]=2020-01-01", headers=a)).json()
    assert before["page"]["records"] == 0
    assert (await client.get(url, headers=other.headers)).json()["page"]["records"] == 0
    in_use = await client.delete(f"/api/v2/form/templates/{template['id']}", headers=a)
    assert in_use.status_code == 422
    await client.put(f"/api/v2/form/templates/{template['id']}", json={"active": False}, headers=a)
    closed = await client.post(url, json={"game_id": game["id"], "values": {}}, headers=a)
    assert closed.json()["errors"] == {"base": ["this form is not accepting submissions"]}
    assert (
        await client.delete(f"/api/v2/form/submissions/{body['id']}", headers=alex.headers)
    ).status_code == 403
    assert (
        await client.delete(f"/api/v2/form/submissions/{body['id']}", headers=a)
    ).status_code == 204
