"""The earnings page (``/earnings``, ``/earnings.csv``) under test: an official with fees,
statements made and paid through the API, and readers for what the page and the CSV show,
set against ``GET /api/v2/statements``."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from refdesk.server.money import formatted
from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from refdesk.server.web.earnings import STATUS_LABELS, day_text
from tests.factories import create_token
from tests.support.web import OfficialSite, official_with_games

FEE = 45
ZONE = "America/Los_Angeles"


async def set_referee_fee(
    client: httpx.AsyncClient, game: dict[str, Any], headers: dict[str, str], amount: Any
) -> None:
    """The default fee of the Referee slot for the game's age group and pattern."""
    slot = game["_embedded"]["assignments"][0]
    answer = await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={
            "fees": [
                {
                    "pattern_id": game["pattern_id"],
                    "position_id": slot["position_id"],
                    "amount": amount,
                }
            ]
        },
        headers=headers,
    )
    assert answer.status_code == 200, answer.text


async def bill(
    client: httpx.AsyncClient,
    desk: OfficialSite,
    user_id: int,
    start: date,
    end: date,
    *,
    description: str | None = None,
    paid: str | None = None,
    void: bool = False,
) -> dict[str, Any]:
    """A statement of ``start``–``end`` made by the site's assignor, then paid or voided."""
    body: dict[str, Any] = {
        "user_id": user_id,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "statement_date": end.isoformat(),
    }
    if description is not None:
        body["description"] = description
    headers = desk.assignor.headers
    made = await client.post(f"/api/v2/sites/{desk.site_id}/statements", json=body, headers=headers)
    assert made.status_code == 201, made.text
    statement: dict[str, Any] = made.json()
    url = f"/api/v2/statements/{statement['id']}"
    if paid is not None:
        answer = await client.patch(url, json={"amount_paid": paid}, headers=headers)
        assert answer.status_code == 200, answer.text
        statement = answer.json()
    if void:
        answer = await client.patch(url, json={"status": "void"}, headers=headers)
        assert answer.status_code == 200, answer.text
        statement = answer.json()
    return statement


@dataclass
class EarningsDesk:
    """An official (``desk.account``, test password; ``token`` for the API) in a site whose
    Referee fee is :data:`FEE`, with games on days -20, -10, -3 (played), +5 (upcoming),
    +8 (upcoming, declined by the assignor) and -6 (an age group without fee); statements:
    ``paid`` (day -20, paid in full), ``partial`` (day -10, 20.50 paid), ``voided`` (day -3,
    void: the slot is unbilled again)."""

    desk: OfficialSite
    user_id: int
    token: str
    today: date
    paid: dict[str, Any]
    partial: dict[str, Any]
    voided: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def game(self, n: int) -> dict[str, Any]:
        return self.desk.games[n]


async def user_of(runtime: Runtime, desk: OfficialSite) -> int:
    """The id of the official's user in the desk's site."""
    async with runtime.db.session() as session:
        found = await session.scalar(
            select(User.id).where(User.site_id == desk.site_id, User.account_id == desk.account.id)
        )
    assert found is not None
    return int(found)


async def official_with_statements(
    client: httpx.AsyncClient, runtime: Runtime, *, name: str = "Harbor Referees"
) -> EarningsDesk:
    days = [-20, -10, -3, 5, 8, -6]
    desk = await official_with_games(
        client, runtime, [(d, "10:00 AM") for d in days], timezone=ZONE, name=name
    )
    headers = desk.assignor.headers
    token = await create_token(runtime, desk.account)
    user_id = await user_of(runtime, desk)
    # the last game is in an age group without fees: its slot earns nothing
    no_fee = await client.put(
        f"/api/v2/games/{desk.games[5]['id']}", json={"age_group_name": "U8 Mixed"}, headers=headers
    )
    assert no_fee.status_code == 200, no_fee.text
    await set_referee_fee(client, desk.games[0], headers, FEE)
    declined = await client.post(
        f"/api/v2/assignments/{desk.games[4]['_embedded']['assignments'][0]['id']}/decline",
        json={"reason": "Out of town"},
        headers=headers,
    )
    assert declined.status_code == 200, declined.text
    today = datetime.now(ZoneInfo(ZONE)).date()

    def day(n: int) -> date:
        return today + timedelta(days=n)

    paid = await bill(
        client, desk, user_id, day(-25), day(-15), description="Early season", paid="45"
    )
    partial = await bill(client, desk, user_id, day(-12), day(-8), paid="20.5")
    voided = await bill(client, desk, user_id, day(-5), day(-1), description="Wrong", void=True)
    return EarningsDesk(desk, user_id, token, today, paid, partial, voided)


