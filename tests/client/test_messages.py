"""Messages through the SDK (contract §18.8), sync and async: send (with an idempotency key,
so a retry sends nothing twice), list, iterate and get; the API's errors as SDK errors."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from refdesk.client import Forbidden, NotFound, ValidationError
from refdesk.server.events.models import MailJob
from refdesk.server.runtime import Runtime
from tests.support.sdk import SDK
from tests.support.world import make_world


async def test_messages(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    recipients = [world.official.user.id, str(world.other.user.id)]

    sent = await api(
        lambda c: c.messages.send(
            world.site_id,
            recipient_ids=recipients,
            subject="Field change",
            body="Games at Riverside move to Field 3.",
            idempotency_key="msg-1",
        )
    )
    assert sent["recipient_ids"] == [world.official.user.id, world.other.user.id]
    assert (sent["subject"], sent["sender_id"]) == ("Field change", world.assignor.user.id)
    assert sent["delivery_status"] == "not_configured"
    again = await api(
        lambda c: c.messages.send(
            world.site_id,
            recipient_ids=recipients,
            subject="Field change",
            body="Games at Riverside move to Field 3.",
            idempotency_key="msg-1",
        )
    )
    assert again.id == sent.id
    async with runtime.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(MailJob)) == 2

    later = await api(
        lambda c: c.messages.send(
            world.site_id, recipient_ids=[world.other.user.id], subject="Later", body="Text"
        )
    )
    page = await api(lambda c: c.messages.list(world.site_id, limit=1))
    assert [m.id for m in page.resources] == [later.id]
    assert page.records == 2
    walked = await api.collect(lambda c: c.messages.iter(world.site_id, limit=1))
    assert [m.id for m in walked] == [later.id, sent.id]
    assert (await api(lambda c: c.messages.get(sent.id)))["body"] == (
        "Games at Riverside move to Field 3."
    )

    with pytest.raises(ValidationError) as refused:
        await api(
            lambda c: c.messages.send(world.site_id, recipient_ids=[999999], subject="", body="x")
        )
    assert refused.value.errors == {
        "subject": ["can't be blank"],
        "recipient_ids": ["does not exist"],
    }
    official = world.as_(sdk, world.official)
    with pytest.raises(Forbidden):
        await official(lambda c: c.messages.list(world.site_id))
    with pytest.raises(Forbidden):
        await official(
            lambda c: c.messages.send(
                world.site_id, recipient_ids=[world.other.user.id], subject="Hi", body="x"
            )
        )
    with pytest.raises(NotFound):
        await api(lambda c: c.messages.get(999999))
    with pytest.raises(ValueError):
        await api(
            lambda c: c.messages.send(world.site_id, recipient_ids=[0], subject="s", body="b")
        )
