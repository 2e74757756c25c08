"""The site services called directly with typed inputs (no HTTP): creation, settings, the
subscription and the list, with the access checks before the 422 (contract §5, §16.1)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from refdesk.server.config import Settings
from refdesk.server.errors import Forbidden, NotFound, PaymentRequired, ValidationFailed
from refdesk.server.inputs import UNSET
from refdesk.server.paging import PageRequest
from refdesk.server.runtime import Runtime
from refdesk.server.sites import service
from refdesk.server.sites.schemas import (
    SiteInput,
    SiteListQuery,
    SubscriptionInput,
    parse_site,
    parse_site_query,
    parse_subscription,
)
from refdesk.server.users.models import User
from tests.factories import create_account, create_site, create_user
from tests.support.services import FIRST_PAGE, principal_of

# --- parsing ---------------------------------------------------------------------------------


def test_site_parsing_never_raises() -> None:
    inp = parse_site(
        {"timezone": "Mars/Olympus", "currency": "eur", "forms_enabled": ""}, creating=True
    )
    assert inp.problems == (
        ("name", "can't be blank"),
        ("timezone", "is invalid"),
        ("forms_enabled", "is not a valid boolean"),
    )
    assert inp.currency == "EUR"
    assert inp.name is UNSET
    assert parse_site({}, creating=False).problems == ()


def test_subscription_fields_are_named_as_the_columns() -> None:
    inp = parse_subscription({"status": "trial", "official_limit": "", "expires_on": "2030-01-31"})
    assert inp.changes() == {
        "subscription_status": "trial",
        "official_limit": None,
        "expires_on": date(2030, 1, 31),
    }


def test_site_query_reads_the_name_filter() -> None:
    query = parse_site_query({"page": "x", "search": {"name": "  "}})
    assert query.name is None
    assert [field for field, _ in query.problems] == ["page"]


# --- create, update ------------------------------------------------------------------------


async def test_create_makes_the_caller_its_assignor(runtime: Runtime, settings: Settings) -> None:
    operator = await create_account(runtime, operator=True)
    async with runtime.db.transaction() as session:
        site = await service.create_site(
            session, settings, principal_of(operator), SiteInput(name="Valley League")
        )
        assert site.timezone == settings.default_time_zone
        user = await session.scalar(select(User).where(User.site_id == site.id))
        assert user is not None and user.assignor and user.account_id == operator.id


async def test_creation_rights_come_before_the_422(runtime: Runtime, settings: Settings) -> None:
    someone = await create_account(runtime)
    bad = parse_site({}, creating=True)
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden):
            await service.create_site(session, settings, principal_of(someone), bad)
    operator = await create_account(runtime, operator=True)
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_site(session, settings, principal_of(operator), bad)
    assert caught.value.errors == {"name": ["can't be blank"]}


async def test_update_needs_an_assignor_before_the_422(runtime: Runtime) -> None:
    site = await create_site(runtime)
    official = await create_account(runtime)
    await create_user(runtime, site, official)
    bad = parse_site({"decline_cutoff_hours": "9999"}, creating=False)
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden):
            await service.update_site(session, principal_of(official), site.id, bad)
    assignor = await create_account(runtime)
    await create_user(runtime, site, assignor, assignor=True)
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.update_site(session, principal_of(assignor), site.id, bad)
    assert list(caught.value.errors) == ["decline_cutoff_hours"]
    async with runtime.db.transaction() as session:
        changed = await service.update_site(
            session, principal_of(assignor), site.id, SiteInput(currency="CAD")
        )
    assert changed.currency == "CAD"


async def test_unknown_site_is_404_before_anything(runtime: Runtime) -> None:
    account = await create_account(runtime)
    async with runtime.db.transaction() as session:
        with pytest.raises(NotFound):
            await service.update_site(session, principal_of(account), 10**9, SiteInput())


# --- subscription ---------------------------------------------------------------------------


async def test_subscription_changes_are_for_operators(runtime: Runtime) -> None:
    site = await create_site(runtime)
    assignor = await create_account(runtime)
    await create_user(runtime, site, assignor, assignor=True, official=False)
    await create_user(runtime, site, await create_account(runtime))
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden):
            await service.update_subscription(
                session, principal_of(assignor), site.id, SubscriptionInput(official_limit=5)
            )
    operator = await create_account(runtime, operator=True)
    async with runtime.db.transaction() as session:
        changed, count = await service.update_subscription(
            session,
            principal_of(operator),
            site.id,
            SubscriptionInput(subscription_status="expired", official_limit=5),
        )
    assert changed.subscription_status == "expired" and changed.official_limit == 5
    assert count == 1  # the one active official


async def test_a_lapsed_site_stays_readable(runtime: Runtime) -> None:
    site = await create_site(runtime, status="expired")
    account = await create_account(runtime)
    await create_user(runtime, site, account, assignor=True, official=False)
    async with runtime.db.transaction(write=False) as session:
        assert (await service.read_site(session, principal_of(account), site.id)).id == site.id
        found, count = await service.read_subscription(session, principal_of(account), site.id)
        assert found.id == site.id and count == 0
    async with runtime.db.transaction() as session:
        with pytest.raises(PaymentRequired):
            await service.update_site(session, principal_of(account), site.id, SiteInput())


# --- list ------------------------------------------------------------------------------------


async def test_list_shows_the_callers_sites_by_id(runtime: Runtime) -> None:
    account = await create_account(runtime)
    first = await create_site(runtime, name="North Valley")
    second = await create_site(runtime, name="South Valley")
    await create_site(runtime, name="Elsewhere")
    for site in (first, second):
        await create_user(runtime, site, account)
    async with runtime.db.transaction(write=False) as session:
        sites, total = await service.list_sites(
            session, principal_of(account), SiteListQuery(page=PageRequest(1, 1, True))
        )
        assert [s.id for s in sites] == [first.id] and total == 2
        sites, total = await service.list_sites(
            session, principal_of(account), SiteListQuery(page=FIRST_PAGE, name="south")
        )
        assert [s.id for s in sites] == [second.id] and total == 1
        with pytest.raises(ValidationFailed):
            await service.list_sites(
                session, principal_of(account), parse_site_query({"limit": "0"})
            )


async def test_a_built_input_without_a_name_is_422(runtime: Runtime, settings: Settings) -> None:
    operator = await create_account(runtime, operator=True)
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_site(session, settings, principal_of(operator), SiteInput())
    assert caught.value.errors == {"name": ["can't be blank"]}
