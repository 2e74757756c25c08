"""``/availability``: an official's month calendar of availability, adding and deleting an
entry, marking a day not available, and applying a weekly pattern.

Every write calls the service of the matching API endpoint with the input the API parses:

* add an entry: ``parse_availability`` → ``service.create_entry``
  (``POST /api/v2/users/{id}/availability``);
* delete one: ``service.delete_entry`` (``DELETE …/availability/{entry_id}``);
* mark a day not available: no entry on a date means not available (contract §17.2), so the
  day's entries go — a one-day weekly pattern with ``available`` false, ``parse_weekly`` →
  ``recurring.apply_weekly`` (``POST …/availability/weekly``);
* a weekly pattern: ``parse_weekly`` → ``recurring.apply_weekly``.

Validation errors re-render the page (422) with the messages by the fields and the entered
values kept; other refusals (another official's entry, an expired subscription) come back as
the one-shot error message of the redirect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.availability import recurring, service
from refdesk.server.availability.schemas import parse_availability, parse_weekly
from refdesk.server.availability.weekly import WEEKDAYS as WEEKDAY_KEYS
from refdesk.server.errors import DomainError, NotFound, ValidationFailed, humanise
from refdesk.server.sites.rules import site_today
from refdesk.server.web import availability as view
from refdesk.server.web import render
from refdesk.server.web.home import WEEKDAYS, day_label
from refdesk.server.web.page import Page, open_page

router = APIRouter(include_in_schema=False)
HREF = "/availability"
NOT_YOURS = "That entry is not one of yours (it may have been deleted already). Nothing changed."
NOT_OFFICIAL = "Only officials have availability, and you are not an official in this site."

# The service's words, said for a person filling in this form.
FRIENDLIER = {
    ("end_time", "is invalid"): "End time must be after the start time",
    ("end_date", "is invalid"): "Until must be on or after the start date, at most a year later",
    ("days", "can't be blank"): "Choose at least one day of the week",
    ("available", "is invalid"): "Not available is for whole days: leave both times empty",
}
LABELS = {"end_date": "Until"}


def messages(errors: dict[str, list[str]], rename: dict[str, str]) -> dict[str, list[str]]:
    """The service's field errors as sentences, by the form's own field names."""
    found: dict[str, list[str]] = {}
    for key, texts in errors.items():
        target = rename.get(key, key)
        for text in texts:
            sentence = FRIENDLIER.get((key, text))
            if sentence is None:
                label = LABELS.get(target, humanise(target))
                sentence = text if key == "base" else f"{label} {text}"
            if sentence not in found.setdefault(target, []):
                found[target].append(sentence)
    return found


@dataclass
class EntryForm:
    """The form of one day's entry, as entered."""

    date: str = ""
    status: str = "available"
    start_time: str = ""
    end_time: str = ""
    description: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, page: Page) -> EntryForm:
        return cls(
            date=page.field("date").strip(),
            status="unavailable" if page.field("status") == "unavailable" else "available",
            start_time=page.field("start_time").strip(),
            end_time=page.field("end_time").strip(),
            description=page.field("description").strip(),
        )

    def times(self) -> dict[str, str]:
        """The times typed in; none means all day (as the API reads them)."""
        found = {"start_time": self.start_time, "end_time": self.end_time}
        return {key: value for key, value in found.items() if value}


@dataclass
class WeeklyForm:
    """The weekly pattern form, as entered."""

    days: tuple[str, ...] = ()
    start_date: str = ""
    end_date: str = ""
    status: str = "available"
    start_time: str = ""
    end_time: str = ""
    keep: bool = False
    description: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, page: Page) -> WeeklyForm:
        raw = page.form.get("days")
        chosen = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
        return cls(
            days=tuple(d for d in WEEKDAY_KEYS if d in chosen),
            start_date=page.field("start_date").strip(),
            end_date=page.field("end_date").strip(),
            status="unavailable" if page.field("status") == "unavailable" else "available",
            start_time=page.field("start_time").strip(),
            end_time=page.field("end_time").strip(),
            keep=page.field("keep") == "yes",
            description=page.field("description").strip(),
        )

    def body(self) -> dict[str, Any]:
        """The ``weekly`` body of ``POST …/availability/weekly`` for this form."""
        data: dict[str, Any] = {
            "days": list(self.days),
            "start_date": self.start_date,
            "end_date": self.end_date,
            "available": "false" if self.status == "unavailable" else "true",
            "mode": "merge" if self.keep else "replace",
        }
        times = {"start_time": self.start_time, "end_time": self.end_time}
        data.update({key: value for key, value in times.items() if value})
        if self.description:
            data["description"] = self.description
        return data


WEEKDAY_CHOICES = tuple(zip(WEEKDAY_KEYS, WEEKDAYS, strict=True))


def plural(count: int, word: str, words: str) -> str:
    return f"{count} {word if count == 1 else words}"


def _today(page: Page) -> date:
    assert page.member is not None
    return site_today(page.member.site).date()


def _month_of(page: Page, value: str) -> date:
    return view.parse_month(value, _today(page))


def _prefill_day(value: str | None) -> str:
    """``?day=2026-12-05`` (a calendar cell's "Add" link) when it is a date, else ''."""
    try:
        return date.fromisoformat(value).isoformat() if value and len(value) == 10 else ""
    except ValueError:
        return ""


def _location(first: date) -> str:
    return f"{HREF}?month={view.month_param(first)}"


