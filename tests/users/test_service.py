"""The user services called directly with typed inputs (no HTTP): what a web page, a worker or
the CLI would do. The access checks come before the 422 (contract §5), the rules of §17.1
keep their messages."""

from __future__ import annotations

import pytest

from refdesk.server.accounts.models import Account
from refdesk.server.auth.principal import Principal
from refdesk.server.errors import Conflict, Forbidden, ValidationFailed
from refdesk.server.inputs import UNSET
from refdesk.server.paging import PageRequest
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users import groups, service
from refdesk.server.users.models import User
from refdesk.server.users.schemas import (
    LockVersion,
    PagedQuery,
    UserCreate,
    UserListQuery,
    UserUpdate,
    parse_user_create,
    parse_user_query,
    parse_user_update,
)
from tests.factories import create_account, create_site, create_user
from tests.support.services import FIRST_PAGE, principal_of


async def member(rt: Runtime, site: Site, **flags: object) -> tuple[Principal, User]:
    account = await create_account(rt)
    user = await create_user(rt, site, account, **flags)
    return principal_of(account), user


def new_user(**fields: object) -> UserCreate:
    values: dict[str, object] = {
        "first_name": "Pat",
        "last_name": "Referee",
        "email_addresses": ["pat@example.org"],
        "sent": frozenset({"first_name", "last_name", "email"}),
    }
    values.update(fields)
    return UserCreate(**values)  # type: ignore[arg-type]


# --- parsing ---------------------------------------------------------------------------------


def test_parsing_never_raises_and_keeps_the_check_order() -> None:
    inp = parse_user_create({"official": "maybe", "email": "not-an-email"})
    assert inp.problems == (
        ("first_name", "can't be blank"),
        ("last_name", "can't be blank"),
        ("official", "is not a valid boolean"),
        ("email", "is invalid"),
    )
    assert inp.official is UNSET
    assert {"official", "email"} <= inp.sent


def test_update_keeps_blank_apart_from_absent() -> None:
    inp = parse_user_update({"mi": "", "max_games_per_day": "", "lock_version": "3"})
    assert inp.changes() == {"mi": None, "max_games_per_day": None}
    assert inp.lock_version == 3
    assert inp.first_name is UNSET


def test_update_refuses_password_fields_apart() -> None:
    inp = parse_user_update({"password": "long enough secret", "lock_version": "x"})
    assert inp.password_problems[0][0] == "password"
    assert inp.lock_problems == (("lock_version", "is not a number"),)
    assert inp.problems == ()


def test_list_query_reads_filters_after_the_page() -> None:
    query = parse_user_query(
        {"page": "0", "search": {"status": "gone", "official": "true", "site_id": "7"}}
    )
    assert [field for field, _ in query.problems] == ["page", "search[status]"]
    assert query.official is True
    assert query.site_id is None  # only the cross-site list reads it
    assert parse_user_query({"search": {"site_id": "7"}}, allow_site=True).site_id == 7


# --- create ----------------------------------------------------------------------------------


async def test_create_links_a_new_account(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, assignor=True, official=False)
    async with runtime.db.transaction() as session:
        user, _ = await service.create_user(
            session, runtime.passwords, principal, site.id, new_user()
        )
        assert user.official is True and user.assignor is False
        account = await session.get(Account, user.account_id)
        assert account is not None and account.login == "pat@example.org"


async def test_role_check_comes_before_the_422(runtime: Runtime) -> None:
    """A manager setting a role flag is 403 even though other fields are invalid."""
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, manager=True, official=False)
    inp = parse_user_create({"assignor": "true", "first_name": ""})
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden, match="assignor"):
            await service.create_user(session, runtime.passwords, principal, site.id, inp)


async def test_an_official_may_not_create_users_whatever_the_input(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site)
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden):
            await service.create_user(
                session, runtime.passwords, principal, site.id, parse_user_create({})
            )


async def test_manager_default_role_flags_are_accepted(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, manager=True, official=False)
    inp = new_user(official=True, sent=frozenset({"official", "first_name", "last_name"}))
    async with runtime.db.transaction() as session:
        user, _ = await service.create_user(session, runtime.passwords, principal, site.id, inp)
    assert user.official is True


async def test_duplicate_email_in_the_site_is_taken(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, assignor=True)
    async with runtime.db.transaction() as session:
        await service.create_user(session, runtime.passwords, principal, site.id, new_user())
    inp = new_user(first_name="Other", sent=frozenset({"email_addresses"}))
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_user(session, runtime.passwords, principal, site.id, inp)
    assert caught.value.errors == {"email_addresses": ["has already been taken"]}


async def test_duplicate_official_name_is_refused(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, assignor=True)
    async with runtime.db.transaction() as session:
        await service.create_user(session, runtime.passwords, principal, site.id, new_user())
    inp = new_user(first_name="PAT", email_addresses=["other@example.org"])
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_user(session, runtime.passwords, principal, site.id, inp)
    assert caught.value.errors == {
        "base": ["First and last name are already used by another official of this site"]
    }


async def test_only_an_operator_sets_a_password(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, assignor=True)
    inp = new_user(password="a long password", password_confirmation="a long password")
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_user(session, runtime.passwords, principal, site.id, inp)
    assert list(caught.value.errors) == ["password"]
    operator = principal_of(await create_account(runtime, operator=True))
    async with runtime.db.transaction() as session:
        user, _ = await service.create_user(session, runtime.passwords, operator, site.id, inp)
    assert user.password_set is True


