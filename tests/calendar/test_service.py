"""The feed's token rules below HTTP: concurrent first requests make one feed, and a token
that no longer opens (another server pepper) is replaced rather than shown broken."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select, update

from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.calendar import service
from refdesk.server.calendar.models import CalendarFeed
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.calendar import descriptor, feed_path


async def test_concurrent_first_requests_make_one_feed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    answers = await asyncio.gather(*(descriptor(client, member) for _ in range(4)))
    assert len({a["url"] for a in answers}) == 1
    async with runtime.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(CalendarFeed)) == 1


async def test_a_token_sealed_under_another_pepper_is_replaced(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    old = await descriptor(client, member)
    async with runtime.db.transaction() as session:
        await session.execute(update(CalendarFeed).values(token_sealed=b"\x00" * 60))
    new = await descriptor(client, member)
    assert new["url"] != old["url"]
    assert (await client.get(feed_path(new["url"]))).status_code == 200
    assert (await client.get(feed_path(old["url"]))).status_code == 404


async def test_tokens_are_found_only_by_their_own_hmac(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_member(runtime, await create_site(runtime))
    token = feed_path((await descriptor(client, member))["url"]).split("/")[-1][:-4]
    async with runtime.db.session() as session:
        found = await service.feed_account(session, runtime.hasher, token)
        assert found is not None and found.id == member.account.id
        other_pepper = SecretHasher("another-pepper")
        assert await service.feed_account(session, other_pepper, token) is None
        assert await service.feed_account(session, runtime.hasher, token.upper()) is None
