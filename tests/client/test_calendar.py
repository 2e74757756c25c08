"""The calendar feed through the SDK (contract §19.3), sync and async: ``client.calendar``."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.sdk import SDK


async def test_calendar_helpers(sdk: SDK, runtime: Runtime, client: httpx.AsyncClient) -> None:
    member = await create_member(runtime, await create_site(runtime))
    api = sdk(token=member.token)
    shown = await api(lambda c: c.calendar.get())
    assert shown.resource_type == "calendar"
    assert shown["url"].endswith(".ics") and shown["webcal_url"].startswith("webcal://")
    assert (await api(lambda c: c.calendar.get()))["url"] == shown["url"]
    rotated = await api(lambda c: c.calendar.rotate())
    assert rotated["url"] != shown["url"]
    assert (await client.get(urlsplit(shown["url"]).path)).status_code == 404
    assert (await client.get(urlsplit(rotated["url"]).path)).status_code == 200
