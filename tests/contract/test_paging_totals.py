"""``page.records`` is exact on every page: a partial last page computes it without a count
statement, a full page or a page past the end counts (db/paging.py)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.queries import counting


async def test_totals_on_full_partial_and_past_the_end_pages(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    url = f"/api/v2/users/{official.user.id}/availability"
    for day in (3, 4, 5, 6, 7):
        created = await client.post(url, json={"date": f"2024-02-0{day}"}, headers=official.headers)
        assert created.status_code == 201, created.text
    expected = {
        # page: (entries on it, statements that mention count(*))
        1: (2, 1),  # full: the page cannot tell whether more follow
        2: (2, 1),
        3: (1, 0),  # partial: the last page, so records = 4 + 1
        4: (0, 1),  # past the end: counts
    }
    for number, (size, counts) in expected.items():
        with counting(runtime) as statements:
            resp = await client.get(f"{url}?limit=2&page={number}", headers=official.headers)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert len(body["_embedded"]["availability"]) == size
        assert body["page"]["records"] == 5, (number, body["page"])
        assert body["page"]["pages"] == 3
        assert sum("count(" in s.lower() for s in statements) == counts, (number, statements)
    one_page = await client.get(f"{url}?limit=10", headers=official.headers)
    assert one_page.json()["page"]["records"] == 5
    other = await create_member(runtime, site)
    empty = await client.get(f"/api/v2/users/{other.user.id}/availability", headers=other.headers)
    assert empty.json()["page"]["records"] == 0
    assert empty.json()["page"]["pages"] == 0
