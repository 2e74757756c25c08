"""The password-reset service (``accounts/password_resets.py``) and what it shares with
invitations (``accounts/account_links.py``): the link and its mail share the caller's
transaction, setting the password withdraws every open link of the account, and a link of one
purpose never opens the other."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from refdesk.server.accounts import account_links, invitations, password_resets
from refdesk.server.accounts.models import Invitation
from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.mail import mail_jobs
from tests.support.resets import reset_token

BASE = "https://testserver"


async def link_count(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Invitation)) or 0)


async def test_the_link_and_its_mail_roll_back_with_the_transaction(runtime: Runtime) -> None:
    await create_account(runtime, login="kim", email="kim@example.org")

    class LaterFailure(Exception):
        pass

    with pytest.raises(LaterFailure):
        async with runtime.db.transaction() as session:
            await password_resets.request_reset(session, runtime, BASE, "kim")
            await session.flush()
            assert await session.scalar(select(func.count()).select_from(Invitation)) == 1
            raise LaterFailure
    assert await link_count(runtime) == 0
    assert await mail_jobs(runtime) == []


async def test_a_reset_withdraws_the_open_invitation_and_purposes_stay_apart(
    runtime: Runtime,
) -> None:
    account = await create_account(runtime, login="lee", email="lee@example.org")
    async with runtime.db.transaction() as session:
        invitation_token = await invitations.issue(session, runtime, account)
        await password_resets.request_reset(session, runtime, BASE, "lee@example.org")
    (job,) = await mail_jobs(runtime)
    token = reset_token(job.text_body)
    async with runtime.db.session() as session:
        # The same token under the other purpose opens nothing.
        assert await account_links.find(session, runtime, "invitation", token) is None
        assert await password_resets.open_reset(session, runtime, invitation_token) is None
        found = await password_resets.open_reset(session, runtime, token)
    assert found is not None and found.state == "open"
    async with runtime.db.transaction() as session:
        assert await password_resets.redeem(session, found.link.id, account.id, "digest")
    async with runtime.db.session() as session:
        assert await invitations.open_invitation(session, runtime, invitation_token) is None
        used = await account_links.find(session, runtime, "invitation", invitation_token)
        assert used is not None and used.state == "used"
        again = await password_resets.open_reset(session, runtime, token)
        assert again is not None and again.state == "used"
    async with runtime.db.transaction() as session:
        assert not await password_resets.redeem(session, found.link.id, account.id, "other")
