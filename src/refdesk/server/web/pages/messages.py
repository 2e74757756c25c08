"""``/messages``: an assignor or manager writes an e-mail to selected officials of the current
site, or to everyone on a day's games; below, the site's sent messages with their delivery
status.

Sending calls the service behind ``POST /api/v2/sites/{id}/messages``
(``messages.service.send_message``) with the input the API parses (``parse_message``:
``recipient_ids``, ``subject``, ``body``): the message is stored and one e-mail per address
is queued in the same transaction (the events worker sends them). "Everyone on a day's
games" resolves the date to the officials on that day's games (``web/messages.py``
``day_officials``) and sends to their ids. Validation errors re-render the form (422) with the
messages by the fields and what was entered kept; other refusals (the person's roles, a lapsed
subscription) come back as the error message of the redirect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.errors import DomainError, ValidationFailed
from refdesk.server.messages import service
from refdesk.server.messages.schemas import MAX_BODY, MAX_SUBJECT, parse_message
from refdesk.server.sites.rules import site_today
from refdesk.server.web import messages as view
from refdesk.server.web import render
from refdesk.server.web.home import MONTHS, WEEKDAYS
from refdesk.server.web.labels import page_number
from refdesk.server.web.page import Page, open_page

router = APIRouter(include_in_schema=False)
HREF = "/messages"
TITLE = "Messages"
MODES = ("selected", "day")

FRIENDLIER = {
    ("recipient_ids", "can't be blank"): "Choose at least one official",
    ("recipient_ids", service.NO_ADDRESS): "None of the chosen officials has an e-mail address",
    ("recipient_ids", "does not exist"): "One of the chosen officials is no longer in this site",
    ("subject", "can't be blank"): "Write a subject",
    ("body", "can't be blank"): "Write the message",
}


@dataclass
class MessageForm:
    """The form as entered."""

    mode: str = "selected"
    selected: tuple[int, ...] = ()
    day: str = ""
    subject: str = ""
    body: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, page: Page) -> MessageForm:
        raw = page.form.get("recipient_ids")
        values = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
        ids = [int(v) for v in values if isinstance(v, str) and v.isdigit() and len(v) < 19]
        return cls(
            mode="day" if page.field("to") == "day" else "selected",
            selected=tuple(dict.fromkeys(ids)),
            day=page.field("day").strip(),
            subject=page.field("subject"),
            body=page.field("body"),
        )

    def add(self, name: str, text: str) -> None:
        if text not in self.errors.setdefault(name, []):
            self.errors[name].append(text)


def plain_day(day: date) -> str:
    """``Saturday 5 December 2026`` (mid-sentence: no "Today, " prefix)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


async def _show(
    page: Page, form: MessageForm, *, q: str = "", number: int = 1, status: int = 200
) -> Response:
    member = page.member
    staff = member is not None and member.administers
    choices: list[view.OfficialChoice] = []
    sent = view.SentList()
    problem: str | None = None
    if member is not None and staff:
        try:
            choices = await view.officials(page.session, member.site.id, q)
            sent = await view.sent_messages(page.session, page.person.principal, member, number)
        except DomainError as exc:  # a read: nothing to roll back (e.g. 402)
            problem = exc.message
    if not form.day and member is not None:
        form.day = site_today(member.site).date().isoformat()
    return page.render(
        "messages.html",
        HREF,
        status=status,
        title=TITLE,
        staff=staff,
        problem=problem,
        form=form,
        choices=choices,
        q=q,
        sent=sent,
        max_subject=MAX_SUBJECT,
        max_body=MAX_BODY,
    )


@router.get(HREF)
async def messages_page(request: Request) -> Response:
    """The form (``?q=`` narrows the officials by name) and the sent messages (``?page=``)."""
    q = (request.query_params.get("q") or "")[:90]
    number = page_number(request.query_params.get("page"))
    async with open_page(request) as page:
        return await _show(page, MessageForm(), q=q, number=number)


@router.post(HREF)
async def send(request: Request) -> Response:
    """Send the message to the chosen officials, or to everyone on the day's games."""
    form = MessageForm()
    day: date | None = None
    count = 0
    try:
        async with open_page(request, write=True) as page:
            form = MessageForm.read(page)
            member = page.member
            if member is None:
                return page.redirect(HREF, error="You are not a member of any site.")
            ids: list[int] = list(form.selected)
            day = _day(form.day)
            if form.mode == "day":
                ids = []
                if not member.administers:
                    pass  # the service refuses (403) before looking at anything
                elif day is None:
                    form.add("day", "Choose a date")
                else:
                    ids = [
                        u.id for u in await view.day_officials(page.session, member.site.id, day)
                    ]
                    if not ids:
                        form.add("day", f"No official holds a slot on {plain_day(day)}")
            inp = parse_message(
                {"recipient_ids": [str(i) for i in ids], "subject": form.subject, "body": form.body}
            )
            if form.errors:  # the day's problems first, with the subject's and body's
                raise ValidationFailed(inp.errors(but=("recipient_ids",)).errors)
            found = await service.send_message(
                page.session,
                page.person.principal,
                member.site.id,
                inp,
                mail_configured=page.runtime.settings.mail_configured,
            )
            count = len(found.messages[0].recipient_ids)
    except ValidationFailed as exc:
        for key, texts in exc.errors.items():
            target = "day" if key == "recipient_ids" and form.mode == "day" else key
            for text in texts:
                sentence = FRIENDLIER.get((key, text)) or f"{key.replace('_', ' ')} {text}"
                if target == "day" and text == "can't be blank":
                    continue  # said by the day's own message
                form.add(
                    target if target in ("day", "subject", "body") else "recipient_ids", sentence
                )
        async with open_page(request) as page:
            return await _show(page, form, status=422)
    except DomainError as exc:
        return render.redirect(request, HREF, error=f"Not sent: {exc.message}")
    who = "1 official" if count == 1 else f"{count} officials"
    where = ""
    if form.mode == "day" and day is not None:
        where = f" on the games of {plain_day(day)}"
    return render.redirect(
        request, HREF, notice=f"Message “{form.subject.strip()}” sent to {who}{where}."
    )
