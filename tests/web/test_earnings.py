"""The earnings page: the official's statements and line items as ``GET /api/v2/statements``
gives them, the fees not yet on a statement, the totals per currency, the pages of
statements, and the CSV download (its rows are the API's line items, formula-safe)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest

from refdesk.server.runtime import Runtime
from refdesk.server.statements.models import Statement
from refdesk.server.web.earnings import CSV_HEADER, PAGE_SIZE, cell, day_text
from tests.factories import create_account, create_site, create_user
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import official_with_games, signed_in_client
from tests.support.web_earnings import (
    api_statements,
    bill,
    expected_csv,
    expected_on_page,
    fee_tables,
    official_with_statements,
    read_csv,
    section,
    set_referee_fee,
    statements_on,
    totals_on,
    user_of,
    without_period,
)


async def test_statements_and_line_items_are_the_apis(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    earned = await official_with_statements(client, runtime)
    # another official of the same site, billed too: never on this official's page
    other = await official_with_statements(client, runtime, name="Other League")
    home = await signed_in_client(client, earned.desk.account.login)
    assert '<a href="/earnings">Earnings</a>' in home.text
    page = await client.get("/earnings")
    assert page.status_code == 200 and 'href="/earnings" aria-current="page"' in page.text
    api = await api_statements(client, earned.headers)
    assert [s["id"] for s in api] == [
        earned.voided["id"],
        earned.partial["id"],
        earned.paid["id"],
    ]
    shown = statements_on(page.text)
    assert [without_period(s) for s in shown] == [expected_on_page(s) for s in api]
    # what the test compares is there: amounts, statuses, the line items
    by_id = {s["id"]: s for s in shown}
    assert by_id[earned.partial["id"]]["terms"]["Status"] == "Partly paid"
    assert by_id[earned.partial["id"]]["terms"]["Paid"] == "$20.50"
    assert by_id[earned.paid["id"]]["terms"]["Description"] == "Early season"
    assert by_id[earned.paid["id"]]["lines"] == [
        (
            day_text(earned.today - timedelta(days=20)),
            "U12 Boys Home 0 vs Away 0 — Referee",
            "$45.00",
        )
    ]
    assert by_id[earned.voided["id"]]["terms"]["Status"] == "Void"
    assert by_id[earned.paid["id"]]["terms"]["Period"] == (
        f"{day_text(earned.today - timedelta(days=25))} – "
        f"{day_text(earned.today - timedelta(days=15))}"
    )
    assert by_id[earned.paid["id"]]["heading"].endswith(" · Harbor Referees")
    # totals leave the void statement out: paid 45 + 20.50, unpaid 24.50
    assert totals_on(page.text) == [("$65.50", "$24.50", "2")]
    for statement in (other.paid, other.partial, other.voided):
        assert f'id="statement-{statement["id"]}"' not in page.text
    assert "Other League" not in page.text


async def test_fees_not_yet_on_a_statement(client: httpx.AsyncClient, runtime: Runtime) -> None:
    earned = await official_with_statements(client, runtime)
    await signed_in_client(client, earned.desk.account.login)
    page = await client.get("/earnings")
    today = earned.today
    played, upcoming = fee_tables(page.text)
    # day -3: its statement was voided, so it is unbilled again; days -20 and -10 are billed;
    # day -6 has no fee; day +8 was declined
    assert played == [
        (day_text(today - timedelta(days=3)), "U12 Boys Home 2 vs Away 2 — Referee", "$45.00")
    ]
    assert upcoming == [
        (day_text(today + timedelta(days=5)), "U12 Boys Home 3 vs Away 3 — Referee", "$45.00")
    ]
    unbilled = section(page.text, "unbilled")
    assert "Not yet on a statement in Harbor Referees" in page.text
    assert unbilled.count('<tfoot><tr><th scope="row" colspan="2">Total</th>') == 2
    assert '<td class="num">$45.00</td></tr></tfoot>' in unbilled

    # a game cancelled with pay still earns its fee, marked; a fee set on the slot wins
    headers = earned.desk.assignor.headers
    cancelled = await client.put(
        f"/api/v2/games/{earned.game(3)['id']}", json={"status": "X"}, headers=headers
    )
    assert cancelled.status_code == 200, cancelled.text
    slot = earned.game(2)["_embedded"]["assignments"][0]["id"]
    fee = await client.put(f"/api/v2/assignments/{slot}", json={"fee": "52.5"}, headers=headers)
    assert fee.status_code == 200, fee.text
    played, upcoming = fee_tables((await client.get("/earnings")).text)
    assert played[0][2] == "$52.50"
    assert upcoming[0][1] == "U12 Boys Home 3 vs Away 3 — Referee Cancelled (paid)"

    # what the page lists is what a statement bills (a statement also bills the declined
    # slot and the one without fee, which the page leaves out)
    statement = await bill(
        client, earned.desk, earned.user_id, today - timedelta(days=30), today + timedelta(days=30)
    )
    billed = {(line["game_id"], line["amount"]) for line in statement["line_items"]}
    assert billed == {
        (earned.game(2)["id"], 52.5),
        (earned.game(3)["id"], 45),
        (earned.game(4)["id"], 45),  # declined
        (earned.game(5)["id"], 0),  # no fee
    }
    page = await client.get("/earnings")
    assert fee_tables(page.text) == []
    assert "No fees waiting for a statement." in page.text
    assert "No upcoming games with a fee." in page.text


async def test_the_csv_is_the_apis_line_items(client: httpx.AsyncClient, runtime: Runtime) -> None:
    earned = await official_with_statements(client, runtime)
    other = await official_with_statements(client, runtime, name="Other League")
    await signed_in_client(client, earned.desk.account.login)
    page = await client.get("/earnings")
    assert '<a class="download" href="/earnings.csv" download>' in page.text
    answer = await client.get("/earnings.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == ('attachment; filename="refdesk-earnings.csv"')
    assert answer.headers["cache-control"] == "no-store"
    assert answer.content.startswith("\ufeff".encode())
    rows = read_csv(answer.content)
    assert rows[0] == list(CSV_HEADER)
    api = await api_statements(client, earned.headers)
    assert rows[1:] == expected_csv(api)
    assert len(rows) == 4  # header and one line item per statement
    assert [r[6] for r in rows[1:]] == ["45.00", "45.00", "45.00"]
    assert [r[8] for r in rows[1:]] == ["void", "partially_paid", "paid"]
    foreign = {str(s["id"]) for s in (other.paid, other.partial, other.voided)}
    assert not foreign & {r[0] for r in rows[1:]}


async def test_csv_cells_never_start_a_formula(client: httpx.AsyncClient, runtime: Runtime) -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert cell(text) == "'" + text
    assert cell("U12 = fine") == "U12 = fine" and cell("") == ""
    desk = await official_with_games(
        client, runtime, [(-2, "9:00 AM")], name='=HYPERLINK("http://evil.example")'
    )
    headers = desk.assignor.headers
    renamed = await client.put(
        f"/api/v2/games/{desk.games[0]['id']}", json={"age_group_name": "-U10"}, headers=headers
    )
    assert renamed.status_code == 200, renamed.text
    await set_referee_fee(client, renamed.json(), headers, "30")
    user_id = await user_of(runtime, desk)
    statement = await bill(
        client, desk, user_id, date(2000, 1, 1), date(2099, 12, 31), description="@note"
    )
    assert statement["line_items"][0]["description"].startswith("-U10 ")
    await signed_in_client(client, desk.account.login)
    rows = read_csv((await client.get("/earnings.csv")).content)
    (row,) = rows[1:]
    assert row[2] == '\'=HYPERLINK("http://evil.example")'
    assert row[5] == "'-U10 Home 0 vs Away 0 — Referee"
    assert row[6] == "30.00"
    # the page shows the names as they are, escaped
    page = await client.get("/earnings")
    assert "=HYPERLINK(&#34;http://evil.example&#34;)" in page.text
    assert "-U10 Home 0 vs Away 0 — Referee" in page.text


async def add_statements(runtime: Runtime, site_id: int, user_id: int, count: int) -> list[int]:
    """``count`` statements of one line-less day each, dated day 1, 2, … of 2026 (made in
    the database: the API bills slots, and this needs many)."""
    ids = []
    async with runtime.db.transaction() as session:
        for n in range(count):
            day = date(2026, 1, 1) + timedelta(days=n)
            statement = Statement(
                site_id=site_id,
                user_id=user_id,
                statement_date=day,
                period_start=day,
                period_end=day,
                amount=Decimal(10),
                amount_paid=Decimal(10 if n % 2 else 0),
            )
            session.add(statement)
            await session.flush()
            ids.append(statement.id)
    return ids


async def test_statements_come_a_page_at_a_time_and_bad_pages_fall_back(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_with_games(client, runtime, [])
    ids = await add_statements(runtime, desk.site_id, await user_of(runtime, desk), 23)
    newest_first = list(reversed(ids))
    await signed_in_client(client, desk.account.login)

    async def shown(query: str) -> tuple[list[int], str]:
        page = await client.get(f"/earnings{query}")
        assert page.status_code == 200, page.text
        return [s["id"] for s in statements_on(page.text)], page.text

    first, text = await shown("")
    assert first == newest_first[:PAGE_SIZE]
    assert 'href="/earnings?page=2" rel="next">Older statements</a>' in text
    assert "Newer statements" not in text and "Page 1 of 3" in text
    second, text = await shown("?page=2")
    assert second == newest_first[PAGE_SIZE : 2 * PAGE_SIZE]
    assert 'href="/earnings?page=1" rel="prev">Newer statements</a>' in text
    assert 'href="/earnings?page=3" rel="next"' in text
    last, text = await shown("?page=3")
    assert last == newest_first[2 * PAGE_SIZE :] and "Older statements" not in text
    # unreadable values are page 1 (as the API reads them); past the end is the last page
    for bad in ("abc", "0", "-1", "1.5", "", "%00", "99999999999999999999999"):
        assert (await shown(f"?page={bad}"))[0] == first, bad
    for beyond in ("4", "9223372036854775807"):
        assert (await shown(f"?page={beyond}"))[0] == last, beyond
    assert (await shown("?page=2&page=x"))[0] in (first, second)
    # totals cover every statement, not only the page: 12 unpaid, 11 paid, 10 each
    assert totals_on(text) == [("$110.00", "$120.00", "23")]


async def test_statements_of_several_sites_are_labelled_and_totalled_per_currency(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    earned = await official_with_statements(client, runtime)
    person = earned.desk.account
    euro = await official_with_games(
        client,
        runtime,
        [(-4, "11:00 AM")],
        account=person,
        name="Berlin Schiris",
        timezone="Europe/Berlin",
    )
    headers = euro.assignor.headers
    changed = await client.put(
        f"/api/v2/sites/{euro.site_id}", json={"currency": "EUR"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    await set_referee_fee(client, euro.games[0], headers, "30")
    euro_user = await user_of(runtime, euro)
    statement = await bill(client, euro, euro_user, date(2000, 1, 1), date(2099, 12, 31))
    assert statement["formatted_amount"] == "€30.00"
    home = await signed_in_client(client, person.login)
    page = await client.get("/earnings")
    api = await api_statements(client, earned.headers)
    assert statement["id"] in [s["id"] for s in api]
    assert [without_period(s) for s in statements_on(page.text)] == [
        expected_on_page(s) for s in api
    ]
    assert totals_on(page.text) == [
        ("EUR", "€0.00", "€30.00", "1"),
        ("USD", "$65.50", "$24.50", "2"),
    ]
    assert "(Berlin Schiris, Harbor Referees)" in page.text
    assert "The site switcher does not change this list." in page.text
    rows = read_csv((await client.get("/earnings.csv")).content)
    assert rows[1:] == expected_csv(api)
    assert [r[7] for r in rows[1:]].count("EUR") == 1
    # the fees are the current site's: Berlin first (by name); switching changes them only
    assert "Not yet on a statement in Berlin Schiris" in page.text
    assert fee_tables(page.text) == []
    switched = await client.post(
        "/site",
        data={
            "csrf_token": csrf_of(home.text),
            "site_id": str(earned.desk.site_id),
            "next": "/earnings",
        },
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/earnings"
    page = await client.get("/earnings")
    assert "Not yet on a statement in Harbor Referees" in page.text
    assert len(fee_tables(page.text)) == 2
    assert [s["id"] for s in statements_on(page.text)] == [s["id"] for s in api]


async def test_a_person_who_is_no_official_and_a_visitor(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    for path in ("/earnings", "/earnings.csv", "/earnings?page=2"):
        answer = await client.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/", path
        assert "text/csv" not in answer.headers.get("content-type", "")
        assert "statement_id" not in answer.text
    site = await create_site(runtime, name="Harbor League")
    assignor = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, site, assignor, assignor=True, official=False)
    await signed_in_client(client, assignor.login)
    page = await client.get("/earnings")
    assert "You are not an official in Harbor League." in page.text
    assert "No statements yet." in page.text and "/earnings.csv" not in page.text
    assert "Your statements appear here once an assignor bills your games." in page.text
    rows = read_csv((await client.get("/earnings.csv")).content)
    assert rows == [list(CSV_HEADER)]


@pytest.mark.parametrize("path", ["/earnings", "/earnings.csv"])
async def test_the_pages_stay_out_of_the_api_document(client: httpx.AsyncClient, path: str) -> None:
    assert path not in (await client.get("/openapi.json")).json()["paths"]
