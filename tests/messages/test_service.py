"""Message services called with typed inputs against a real session, as a web page or the
CLI would."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from refdesk.server.errors import Forbidden, ValidationFailed
from refdesk.server.events.models import MailJob
from refdesk.server.messages import service
from refdesk.server.messages.mail import paragraphs, reply_address
from refdesk.server.messages.models import Message
from refdesk.server.messages.schemas import MessageInput, parse_message, parse_message_query
from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.services import FIRST_PAGE, assignor_site, principal_of


def test_parsing_never_raises() -> None:
    inp = parse_message({"recipient_ids": ["3", 3, "x", 4, "4"], "subject": 5, "body": ["a"]})
    assert inp.recipient_ids == (3, 4)
    assert inp.subject == "5"
    assert inp.problems == (
        ("recipient_ids", "is not a number"),
        ("body", "is invalid"),
    )
    assert parse_message({"recipient_ids": "12"}).recipient_ids == (12,)
    assert parse_message({"recipient_ids": {"0": 1}}).messages_of("recipient_ids") == ["is invalid"]
    assert parse_message_query({"limit": "0"}).problems == (
        ("limit", "must be greater than or equal to 1"),
    )


def test_paragraphs_keep_line_breaks() -> None:
    assert paragraphs("a\r\nb\n\n\n  \nc\n") == [["a", "b"], ["c"]]
    assert paragraphs("") == []


async def test_send_with_a_mail_server_and_a_rolled_back_send(runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime, name="Valley League")
    alex = await create_member(runtime, site, first_name="Alex")
    official = await create_member(runtime, site)
    inp = MessageInput(recipient_ids=(alex.user.id,), subject="Hi", body="Body")
    async with runtime.db.transaction() as session:
        sent = await service.send_message(
            session, principal_of(assignor), site.id, inp, mail_configured=True
        )
    assert sent.messages[0].delivery_status == "queued"
    with pytest.raises(RuntimeError):
        async with runtime.db.transaction() as session:
            await service.send_message(
                session, principal_of(assignor), site.id, inp, mail_configured=False
            )
            raise RuntimeError("the change fails after the message was queued")
    async with runtime.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Message)) == 1
        jobs = (await session.scalars(select(MailJob))).all()
        assert [(j.message_id, j.subject) for j in jobs] == [
            (sent.messages[0].id, "[Valley League] Hi")
        ]
        with pytest.raises(Forbidden):
            await service.send_message(
                session, principal_of(official), site.id, inp, mail_configured=True
            )
        with pytest.raises(ValidationFailed) as refused:
            await service.send_message(
                session,
                principal_of(assignor),
                site.id,
                parse_message({"recipient_ids": [alex.user.id, 0]}),
                mail_configured=True,
            )
        assert refused.value.errors == {
            "recipient_ids": ["must be greater than or equal to 1"],
            "subject": ["can't be blank"],
            "body": ["can't be blank"],
        }
        listed = await service.list_messages(
            session, principal_of(assignor), site.id, parse_message_query({})
        )
        assert [m.id for m in listed.messages] == [sent.messages[0].id]
        assert (listed.total, listed.page) == (1, FIRST_PAGE)
        assert await reply_address(session, sent.messages[0].id) == assignor.account.email
        assert await reply_address(session, 999999) is None
