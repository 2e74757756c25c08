"""Webhook subscriptions through the SDK (contract §18.7), sync and async."""

from __future__ import annotations

import pytest

from refdesk.client import Forbidden, NotFound, Page, ValidationError
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site, create_user
from tests.support.sdk import SDK
from tests.support.services import assignor_site
from tests.support.subscriptions import HOOK_URL, SUBSCRIPTION, create_attempts


async def test_webhook_helpers(sdk: SDK, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    api = sdk(token=assignor.token)

    made = await api(lambda c: c.webhooks.create(SUBSCRIPTION, idempotency_key="wh-1"))
    assert made.resource_type == "webhook-subscription"
    assert (made["site_id"], made["target_url"], len(made["secret"])) == (site.id, HOOK_URL, 64)
    replayed = await api(lambda c: c.webhooks.create(SUBSCRIPTION, idempotency_key="wh-1"))
    assert (replayed.id, replayed["secret"]) == (made.id, made["secret"])
    shown = await api(lambda c: c.webhooks.get(made.id))
    assert "secret" not in shown and shown.link("deliveries")

    second = await create_site(runtime)
    await create_user(runtime, second, assignor.account, assignor=True)
    with pytest.raises(ValidationError) as ambiguous:
        await api(lambda c: c.webhooks.create(SUBSCRIPTION))
    assert ambiguous.value.errors == {"site_id": ["can't be blank"]}
    other = await api(
        lambda c: c.webhooks.create({"url": HOOK_URL, "topics": ["*"]}, site_id=second.id)
    )
    assert other["event_types"] == ["*"]

    listed = await api(lambda c: c.webhooks.list(limit=1))
    assert isinstance(listed, Page) and listed.records == 2
    assert [s.id for s in await api.collect(lambda c: c.webhooks.iter(limit=1))] == [
        made.id,
        other.id,
    ]
    only = await api(lambda c: c.webhooks.list(second.id))
    assert [s.id for s in only.resources] == [other.id]

    off = await api(lambda c: c.webhooks.update(made.id, {"active": False, "description": None}))
    assert (off["active"], off["description"]) == (False, None)
    with pytest.raises(ValidationError) as refused:
        await api(lambda c: c.webhooks.update(made.id, {"target_url": "https://127.0.0.1/"}))
    assert refused.value.errors == {"target_url": ["is invalid"]}

    pinged = await api(lambda c: c.webhooks.ping(made.id))
    assert pinged.id == made.id and "secret" not in pinged
    rotated = await api(lambda c: c.webhooks.rotate_secret(made.id))
    assert rotated["secret"] != made["secret"]

    await create_attempts(runtime, made.id, site.id)
    await create_attempts(runtime, made.id, site.id, status_code=204, error=None)
    log = await api(lambda c: c.webhooks.deliveries(made.id, limit=1))
    assert log.records == 2 and log.resources[0]["status_code"] == 204
    walked = await api.collect(lambda c: c.webhooks.iter_deliveries(made.id, limit=1))
    assert [d["status_code"] for d in walked] == [204, 500]

    manager = await create_member(runtime, site, manager=True)
    with pytest.raises(Forbidden):
        await sdk(token=manager.token)(lambda c: c.webhooks.get(made.id))
    await api(lambda c: c.webhooks.delete(made.id))
    with pytest.raises(NotFound):
        await api(lambda c: c.webhooks.get(made.id))
