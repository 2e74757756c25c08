"""``/reports``: the site's game reports and statements are the API's (same order, same
filters), and ``/reports/statements.csv`` is the API's statements, formula-safe."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.web.earnings import day_text
from refdesk.server.web.reports import CSV_HEADER
from tests.factories import create_account, create_token, create_user
from tests.support.games import load_site, make_game
from tests.support.oauth import PASSWORD
from tests.support.web import signed_in_client
from tests.support.web_earnings import bill, official_with_statements
from tests.support.web_import import sign_in_with_password
from tests.support.web_reports import api_list, file_report, table_rows


async def a_site(client: httpx.AsyncClient, runtime: Runtime):  # type: ignore[no-untyped-def]
    earned = await official_with_statements(client, runtime)
    desk = earned.desk
    headers = desk.assignor.headers
    # a second official of the site with a statement whose description starts like a formula
    other = await create_account(runtime, password=PASSWORD, first_name="=Eve", last_name="Hall")
    user = await create_user(runtime, await load_site(runtime, desk.site_id), other, official=True)
    game = await make_game(
        client,
        desk.site_id,
        headers,
        localized_date=(earned.today - timedelta(days=35)).isoformat(),
        home_team_name="Owls",
    )
    slot = game["_embedded"]["assignments"][0]["id"]
    assigned = await client.post(
        f"/api/v2/assignments/{slot}/assign", json={"user_id": user.id}, headers=headers
    )
    assert assigned.status_code == 200, assigned.text
    await bill(
        client,
        desk,
        user.id,
        earned.today - timedelta(days=40),
        earned.today - timedelta(days=30),
        description="=HYPERLINK(1)",
    )
    await file_report(
        client, desk.games[0]["id"], headers, home_team_score=3, away_team_score=1, text="Fine"
    )
    await file_report(client, desk.games[1]["id"], headers, misconduct=True, text="Red card")
    return earned, user


async def test_lists_are_the_apis(client: httpx.AsyncClient, runtime: Runtime) -> None:
    earned, other = await a_site(client, runtime)
    desk = earned.desk
    headers = desk.assignor.headers
    await sign_in_with_password(client, runtime, desk.assignor.account)
    page = await client.get("/reports")
    assert page.status_code == 200
    assert '<a href="/reports" aria-current="page">Reports &amp; statements</a>' in page.text

    api_reports = await api_list(
        client, f"/api/v2/sites/{desk.site_id}/game_reports", "game_reports", headers
    )
    shown = table_rows(page.text, "report")
    assert [i for i, _ in shown] == [r["id"] for r in api_reports] and len(shown) == 2
    red = dict(shown)[api_reports[0]["id"]]
    assert red[3] == "Yes" and red[5] == "Red card"
    fine = dict(shown)[api_reports[1]["id"]]
    assert fine[2] == "3–1" and fine[3] == "No"
    game = api_reports[1]["_embedded"]["game"]
    assert fine[0].startswith(f"{game['home_team']} v {game['away_team']}")

    url = f"/api/v2/sites/{desk.site_id}/statements"
    api = await api_list(client, url, "statements", headers)
    rows = table_rows(page.text, "statement")
    assert [i for i, _ in rows] == [s["id"] for s in api] and len(rows) == 4
    for (_, cells), s in zip(rows, api, strict=True):
        official = s["_embedded"]["official"]
        assert cells[1] == f"{official['first_name']} {official['last_name']}"
        assert cells[4] == s["formatted_amount"] and cells[5] == s["formatted_amount_paid"]
    assert dict(rows)[earned.partial["id"]][3] == "Partly paid"

    # filters: the API's search[user_id] and search[status]
    mine = await client.get("/reports", params={"official": str(other.id)})
    api_mine = await api_list(client, url, "statements", headers, user_id=str(other.id))
    assert [i for i, _ in table_rows(mine.text, "statement")] == [s["id"] for s in api_mine]
    assert len(api_mine) == 1
    paid = await client.get("/reports", params={"status": "paid"})
    api_paid = await api_list(client, url, "statements", headers, status="paid")
    assert [i for i, _ in table_rows(paid.text, "statement")] == [s["id"] for s in api_paid]
    assert [s["id"] for s in api_paid] == [earned.paid["id"]]
    # a bad filter is ignored, never a 500
    odd = await client.get("/reports", params={"official": "x'", "status": "nope"})
    assert odd.status_code == 200 and len(table_rows(odd.text, "statement")) == 4


async def test_csv_is_the_apis_statements(client: httpx.AsyncClient, runtime: Runtime) -> None:
    earned, other = await a_site(client, runtime)
    desk = earned.desk
    await sign_in_with_password(client, runtime, desk.assignor.account)
    url = f"/api/v2/sites/{desk.site_id}/statements"
    for params in ({}, {"status": "void"}, {"official": str(other.id)}):
        answer = await client.get("/reports/statements.csv", params=params)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/csv; charset=utf-8"
        assert "attachment" in answer.headers["content-disposition"]
        assert answer.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
        assert tuple(rows[0]) == CSV_HEADER
        search = {("user_id" if k == "official" else k): v for k, v in params.items()}
        api = await api_list(client, url, "statements", desk.assignor.headers, **search)
        expected = []
        for s in api:
            official = s["_embedded"]["official"]
            name = f"{official['first_name']} {official['last_name']}"
            expected.append(
                [
                    str(s["id"]),
                    s["statement_date"],
                    str(official["id"]),
                    "'" + name if name.startswith("=") else name,
                    "'" + (s["description"] or "")
                    if (s["description"] or "").startswith("=")
                    else (s["description"] or ""),
                    s["status"],
                    f"{float(s['amount']):.2f}",
                    f"{float(s['amount_paid']):.2f}",
                    s["currency"],
                    str(len(s["line_items"])),
                ]
            )
        assert rows[1:] == expected and expected
    everything = (await client.get("/reports/statements.csv")).text
    assert "'=Eve Hall" in everything and "'=HYPERLINK(1)" in everything


async def test_people_who_are_not_staff_get_a_polite_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    earned, _ = await a_site(client, runtime)
    await signed_in_client(client, earned.desk.account.login)  # the official
    page = await client.get("/reports")
    assert page.status_code == 200
    assert "This page is for the assignors and managers" in page.text
    assert 'id="statement-' not in page.text and 'id="report-' not in page.text
    csv_answer = await client.get("/reports/statements.csv")
    assert csv_answer.status_code == 200 and "text/html" in csv_answer.headers["content-type"]
    assert "This page is for the assignors" in csv_answer.text


async def test_a_manager_sees_what_the_api_lets_them(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    earned, _ = await a_site(client, runtime)
    desk = earned.desk
    manager = await create_account(runtime, password=PASSWORD)
    await create_user(
        runtime, await load_site(runtime, desk.site_id), manager, manager=True, official=False
    )
    await signed_in_client(client, manager.login)
    page = await client.get("/reports")
    assert page.status_code == 200
    token = await create_token(runtime, manager)
    api = await client.get(
        f"/api/v2/sites/{desk.site_id}/statements",
        params={"limit": "50"},
        headers={"Authorization": f"Bearer {token}"},
    )
    shown = table_rows(page.text, "statement")
    if api.status_code == 200:
        assert [i for i, _ in shown] == [s["id"] for s in api.json()["_embedded"]["statements"]]
    else:
        assert shown == [] and 'class="error"' in page.text
    assert day_text(earned.today - timedelta(days=20))  # the helper the page uses
