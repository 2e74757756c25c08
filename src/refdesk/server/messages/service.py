"""Messages (contract §18.8): assignors and managers e-mail users of their site.

Sending stores the message and queues one e-mail per recipient address in the same
transaction (``events.mail_queue.enqueue_mail``), so mail goes out only if the message is
committed; the worker sends it and rolls ``delivery_status`` up from the jobs.

Who reads messages: the site's assignors and managers (and operators), all of the site's
messages, as §7.3 and §14.7 say. Recipients get the e-mail, not API access to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth.principal import Principal
from refdesk.server.db.paging import page_of
from refdesk.server.errors import ValidationFailed
from refdesk.server.events.mail_queue import enqueue_mail
from refdesk.server.messages.mail import Sender, addresses_of, render_message
from refdesk.server.messages.models import Message
from refdesk.server.messages.schemas import MessageInput, MessageQuery
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import Membership, load_in_site, site_membership
from refdesk.server.users.models import User

# Newest first; ties by ascending id (§9.4).
ORDER = (Message.created.desc(), Message.id.asc())
NO_ADDRESS = "have no e-mail address"


@dataclass(frozen=True)
class Messages:
    """Messages of one site. One message: ``total`` 1, ``page`` None."""

    member: Membership
    messages: list[Message]
    total: int = 1
    page: PageRequest | None = None


def _require_admin(member: Membership, action: str) -> None:
    member.require(member.administers, action)


async def _recipients(
    session: AsyncSession, site_id: int, ids: tuple[int, ...]
) -> list[User] | None:
    """The users of the site with these ids, in the order given; None if any is missing
    (unknown, or a user of another site)."""
    found = await session.scalars(select(User).where(User.site_id == site_id, User.id.in_(ids)))
    by_id = {user.id: user for user in found}
    if len(by_id) != len(ids):
        return None
    return [by_id[i] for i in ids]


async def _sender(session: AsyncSession, principal: Principal, member: Membership) -> Sender:
    user = member.user
    if user is not None:
        address = next((a for a in user.email_addresses or [] if str(a).strip()), None)
        return Sender(f"{user.first_name} {user.last_name}".strip(), address)
    account = await session.get(Account, principal.account_id)  # an operator without a user
    if account is None:
        return Sender("refdesk", None)
    name = f"{account.first_name} {account.last_name}".strip() or account.login
    return Sender(name, account.email)


async def send_message(
    session: AsyncSession,
    principal: Principal,
    site_id: int,
    inp: MessageInput,
    *,
    mail_configured: bool,
) -> Messages:
    """Store the message and queue its e-mail: one per distinct recipient address.

    A recipient without an address is skipped; when no recipient has one, nothing could be
    sent and the request fails (``422 recipient_ids ["have no e-mail address"]``).
    ``mail_configured`` false: ``delivery_status`` is ``not_configured`` (the worker writes
    the e-mails as files instead)."""
    member = await site_membership(session, principal, site_id)
    _require_admin(member, "send messages")
    errors = inp.errors()
    recipients: list[User] = []
    if inp.recipient_ids and not inp.messages_of("recipient_ids"):
        found = await _recipients(session, site_id, inp.recipient_ids)
        if found is None:
            errors.add("recipient_ids", "does not exist")
        else:
            recipients = found
    errors.raise_if_any()
    addresses = addresses_of(recipients)
    if not addresses:
        raise ValidationFailed({"recipient_ids": [NO_ADDRESS]})
    message = Message(
        site_id=site_id,
        sender_id=member.user.id if member.user is not None else None,
        recipient_ids=list(inp.recipient_ids),
        subject=inp.subject,
        body=inp.body,
        delivery_status="queued" if mail_configured else "not_configured",
    )
    session.add(message)
    await session.flush()
    sender = await _sender(session, principal, member)
    mail = render_message(member.site.name, sender, inp.subject, inp.body)
    for address, user in addresses:
        enqueue_mail(
            session,
            kind="message",
            to_address=address,
            subject=mail.subject,
            text_body=mail.text,
            html_body=mail.html,
            site_id=site_id,
            user_id=user.id,
            message_id=message.id,
        )
    await session.flush()
    return Messages(member, [message])


async def list_messages(
    session: AsyncSession, principal: Principal, site_id: int, query: MessageQuery
) -> Messages:
    member = await site_membership(session, principal, site_id)
    _require_admin(member, "read messages")
    query.raise_if_invalid()
    statement = select(Message).where(Message.site_id == site_id)
    messages, total = await page_of(session, statement, ORDER, query.page)
    return Messages(member, messages, total, query.page)


async def get_message(session: AsyncSession, principal: Principal, message_id: int) -> Messages:
    message, member = await load_in_site(session, principal, Message, message_id)
    _require_admin(member, "read messages")
    return Messages(member, [message])
