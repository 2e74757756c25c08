"""The applications connected to an account, and revoking one, called as the account page
calls them (typed inputs, a real session, no HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from refdesk.server.accounts.connections import (
    NOT_CONNECTED,
    RevokeAccess,
    connected_applications,
    revoke_access,
)
from refdesk.server.auth.models import AccessToken, Application, AuthorizationCode, RefreshToken
from refdesk.server.auth.service import issue_tokens
from refdesk.server.db.base import utcnow
from refdesk.server.errors import NotFound
from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.services import principal_of
from tests.support.web_account import new_application, token_of


async def _grant(runtime: Runtime, application_id: int, account_id: int, days_ago: int) -> int:
    """An approval ``days_ago`` days ago (its code, used) and the access and refresh token it
    gave; returns the code's id."""
    async with runtime.db.transaction() as session:
        application = await session.get(Application, application_id)
        assert application is not None
        code = AuthorizationCode(
            code_hash=runtime.hasher.hash(f"code-{application_id}-{account_id}-{days_ago}"),
            application_id=application_id,
            account_id=account_id,
            scopes="read",
            expires_at=utcnow(),
            used_at=utcnow(),
            created=utcnow() - timedelta(days=days_ago),
        )
        session.add(code)
        await session.flush()
        await issue_tokens(
            session,
            runtime,
            application,
            account_id,
            {"read"},
            with_refresh=True,
            authorization_code_id=code.id,
        )
        return code.id


async def test_connected_applications_are_those_with_a_live_token(runtime: Runtime) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime)
    approved = await new_application(runtime, owner, "Approved")
    issued = await new_application(runtime, owner, "Issued")
    expired = await new_application(runtime, owner, "Expired")
    revoked = await new_application(runtime, owner, "Revoked")
    other = await new_application(runtime, owner, "Someone else's")
    code_id = await _grant(runtime, approved, person.id, days_ago=3)
    await token_of(runtime, approved, person, "write")  # its scopes add up
    await token_of(runtime, issued, person, "read write bank")
    await token_of(runtime, expired, person)
    await token_of(runtime, revoked, person)
    await token_of(runtime, other, owner)
    async with runtime.db.transaction() as session:
        past = utcnow() - timedelta(seconds=1)
        await session.execute(
            update(AccessToken).where(AccessToken.application_id == expired).values(expires_at=past)
        )
        await session.execute(
            update(AccessToken).where(AccessToken.application_id == revoked).values(revoked_at=past)
        )
        await session.execute(
            update(AccessToken)
            .where(AccessToken.application_id == issued)
            .values(created=utcnow() - timedelta(days=1))
        )
        # the application's scopes were narrowed since: bank is no longer granted
        await session.execute(
            update(Application).where(Application.id == issued).values(scopes="read write")
        )

    async with runtime.db.transaction() as session:
        found = await connected_applications(session, principal_of(person))
        code = await session.get(AuthorizationCode, code_id)
        assert code is not None
    assert [(c.name, c.scopes, c.own) for c in found] == [
        ("Approved", "read write", False),  # its later token was issued just now
        ("Issued", "read write", False),  # issued yesterday
    ]

    # An approval is dated by its code, also when its refresh token was rotated since.
    async with runtime.db.transaction() as session:
        await session.execute(
            update(AccessToken)
            .where(AccessToken.application_id == approved, AccessToken.refresh_token_id.is_(None))
            .values(revoked_at=utcnow())
        )
    async with runtime.db.transaction() as session:
        (_issued, approval) = await connected_applications(session, principal_of(person))
    assert approval.application_id == approved  # approved 3 days ago: now listed second
    assert approval.authorized_at == code.created
    assert approval.scopes == "read"

    # The owner's own client-credentials token is a connection of the owner's.
    async with runtime.db.transaction() as session:
        (own,) = await connected_applications(session, principal_of(owner))
    assert (own.name, own.own) == ("Someone else's", True)


async def test_revoke_ends_the_applications_access_for_this_account_only(
    runtime: Runtime,
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime)
    friend = await create_account(runtime)
    app = await new_application(runtime, owner, "Scoreboard")
    kept = await new_application(runtime, owner, "Calendar")
    await _grant(runtime, app, person.id, days_ago=1)
    await _grant(runtime, app, friend.id, days_ago=1)
    await token_of(runtime, kept, person)
    async with runtime.db.transaction() as session:
        pending = AuthorizationCode(
            code_hash=runtime.hasher.hash("pending"),
            application_id=app,
            account_id=person.id,
            scopes="read",
            expires_at=utcnow() + timedelta(minutes=5),
        )
        theirs = AuthorizationCode(
            code_hash=runtime.hasher.hash("pending-friend"),
            application_id=app,
            account_id=friend.id,
            scopes="read",
            expires_at=utcnow() + timedelta(minutes=5),
        )
        session.add_all([pending, theirs])

    async with runtime.db.transaction() as session:
        name = await revoke_access(session, principal_of(person), RevokeAccess(app))
    assert name == "Scoreboard"

    async with runtime.db.transaction() as session:
        rows = (
            await session.execute(
                select(AccessToken.account_id, AccessToken.revoked_at).where(
                    AccessToken.application_id == app
                )
            )
        ).all()
        refresh = (
            await session.execute(
                select(RefreshToken.account_id, RefreshToken.revoked_at).where(
                    RefreshToken.application_id == app
                )
            )
        ).all()
        codes = set(
            await session.scalars(
                select(AuthorizationCode.account_id).where(
                    AuthorizationCode.application_id == app, AuthorizationCode.used_at.is_(None)
                )
            )
        )
        mine = await connected_applications(session, principal_of(person))
        friends = await connected_applications(session, principal_of(friend))
    for account_id, revoked_at in [*rows, *refresh]:
        assert (revoked_at is not None) == (account_id == person.id)
    assert codes == {friend.id}  # the person's pending code went, the friend's stays
    assert [c.name for c in mine] == ["Calendar"]
    assert [c.name for c in friends] == ["Scoreboard"]

    for application_id in (app, 10**6):  # revoked already; never connected
        async with runtime.db.transaction() as session:
            with pytest.raises(NotFound) as refused:
                await revoke_access(session, principal_of(person), RevokeAccess(application_id))
        assert refused.value.message == NOT_CONNECTED