# -- what the page shows ------------------------------------------------------------------


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def rows_of(table: str) -> list[tuple[str, ...]]:
    """The body rows of a table: each cell's text."""
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S)
    assert body is not None, table
    return [
        tuple(_text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def statements_on(page: str) -> list[dict[str, Any]]:
    """The statements the page shows, in page order: id, heading, the ``dl``'s terms, and
    the line items' (date, game, amount) rows."""
    found = []
    for article in re.findall(r'<article class="statement[^"]*"(.*?)</article>', page, re.S):
        heading = re.search(r'<h3 id="statement-(\d+)">(.*?)</h3>', article, re.S)
        assert heading is not None, article
        terms = {
            _text(dt): _text(dd)
            for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", article, re.S)
        }
        table = re.search(r'<table class="lines">.*?</table>', article, re.S)
        found.append(
            {
                "id": int(heading.group(1)),
                "heading": _text(heading.group(2)),
                "terms": terms,
                "lines": rows_of(table.group(0)) if table else [],
            }
        )
    return found


def section(page: str, heading_id: str) -> str:
    """The ``<section>`` labelled by the heading ``heading_id``."""
    found = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    assert found is not None, f"no section {heading_id}"
    return found.group(1)


def fee_tables(page: str) -> list[list[tuple[str, ...]]]:
    """The rows of the fee tables of the "not yet on a statement" section (played first)."""
    part = section(page, "unbilled")
    return [rows_of(t) for t in re.findall(r'<table class="lines">.*?</table>', part, re.S)]


def totals_on(page: str) -> list[tuple[str, ...]]:
    table = re.search(r'<table class="totals">.*?</table>', page, re.S)
    assert table is not None, "no totals"
    return rows_of(table.group(0))


# -- what the API says ------------------------------------------------------------------


def api_day(localized: str) -> date:
    """A ``localized_date`` of the API (``Oct 11 2026``)."""
    return datetime.strptime(localized, "%b %d %Y").date()


def expected_on_page(statement: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a statement document of ``GET /api/v2/statements``."""
    currency = statement["currency"]
    terms = {
        "Statement": f"No. {statement['id']}",
        "Status": STATUS_LABELS[statement["status"]],
        "Amount": statement["formatted_amount"],
        "Paid": statement["formatted_amount_paid"],
    }
    if statement["description"]:
        terms["Description"] = statement["description"]
    day = date.fromisoformat(statement["statement_date"])
    return {
        "id": statement["id"],
        "heading": f"{day_text(day)} · {statement['payor_name']}",
        "terms": terms,
        "lines": [
            (
                day_text(api_day(line["localized_date"])),
                line["description"],
                formatted(Decimal(str(line["amount"])), currency),
            )
            for line in statement["line_items"]
        ],
    }


def without_period(shown: dict[str, Any]) -> dict[str, Any]:
    """A shown statement without its period (the API document has none)."""
    return {**shown, "terms": {k: v for k, v in shown["terms"].items() if k != "Period"}}


def expected_csv(statements: list[dict[str, Any]]) -> list[list[str]]:
    """The CSV rows (header excluded) for statement documents of the API, in their order."""
    return [
        [
            str(s["id"]),
            s["statement_date"],
            s["payor_name"],
            str(line["game_id"]),
            api_day(line["localized_date"]).isoformat(),
            line["description"],
            str(Decimal(str(line["amount"])).quantize(Decimal("0.01"))),
            s["currency"],
            s["status"],
        ]
        for s in statements
        for line in s["line_items"]
    ]


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def api_statements(client: httpx.AsyncClient, headers: dict[str, str]) -> list[Any]:
    answer = await client.get("/api/v2/statements?limit=50", headers=headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["_embedded"]["statements"])
