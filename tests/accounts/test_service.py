"""The account services called with typed inputs against a real session, as a worker or the
CLI would call them: no HTTP request, no wire dict."""

from __future__ import annotations

import pytest

from refdesk.server.accounts import applications, service
from refdesk.server.accounts.models import Account
from refdesk.server.accounts.schemas import (
    AccountUpdate,
    ApplicationInput,
    parse_account_update,
    parse_application,
)
from refdesk.server.auth.errors import InsufficientScope
from refdesk.server.errors import NotFound, ValidationFailed
from refdesk.server.inputs import UNSET
from refdesk.server.paging import PageRequest
from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.services import principal_of


def test_parsing_never_raises_and_keeps_the_check_order() -> None:
    values = parse_account_update(
        {"last_name": "", "first_name": "x" * 91, "password": "short", "email": "nope"}
    )
    assert values.first_name is UNSET and values.last_name is UNSET and values.email is UNSET
    assert values.problems == (
        ("first_name", "is too long (maximum is 90 characters)"),
        ("last_name", "can't be blank"),
        ("email", "is invalid"),
        ("password", "is too short (minimum is 8 characters)"),
    )
    app = parse_application({"scopes": "read bank", "redirect_uris": 5}, creating=True)
    assert app.requests_bank is True
    assert app.problems == (("name", "can't be blank"), ("redirect_uris", "is invalid"))


async def test_update_account_with_a_typed_input(runtime: Runtime) -> None:
    account = await create_account(runtime, password="correct horse")
    principal = principal_of(account)

    async with runtime.db.transaction() as session:
        updated = await service.update_account(
            session, runtime, principal, AccountUpdate(first_name="Sam", last_name="Stone")
        )
        assert updated.name == "Sam Stone"

    # Sensitive changes need the current password; every problem is reported at once.
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as refused:
            await service.update_account(
                session,
                runtime,
                principal,
                parse_account_update({"email": "New@Example.org", "last_name": ""}),
            )
    assert refused.value.errors == {
        "last_name": ["can't be blank"],
        "current_password": ["is invalid"],
    }

    async with runtime.db.transaction() as session:
        changed = await service.update_account(
            session,
            runtime,
            principal,
            parse_account_update(
                {
                    "email": "New@Example.org",
                    "password": "a new secret",
                    "current_password": "correct horse",
                }
            ),
        )
        assert changed.email == "new@example.org"
    async with runtime.db.session() as session:
        stored = await session.get(Account, account.id)
        assert stored is not None and stored.first_name == "Sam"
        assert runtime.passwords.verify("a new secret", stored.password_hash)


async def test_update_account_of_a_vanished_account_is_not_found(runtime: Runtime) -> None:
    account = await create_account(runtime)
    principal = principal_of(account)
    async with runtime.db.transaction() as session:
        await session.delete(await session.get(Account, account.id))
    async with runtime.db.transaction() as session:
        # 404 comes before the input's problems (contract §5).
        with pytest.raises(NotFound):
            await service.update_account(
                session, runtime, principal, parse_account_update({"first_name": ""})
            )


async def test_create_an_application_with_a_typed_input(runtime: Runtime) -> None:
    owner = await create_account(runtime)
    principal = principal_of(owner)

    async with runtime.db.transaction() as session:
        result = await applications.create(
            session,
            runtime.hasher,
            principal,
            ApplicationInput(name="Scheduler", redirect_uris=["https://app.example.org/cb"]),
        )
    application = result.application
    assert application.account_id == owner.id and application.confidential is True
    assert application.scopes == "read write"
    assert result.client_secret and runtime.hasher.verify(
        result.client_secret, application.client_secret_hash
    )

    async with runtime.db.session() as session:
        rows, total = await applications.list_applications(
            session, principal, PageRequest(page=1, limit=10, limit_supplied=True)
        )
        assert [a.id for a in rows] == [application.id] and total == 1

    # bank needs a bank token, and that answer (403) comes before the 422.
    async with runtime.db.transaction() as session:
        with pytest.raises(InsufficientScope):
            await applications.create(
                session,
                runtime.hasher,
                principal,
                parse_application({"scopes": "bank bogus"}, creating=True),
            )
        with pytest.raises(ValidationFailed) as invalid:
            await applications.create(
                session,
                runtime.hasher,
                principal_of(owner, "read write bank"),
                parse_application({"scopes": "bank bogus"}, creating=True),
            )
    assert invalid.value.errors == {
        "name": ["can't be blank"],
        "scopes": ["is not included in the list"],
    }

    # Another account's application does not exist for the caller.
    stranger = principal_of(await create_account(runtime))
    async with runtime.db.transaction() as session:
        with pytest.raises(NotFound):
            await applications.update_application(
                session, stranger, application.id, ApplicationInput(name="Mine")
            )
