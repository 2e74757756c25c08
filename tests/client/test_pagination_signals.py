"""The iterators stop on any one of the contract's four stop signals (§9.2), even when the other
three say "more": a server that emits only some of them (assignr.com's older endpoints, a buggy
proxy) must not make a client loop or stop early."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from refdesk.client import AsyncClient, Client, Page, RetryPolicy

BASE = "https://api.example.org/api/v2"


def _page(
    n: int, items: list[int], *, pages: int = 9, next_page: Any = "auto", next_link: bool = True
) -> dict[str, Any]:
    info: dict[str, Any] = {
        "records": 99,
        "pages": pages,
        "current_page": n,
        "next_page": n + 1 if next_page == "auto" else next_page,
        "prev_page": n - 1 or None,
        "limit": 2,
    }
    links: dict[str, Any] = {"self": {"href": f"{BASE}/things.json?page={n}"}}
    if next_link:
        links["next"] = {"href": f"{BASE}/things.json?page={n + 1}"}
    return {"page": info, "_links": links, "_embedded": {"things": [{"id": i} for i in items]}}


# page 2 carries exactly one stop signal; page 3 would be served if the client went on.
CASES = {
    "empty page": _page(2, []),
    "pages reached": _page(2, [3, 4], pages=2),
    "next_page null": _page(2, [3, 4], next_page=None),
    "no next link": _page(2, [3, 4], next_link=False),
}


def _handler(second: dict[str, Any], seen: list[str]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        assert request.headers["accept"] == "application/vnd.assignr.v2.hal+json"
        assert request.headers["authorization"] == "Bearer t"
        page = int(request.url.params.get("page", "1"))
        body = {1: _page(1, [1, 2]), 2: second}.get(page, _page(page, [page * 10]))
        return httpx.Response(
            200,
            content=json.dumps(body).encode(),
            headers={"content-type": "application/vnd.assignr.v2.hal+json"},
        )

    return handle


@pytest.mark.parametrize("case", sorted(CASES))
def test_sync_iterator_stops_on_each_signal(case: str) -> None:
    seen: list[str] = []
    transport = httpx.MockTransport(_handler(CASES[case], seen))
    with Client(BASE, token="t", transport=transport, environ={}) as api:
        ids = [item.id for item in api.paginate("things", "things")]
    assert len(seen) == 2
    assert ids == ([1, 2] if case == "empty page" else [1, 2, 3, 4])


@pytest.mark.parametrize("case", sorted(CASES))
async def test_async_iterator_stops_on_each_signal(case: str) -> None:
    seen: list[str] = []
    transport = httpx.MockTransport(_handler(CASES[case], seen))
    async with AsyncClient(BASE, token="t", transport=transport, environ={}) as api:
        ids = [item.id async for item in api.paginate("things")]
    assert len(seen) == 2
    assert ids == ([1, 2] if case == "empty page" else [1, 2, 3, 4])


def test_a_next_link_that_loops_back_stops_the_iterator() -> None:
    looping = _page(1, [1, 2])
    looping["_links"]["next"] = {"href": f"{BASE}/things.json?page=1"}
    calls: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, json=looping)

    with Client(
        BASE,
        token="t",
        transport=httpx.MockTransport(handle),
        environ={},
        retry=RetryPolicy(max_attempts=1),
    ) as api:
        ids = [item.id for item in api.paginate("things", "things")]
    assert ids == [1, 2, 1, 2] and len(calls) == 2


def test_page_signals_individually() -> None:
    for case, body in CASES.items():
        assert Page(body, "things").is_last, case
    assert not Page(_page(1, [1]), "things").is_last
    assert Page({"_embedded": {}}, None).resources == []
