"""Message documents (contract §18.8)."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.messages.models import Message
from refdesk.server.messages.service import Messages
from refdesk.server.timefmt import timestamp


def message_repr(message: Message, timezone: str, base: str) -> dict[str, Any]:
    links: dict[str, Any] = {
        "self": link(base, f"/messages/{message.id}", "message"),
        "site": link(base, f"/sites/{message.site_id}", "site"),
    }
    if message.sender_id is not None:
        links["sender"] = link(base, f"/users/{message.sender_id}", "user")
    return {
        "id": message.id,
        "recipient_ids": list(message.recipient_ids),
        "subject": message.subject,
        "body": message.body,
        "sender_id": message.sender_id,
        "delivery_status": message.delivery_status,
        "created": timestamp(message.created, timezone),
        "_links": links,
    }


def messages_repr(found: Messages, base: str) -> list[dict[str, Any]]:
    timezone = found.member.site.timezone
    return [message_repr(m, timezone, base) for m in found.messages]
