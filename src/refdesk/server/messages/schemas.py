"""Typed inputs of messages (contract §18.8): sending one, and the list query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, MAX_INT, is_blank, read_int, read_str
from refdesk.server.inputs import Body, Field, Input, problems_of
from refdesk.server.paging import PageQuery, parse_page_query

MAX_RECIPIENTS = 500
MAX_SUBJECT = 200
MAX_BODY = 20000


@dataclass(frozen=True, kw_only=True)
class MessageInput(Input):
    """A message to users of the site. ``recipient_ids`` keeps the order sent, without
    repeats; whether the ids are users of the site is the service's check."""

    recipient_ids: tuple[int, ...] = ()
    subject: str = ""
    body: str = ""


MESSAGE_BODY = Body(
    "Message",
    [
        Field(
            "recipient_ids",
            "array",
            f"1–{MAX_RECIPIENTS} user ids of the site (a single id is taken as a list of one)",
            items={"type": "integer", "minimum": 1, "maximum": MAX_INT},
            required=True,
        ),
        Field("subject", max_length=MAX_SUBJECT, required=True),
        Field("body", description="Plain text", max_length=MAX_BODY, required=True),
    ],
    root="message",
    description="An e-mail to users of the site (§18.8), plain or wrapped in `message`",
)


def read_recipient_ids(value: Any, errors: ErrorCollector) -> tuple[int, ...]:
    """1–500 positive ids: a list (JSON array, ``recipient_ids[]=`` form fields) or a single
    id. Each message is reported once, however many entries share it."""
    field = "recipient_ids"
    if is_blank(value) or value in ([], {}):
        errors.add(field, "can't be blank")
        return ()
    items = value if isinstance(value, list) else [value]
    if isinstance(value, dict) or any(isinstance(item, dict | list) for item in items):
        errors.add(field, "is invalid")
        return ()
    if len(items) > MAX_RECIPIENTS:
        errors.add(field, f"is too long (maximum is {MAX_RECIPIENTS} entries)")
        return ()
    each = ErrorCollector()
    ids = [read_int(item, field, each, 1, MAX_INT) for item in items]
    for message in dict.fromkeys(each.errors.get(field, [])):
        errors.add(field, message)
    return tuple(dict.fromkeys(int(i) for i in ids if i is not INVALID))


def parse_message(data: dict[str, Any]) -> MessageInput:
    errors = ErrorCollector()
    recipients = read_recipient_ids(data.get("recipient_ids"), errors)
    subject = read_str(data.get("subject"), "subject", errors, MAX_SUBJECT, required=True)
    body = read_str(data.get("body"), "body", errors, MAX_BODY, required=True)
    return MessageInput(
        recipient_ids=recipients,
        subject="" if subject is INVALID else subject,
        body="" if body is INVALID else body,
        problems=problems_of(errors),
    )


MessageQuery = PageQuery
parse_message_query = parse_page_query
