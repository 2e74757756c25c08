"""Webhook subscription services called with typed inputs, as a web page or the CLI would:
parsing, the settings passed in (SSRF rules), the operator's site inference."""

from __future__ import annotations

import pytest

from refdesk.server.errors import Forbidden, ValidationFailed
from refdesk.server.paging import parse_page_query
from refdesk.server.runtime import Runtime
from refdesk.server.webhooks import service
from refdesk.server.webhooks.schemas import (
    SubscriptionWrite,
    parse_subscription,
    parse_subscription_query,
)
from refdesk.server.webhooks.secrets import open_secret
from tests.factories import create_account, create_member
from tests.support.app import make_settings
from tests.support.services import FIRST_PAGE, assignor_site, principal_of


def test_parsing_never_raises() -> None:
    inp = parse_subscription(
        {"site_id": "0", "url": "", "events": "game.created,,nope", "active": "x"},
        creating=True,
        with_site=True,
    )
    assert inp.problems == (
        ("site_id", "must be greater than or equal to 1"),
        ("url", "can't be blank"),
        ("events", "is not included in the list"),
        ("active", "is not a valid boolean"),
    )
    assert inp.url_key == "url"
    update = parse_subscription({"site_id": 5, "target_method": " "}, creating=False)
    assert update.problems == () and update.site_id is None
    assert update.values_sent("target_url", "target_method", "event_types", "active") == {}
    assert parse_subscription_query({"search": {"site_id": "y"}}, with_site=True).problems == (
        ("search[site_id]", "is not a number"),
    )
    assert parse_subscription_query({"search": {"site_id": "y"}}, with_site=False).problems == ()


async def test_service_with_loopback_allowed_by_settings(runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    who = principal_of(assignor)
    local = SubscriptionWrite(target_url="http://127.0.0.1:8999/hook", event_types=("ping",))
    strict = runtime.settings
    loose = make_settings(
        runtime.settings.data_dir,
        runtime.settings.effective_database_url,
        webhook_allow_http=True,
        webhook_allow_private=True,
    )
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as refused:
            await service.create_subscription(
                session, who, site.id, local, settings=strict, hasher=runtime.hasher
            )
        assert refused.value.errors == {"target_url": ["is invalid"]}
        made = await service.create_subscription(
            session, who, site.id, local, settings=loose, hasher=runtime.hasher
        )
        (subscription,) = made.subscriptions
        assert made.secret is not None
        assert open_secret(runtime.hasher, subscription.id, subscription.secret_sealed) == (
            made.secret
        )
        shown = await service.get_subscription(session, who, subscription.id)
        assert shown.secret is None
        rotated = await service.rotate_secret(session, who, subscription.id, hasher=runtime.hasher)
        assert rotated.secret not in (None, made.secret)
        log = await service.deliveries(session, who, subscription.id, parse_page_query({}))
        assert (log.attempts, log.total) == ([], 0)


async def test_operator_and_managers(runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    operator = principal_of(await create_account(runtime, operator=True))
    manager = principal_of(await create_member(runtime, site, manager=True))
    inp = SubscriptionWrite(target_url="https://93.184.216.34/x", event_types=("*",))
    async with runtime.db.transaction() as session:
        # The only site of the installation: an operator (assignor everywhere) may omit it.
        made = await service.create_subscription(
            session, operator, None, inp, settings=runtime.settings, hasher=runtime.hasher
        )
        assert made.subscriptions[0].site_id == site.id
        with pytest.raises(Forbidden):
            await service.create_subscription(
                session, manager, site.id, inp, settings=runtime.settings, hasher=runtime.hasher
            )
        mine = await service.list_subscriptions(
            session, principal_of(assignor), parse_subscription_query({}, with_site=True)
        )
        assert [s.id for s in mine.subscriptions] == [made.subscriptions[0].id]
        assert mine.page == FIRST_PAGE
        none = await service.list_subscriptions(
            session, manager, parse_subscription_query({}, with_site=True)
        )
        assert none.subscriptions == [] and none.total == 0