async def _show(
    page: Page,
    first: date,
    *,
    entry: EntryForm | None = None,
    weekly: WeeklyForm | None = None,
    status: int = 200,
) -> Response:
    """The page for the month starting ``first``, with the forms as given (or blank)."""
    member, official = page.member, page.official
    month: view.Month | None = None
    problem: str | None = None
    today = _today(page) if member is not None else date.today()
    if member is not None and official is not None:
        try:
            month = await view.month_view(
                page.session, page.person.principal, official.id, first, today
            )
        except DomainError as exc:  # a read: nothing to roll back (e.g. 402, expired site)
            problem = exc.message
    return page.render(
        "availability.html",
        HREF,
        status=status,
        title=f"Availability – {view.month_title(first)}" if month else "Availability",
        official=official is not None,
        month=month,
        problem=problem,
        entry=entry or EntryForm(),
        weekly=weekly or WeeklyForm(start_date=today.isoformat()),
        weekdays=WEEKDAY_CHOICES,
        uses_availability=member is None or member.site.use_availability,
    )


@router.get(HREF)
async def availability(request: Request) -> Response:
    """The month calendar (``?month=YYYY-MM``, default the site's current month) and the
    forms; ``?day=YYYY-MM-DD`` fills in the entry form's date."""
    async with open_page(request) as page:
        today = _today(page) if page.member is not None else date.today()
        first = view.parse_month(request.query_params.get("month"), today)
        entry = EntryForm(date=_prefill_day(request.query_params.get("day")))
        return await _show(page, first, entry=entry)


async def _invalid(request: Request, month: str, **forms: Any) -> Response:
    """The page again after a validation error (the write rolled back): 422."""
    async with open_page(request) as page:
        return await _show(page, _month_of(page, month), status=422, **forms)


@router.post(f"{HREF}/entries")
async def add_entry(request: Request) -> Response:
    """Add an available entry for a day (all day, or from–to), or mark the day not
    available (its entries go)."""
    form = EntryForm()
    month = ""
    try:
        async with open_page(request, write=True) as page:
            form = EntryForm.read(page)
            month = page.field("month")
            official = page.official
            if official is None:
                return page.redirect(HREF, error=NOT_OFFICIAL)
            principal = page.person.principal
            if form.status == "unavailable":
                body = {
                    "days": list(WEEKDAY_KEYS),
                    "start_date": form.date,
                    "end_date": form.date,
                    "available": "false",
                    **form.times(),
                }
                result = await recurring.apply_weekly(
                    page.session, principal, official.id, parse_weekly(body)
                )
                removed = (
                    f"{plural(result.deleted, 'entry', 'entries')} removed"
                    if result.deleted
                    else "it had no entries"
                )
                label = day_label(result.start, _today(page))
                return page.redirect(
                    _location(result.start), notice=f"{label}: not available ({removed})."
                )
            write = parse_availability(
                {
                    "date": form.date,
                    **form.times(),
                    **({"description": form.description} if form.description else {}),
                }
            )
            created, _ = await service.create_entry(page.session, principal, official.id, write)
            line = view.entry_line(created)
            label = day_label(created.date, _today(page))
            return page.redirect(_location(created.date), notice=f"{label}: {line.text}.")
    except ValidationFailed as exc:
        rename = {"start_date": "date", "end_date": "date", "available": "status"}
        form.errors = messages(exc.errors, rename)
        return await _invalid(request, month, entry=form)
    except DomainError as exc:
        return _refused(request, month, exc.message)


@router.post(HREF + "/entries/{entry_id:int}/delete")
async def delete_entry(request: Request, entry_id: int) -> Response:
    """Delete one of the official's own entries."""
    month = ""
    try:
        async with open_page(request, write=True) as page:
            month = page.field("month")
            official = page.official
            if official is None:
                return page.redirect(HREF, error=NOT_OFFICIAL)
            principal = page.person.principal
            entry, _ = await service.load_entry(
                page.session, principal, official.id, entry_id, write=False
            )
            line, day = view.entry_line(entry), entry.date
            await service.delete_entry(page.session, principal, official.id, entry_id)
            label = day_label(day, _today(page))
            text = line.text[0].lower() + line.text[1:]
            return page.redirect(_location(day), notice=f"Deleted: {text} on {label}.")
    except NotFound:
        return _refused(request, month, NOT_YOURS)
    except DomainError as exc:
        return _refused(request, month, exc.message)


@router.post(f"{HREF}/weekly")
async def apply_weekly(request: Request) -> Response:
    """Apply a weekly pattern to a range of dates."""
    form = WeeklyForm()
    month = ""
    try:
        async with open_page(request, write=True) as page:
            form = WeeklyForm.read(page)
            month = page.field("month")
            official = page.official
            if official is None:
                return page.redirect(HREF, error=NOT_OFFICIAL)
            result = await recurring.apply_weekly(
                page.session, page.person.principal, official.id, parse_weekly(form.body())
            )
            today = _today(page)
            span = f"from {day_label(result.start, today)} to {day_label(result.until, today)}"
            if form.status == "unavailable":
                counts = f"{plural(result.deleted, 'entry', 'entries')} removed"
            else:
                counts = (
                    f"{plural(result.created, 'day', 'days')} added, "
                    f"{result.kept} already set, "
                    f"{plural(result.deleted, 'other entry', 'other entries')} removed"
                )
            return page.redirect(
                _location(result.start), notice=f"Weekly pattern applied {span}: {counts}."
            )
    except ValidationFailed as exc:
        form.errors = messages(exc.errors, {"available": "status"})
        return await _invalid(request, month, weekly=form)
    except DomainError as exc:
        return _refused(request, month, exc.message)


def _refused(request: Request, month: str, message: str) -> Response:
    """A refusal that is no form problem (another's entry: 404; 403; 402): back to the
    calendar of the month the form was sent from, with the message."""
    first = view.month_or_none(month)
    location = _location(first) if first is not None else HREF
    return render.redirect(request, location, error=message)