async def test_password_is_reported_before_send_authorization_email(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, assignor=True)
    inp = parse_user_create(
        {
            "first_name": "Pat",
            "last_name": "Referee",
            "email": "pat@example.org",
            "password": "x",
            "send_authorization_email": "perhaps",
        }
    )
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_user(session, runtime.passwords, principal, site.id, inp)
    assert list(caught.value.errors) == ["password", "send_authorization_email"]


# --- update, activation ---------------------------------------------------------------------


async def test_last_assignor_cannot_lose_the_role(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, user = await member(runtime, site, assignor=True, official=False)
    for inp in (UserUpdate(assignor=False), UserUpdate(active=False)):
        async with runtime.db.transaction() as session:
            with pytest.raises(ValidationFailed) as caught:
                await service.update_user(session, principal, user.id, inp)
        assert caught.value.errors == {
            "assignor": ["the site must keep at least one active assignor"]
        }
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed):
            await service.set_active(session, principal, user.id, False, LockVersion())
    await create_user(runtime, site, await create_account(runtime), assignor=True)
    async with runtime.db.transaction() as session:
        changed, _ = await service.update_user(
            session, principal, user.id, UserUpdate(assignor=False)
        )
    assert changed.assignor is False


async def test_update_checks_the_role_then_password_then_lock_then_fields(
    runtime: Runtime,
) -> None:
    site = await create_site(runtime)
    principal, user = await member(runtime, site)
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden, match="grade"):
            await service.update_user(
                session, principal, user.id, parse_user_update({"grade": "A", "password": "p"})
            )
    bad = parse_user_update({"password": "p", "lock_version": "x", "first_name": ""})
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.update_user(session, principal, user.id, bad)
    assert list(caught.value.errors) == ["password"]
    stale = parse_user_update({"lock_version": "5", "first_name": ""})
    async with runtime.db.transaction() as session:
        with pytest.raises(Conflict):
            await service.update_user(session, principal, user.id, stale)
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.update_user(
                session, principal, user.id, parse_user_update({"first_name": ""})
            )
    assert caught.value.errors == {"first_name": ["can't be blank"]}


async def test_own_profile_update_with_typed_input(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, user = await member(runtime, site)
    async with runtime.db.transaction() as session:
        changed, _ = await service.update_user(
            session, principal, user.id, UserUpdate(city="Springfield", lock_version=0)
        )
    assert changed.city == "Springfield"
    assert changed.lock_version == 1


# --- lists -----------------------------------------------------------------------------------


async def test_site_list_filters_and_pages(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, assignor=True, official=False, last_name="Adams")
    await create_user(runtime, site, await create_account(runtime), last_name="Baker")
    await create_user(runtime, site, await create_account(runtime), last_name="Clark")
    async with runtime.db.transaction(write=False) as session:
        found_site, rows, total, _ = await service.list_site_users(
            session, principal, site.id, UserListQuery(page=PageRequest(1, 2, True))
        )
        assert found_site.id == site.id
        assert [u.last_name for u, _ in rows] == ["Adams", "Baker"] and total == 3
        _, rows, total, _ = await service.list_site_users(
            session, principal, site.id, UserListQuery(page=FIRST_PAGE, official=True)
        )
        assert [u.last_name for u, _ in rows] == ["Baker", "Clark"] and total == 2


async def test_list_access_before_the_query_problems(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site)
    bad = parse_user_query({"search": {"status": "gone"}})
    async with runtime.db.transaction(write=False) as session:
        with pytest.raises(Forbidden):
            await service.list_site_users(session, principal, site.id, bad)
        rows, total, _ = await service.list_all_users(
            session, principal, UserListQuery(page=FIRST_PAGE)
        )
        assert total == 1 and rows[0][1].id == site.id


async def test_user_groups_list_is_paged(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, user = await member(runtime, site)
    async with runtime.db.transaction(write=False) as session:
        found, _, listed, counts, total, page = await groups.user_groups(
            session, principal, user.id, PagedQuery(page=FIRST_PAGE)
        )
    assert found.id == user.id and listed == [] and counts == {} and total == 0
    assert page == FIRST_PAGE


# --- inputs built by a caller (no wire dict) ---------------------------------------------------


async def test_a_built_input_meets_the_same_role_rule(runtime: Runtime) -> None:
    """``sent`` is only what parsing saw: a field set by the caller counts as supplied."""
    site = await create_site(runtime)
    principal, user = await member(runtime, site)
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden, match="assignor"):
            await service.update_user(session, principal, user.id, UserUpdate(assignor=True))
    manager, _ = await member(runtime, site, manager=True, official=False)
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden, match="manager"):
            await service.create_user(
                session, runtime.passwords, manager, site.id, new_user(manager=True)
            )


async def test_a_built_input_without_required_fields_is_422(runtime: Runtime) -> None:
    site = await create_site(runtime)
    principal, _ = await member(runtime, site, assignor=True)
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_user(session, runtime.passwords, principal, site.id, UserCreate())
    assert caught.value.errors == {
        "first_name": ["can't be blank"],
        "last_name": ["can't be blank"],
        "email": ["can't be blank"],
    }
