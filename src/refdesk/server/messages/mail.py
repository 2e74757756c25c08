"""What a message's e-mail says and to which addresses it goes (contract §18.8).

The e-mail is rendered once per message (``events/templates/message.*``) and queued once per
address: every address of every recipient, compared case-insensitively (§11.8), so two
recipients who share an address (a parent's) get one e-mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events.render import RenderedMail, render
from refdesk.server.messages.models import Message
from refdesk.server.users.models import User


@dataclass(frozen=True)
class Sender:
    """Who the e-mail says it is from: the caller's user in the site (or, for an operator
    without one, the account), and the address replies should go to (None: none known)."""

    name: str
    address: str | None


def addresses_of(users: Iterable[User]) -> list[tuple[str, User]]:
    """Each distinct address with the first recipient that has it, in recipient order."""
    found: dict[str, tuple[str, User]] = {}
    for user in users:
        for raw in user.email_addresses or []:
            address = str(raw).strip()
            if address and address.lower() not in found:
                found[address.lower()] = (address, user)
    return list(found.values())


def paragraphs(body: str) -> list[list[str]]:
    """The body as paragraphs (split at blank lines) of lines, for the HTML version."""
    result: list[list[str]] = [[]]
    for line in body.splitlines():
        if line.strip():
            result[-1].append(line)
        elif result[-1]:
            result.append([])
    return [p for p in result if p]


def render_message(site_name: str, sender: Sender, subject: str, body: str) -> RenderedMail:
    context: dict[str, Any] = {
        "site_name": site_name,
        "sender_name": sender.name,
        "sender_address": sender.address,
        "subject": subject,
        "body": "\n".join(body.splitlines()),  # CRLF from web forms as plain newlines
        "paragraphs": paragraphs(body),
    }
    return render("message", context)


async def reply_address(session: AsyncSession, message_id: int) -> str | None:
    """The ``Reply-To`` of a message's e-mails: the sender's first address (None when an
    operator without a user in the site sent it, or the sender has none). For the mail sender,
    which has the job's ``message_id``; no column holds it."""
    addresses = await session.scalar(
        select(User.email_addresses)
        .join(Message, Message.sender_id == User.id)
        .where(Message.id == message_id)
    )
    return next((str(a).strip() for a in addresses or [] if str(a).strip()), None)
