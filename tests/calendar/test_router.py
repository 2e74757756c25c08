"""``/api/v2/current_account/calendar`` and ``/calendar/{token}.ics`` over HTTP (contract
§19.3): made on the first request and stable after, rotation kills the old URL, scopes, the
feed's headers, 404 for unknown tokens, the HTTPS rule and rate limiting by client IP."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy import func, select

from refdesk.server.app import create_app
from refdesk.server.calendar.models import CalendarFeed
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_token
from tests.support.app import client_for, make_settings
from tests.support.calendar import descriptor, feed_path, make_desk, parse
from tests.support.web import set_active

URL = re.compile(r"^https://testserver/calendar/([0-9a-f]{64})\.ics$")


async def feed_rows(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(CalendarFeed)) or 0)


async def test_the_feed_is_made_on_the_first_request_and_stable_after(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    assert await feed_rows(runtime) == 0
    first = await descriptor(client, member)
    match = URL.match(first["url"])
    assert match, first
    token = match.group(1)
    assert first["webcal_url"] == f"webcal://testserver/calendar/{token}.ics"
    assert first["_links"] == {
        "self": {
            "resource-type": "calendar",
            "href": "https://testserver/api/v2/current_account/calendar.json",
        }
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", first["created"])
    again = await descriptor(client, member)
    assert again == first
    assert await feed_rows(runtime) == 1
    # the token itself is not stored: only its HMAC and a sealed copy
    async with runtime.db.session() as session:
        row = await session.scalar(select(CalendarFeed))
    assert row is not None and row.token_hash != token and token.encode() not in row.token_sealed
    # the account document links to it (§15.1)
    account = (await client.get("/api/v2/current_account", headers=member.headers)).json()
    assert account["_links"]["calendar"]["href"] == first["_links"]["self"]["href"]
    # each account has its own
    other = await create_member(runtime, await create_site(runtime))
    assert (await descriptor(client, other))["url"] != first["url"]


async def test_rotate_gives_a_new_url_and_the_old_one_is_404(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    old = await descriptor(client, member)
    assert (await client.get(feed_path(old["url"]))).status_code == 200
    rotated = await client.post("/api/v2/current_account/calendar/rotate", headers=member.headers)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert URL.match(new["url"]) and new["url"] != old["url"]
    assert new["webcal_url"] == "webcal://" + new["url"].removeprefix("https://")
    assert await descriptor(client, member) == new
    gone = await client.get(feed_path(old["url"]))
    assert gone.status_code == 404
    assert "json" in gone.headers["content-type"]  # the negotiated JSON type (§20 item 8)
    assert gone.json()["error"] == "not_found" and gone.json()["status"] == 404
    works = await client.get(feed_path(new["url"]))
    assert works.status_code == 200 and works.text.startswith("BEGIN:VCALENDAR\r\n")
    assert await feed_rows(runtime) == 1


async def test_rotate_before_any_get_makes_the_first_feed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    rotated = await client.post("/api/v2/current_account/calendar/rotate", headers=member.headers)
    assert rotated.status_code == 200
    assert await descriptor(client, member) == rotated.json()


async def test_scopes_and_authentication(client: httpx.AsyncClient, runtime: Runtime) -> None:
    account = await create_account(runtime)
    reader = {"Authorization": f"Bearer {await create_token(runtime, account, 'read')}"}
    assert (await client.get("/api/v2/current_account/calendar", headers=reader)).status_code == 200
    refused = await client.post("/api/v2/current_account/calendar/rotate", headers=reader)
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    anonymous = await client.get("/api/v2/current_account/calendar")
    assert anonymous.status_code == 401
    assert (await client.post("/api/v2/current_account/calendar/rotate")).status_code == 401
    # the ``.json`` suffix and the /v2 alias work like everywhere (§2.2)
    suffixed = await client.get("/v2/current_account/calendar.json", headers=reader)
    assert suffixed.status_code == 200


async def test_the_feed_headers_and_head(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await make_desk(client, runtime)
    await desk.game(3)
    path = feed_path((await descriptor(client, desk.official))["url"])
    resp = await client.get(path)
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/calendar; charset=utf-8"
    assert resp.headers["cache-control"] == "private, max-age=300"
    assert "x-ratelimit-limit" in resp.headers and "x-request-id" in resp.headers
    assert len(parse(resp.text).events) == 1
    head = await client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == "text/calendar; charset=utf-8"
    # calendar apps send Accept: text/calendar; the feed needs no other authentication
    assert (await client.get(path, headers={"Accept": "text/calendar"})).status_code == 200


async def test_unknown_malformed_and_deactivated_tokens_are_404(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    path = feed_path((await descriptor(client, member))["url"])
    for wrong in (
        "/calendar/" + "0" * 64 + ".ics",
        "/calendar/" + "A" * 64 + ".ics",
        "/calendar/short.ics",
        path.removesuffix(".ics"),
        path.removesuffix(".ics") + ".json",
    ):
        resp = await client.get(wrong)
        assert resp.status_code == 404, wrong
        assert resp.json()["error"] == "not_found"
    await set_active(runtime, member.account, False)
    assert (await client.get(path)).status_code == 404
    await set_active(runtime, member.account, True)
    assert (await client.get(path)).status_code == 200


async def test_plain_http_is_redirected_to_https(
    client: httpx.AsyncClient, runtime: Runtime, app: object
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    path = feed_path((await descriptor(client, member))["url"])
    async with client_for(app, base_url="http://testserver") as plain:
        resp = await plain.get(path + "?x=1")
    assert resp.status_code == 302
    assert resp.headers["location"] == f"https://testserver{path}?x=1"
    assert resp.json() == {}


async def test_the_feed_is_rate_limited_by_client_ip(
    client: httpx.AsyncClient, runtime: Runtime, tmp_path: Path, database_url: str
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    path = feed_path((await descriptor(client, member))["url"])
    limited = Runtime.build(make_settings(tmp_path, database_url, rate_limit_rules="3/3600"))
    app = create_app(runtime=limited)
    try:

        def from_ip(ip: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(ip, 40000))
            return httpx.AsyncClient(transport=transport, base_url="https://testserver")

        async with from_ip("198.51.100.7") as one, from_ip("198.51.100.8") as two:
            answers = [(await one.get(path)).status_code for _ in range(3)]
            assert answers == [200, 200, 200]
            refused = await one.get(path)
            assert refused.status_code == 429
            assert refused.json()["error"] == "rate_limited"
            assert int(refused.headers["retry-after"]) >= 1
            # unknown tokens count too: the budget is the address's, not the feed's
            assert (await one.get("/calendar/" + "0" * 64 + ".ics")).status_code == 429
            # another address has its own budget
            assert (await two.get(path)).status_code == 200
            # an API call with a valid token counts against the account, not the address
            api = await one.get("/api/v2/current_account/calendar", headers=member.headers)
            assert api.status_code == 200
    finally:
        await limited.db.dispose()
