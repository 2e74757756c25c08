"""The reports page (``/reports``, ``/reports/statements.csv``) under test: a site with game
reports and statements of two officials, made through the API, and readers for the tables."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

ROW = re.compile(r'<tr id="(report|statement)-(\d+)">(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def _text(fragment: str) -> str:
    fragment = re.sub(r"<br>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def table_rows(page: str, kind: str) -> list[tuple[int, list[str]]]:
    """(id, cell texts) of each ``report`` or ``statement`` row, in page order."""
    return [
        (int(m.group(2)), [_text(c) for c in CELL.findall(m.group(3))])
        for m in ROW.finditer(page)
        if m.group(1) == kind
    ]


async def api_list(
    client: httpx.AsyncClient, url: str, key: str, headers: dict[str, str], **search: str
) -> list[dict[str, Any]]:
    """Every item of an API list (pages of 50) with ``search[...]`` filters."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        params = {
            "limit": "50",
            "page": str(page),
            **{f"search[{k}]": v for k, v in search.items()},
        }
        answer = await client.get(url, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        items = answer.json()["_embedded"][key]
        found.extend(items)
        if len(items) < 50:
            return found
        page += 1


async def file_report(
    client: httpx.AsyncClient, game_id: int, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    made = await client.post(
        f"/api/v2/games/{game_id}/game_reports", json={"game_report": fields}, headers=headers
    )
    assert made.status_code == 201, made.text
    return dict(made.json())
