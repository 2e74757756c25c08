"""Typed inputs of the site endpoints (contract §16.1, §7.6): create/update, the subscription,
the site list's query. Parsing never raises; the services check access first (§5)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_bool, read_date, read_int, read_str
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.sites.rules import SUBSCRIPTION_STATUSES
from refdesk.server.timefmt import is_valid_zone

SITE_FLAGS = (
    "show_game_requests",
    "show_unassigned_games",
    "show_all_games",
    "show_game_reports",
    "forms_enabled",
    "allow_self_assign",
    "use_availability",
    "use_abilities",
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
AUTO_ASSIGN_CAPS = (24, 100)
"""The highest per-day and per-week caps a site (or an auto-assign request) may set."""

_SITE_FIELDS = (
    Field("name", max_length=90, nullable=False),
    Field("timezone", max_length=64, nullable=False, description="IANA time zone"),
    Field(
        "sports", "array", description="Up to 10 sports",
        items={"type": "string", "maxLength": 30},
    ),
    *(Field(flag, "boolean", nullable=False) for flag in SITE_FLAGS),
    Field("decline_cutoff_hours", "integer", minimum=0, maximum=720, nullable=False),
    Field("currency", max_length=3, nullable=False, description="ISO 4217 code"),
    Field(
        "reminder_hours", "integer", minimum=1, maximum=168,
        description="(ext) Officials get a reminder this many hours before a game; null: none",
    ),
    Field(
        "unfilled_digest", "boolean", nullable=False,
        description="(ext) Assignors get a daily e-mail of unfilled slots of the next 7 days",
    ),
    Field(
        "digest_hour", "integer", minimum=0, maximum=23, nullable=False,
        description="(ext) Local hour (site time zone) the unfilled-slots digest is sent",
    ),
    Field(
        "auto_assign_max_games_per_day", "integer", minimum=1, maximum=AUTO_ASSIGN_CAPS[0],
        description="(ext) The auto-assign's default cap of games per official a day; null: none",
    ),
    Field(
        "auto_assign_max_games_per_week", "integer", minimum=1, maximum=AUTO_ASSIGN_CAPS[1],
        description="(ext) The auto-assign's default cap of games per official a week; null: none",
    ),
)  # fmt: skip
SITE_CREATE_BODY = Body(
    "SiteCreate",
    (Field("name", max_length=90, required=True), *_SITE_FIELDS[1:]),
    root="site",
)
SITE_UPDATE_BODY = Body("SiteUpdate", _SITE_FIELDS, root="site")
SUBSCRIPTION_BODY = Body(
    "SubscriptionUpdate",
    (
        Field("status", enum=SUBSCRIPTION_STATUSES, nullable=False),
        Field("plan", max_length=90),
        Field("official_limit", "integer", minimum=0, maximum=1_000_000),
        Field("expires_on", "date"),
    ),
    root="subscription",
)


@dataclass(frozen=True, kw_only=True)
class _Changes(Input):
    """The supplied column values of a partial update, in field order."""

    def changes(self) -> dict[str, Any]:
        return self.values_sent(*(f.name for f in fields(self) if f.name != "problems"))


@dataclass(frozen=True, kw_only=True)
class SiteInput(_Changes):
    """A site create (``name`` required) or update; ``UNSET`` = not sent (or invalid)."""

    name: str | Unset = UNSET
    timezone: str | Unset = UNSET
    sports: list[str] | Unset = UNSET
    show_game_requests: bool | Unset = UNSET
    show_unassigned_games: bool | Unset = UNSET
    show_all_games: bool | Unset = UNSET
    show_game_reports: bool | Unset = UNSET
    forms_enabled: bool | Unset = UNSET
    allow_self_assign: bool | Unset = UNSET
    use_availability: bool | Unset = UNSET
    use_abilities: bool | Unset = UNSET
    decline_cutoff_hours: int | Unset = UNSET
    currency: str | Unset = UNSET
    reminder_hours: int | Unset | None = UNSET
    unfilled_digest: bool | Unset = UNSET
    digest_hour: int | Unset = UNSET
    auto_assign_max_games_per_day: int | Unset | None = UNSET
    auto_assign_max_games_per_week: int | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class SubscriptionInput(_Changes):
    """A subscription change (operators); fields named as the site's columns."""

    subscription_status: str | Unset = UNSET
    subscription_plan: str | Unset | None = UNSET
    official_limit: int | Unset | None = UNSET
    expires_on: date | Unset | None = UNSET


def read_site_fields(
    data: dict[str, Any], errors: ErrorCollector, *, creating: bool
) -> dict[str, Any]:
    """Validated changes for a site create/update; only supplied fields appear."""
    changes: dict[str, Any] = {}

    def keep(field: str, value: Any) -> None:
        if value is not INVALID:
            changes[field] = value

    if creating or "name" in data:
        keep("name", read_str(data.get("name"), "name", errors, 90, required=True))
    if "timezone" in data:
        zone = read_str(data["timezone"], "timezone", errors, 64, required=True)
        if zone is not INVALID and not is_valid_zone(zone):
            errors.add("timezone", "is invalid")
        else:
            keep("timezone", zone)
    if "sports" in data:
        sports = data["sports"]
        if is_blank(sports):
            changes["sports"] = []
        elif not isinstance(sports, list) or not all(isinstance(s, str) for s in sports):
            errors.add("sports", "is invalid")
        elif len(sports) > 10:
            errors.add("sports", "is too long (maximum is 10 items)")
        elif any(len(s.strip()) > 30 for s in sports):
            errors.add("sports", "is too long (maximum is 30 characters)")
        else:
            changes["sports"] = [s.strip().lower() for s in sports if s.strip()]
    for flag in SITE_FLAGS:
        if flag in data:
            if is_blank(data[flag]):
                errors.add(flag, "is not a valid boolean")
            else:
                keep(flag, read_bool(data[flag], flag, errors))
    if "decline_cutoff_hours" in data:
        if is_blank(data["decline_cutoff_hours"]):
            errors.add("decline_cutoff_hours", "can't be blank")
        else:
            keep(
                "decline_cutoff_hours",
                read_int(data["decline_cutoff_hours"], "decline_cutoff_hours", errors, 0, 720),
            )
    if "currency" in data:
        currency = read_str(data["currency"], "currency", errors, 3, required=True)
        if currency is not INVALID:
            if not _CURRENCY.match(currency.upper()):
                errors.add("currency", "is invalid")
            else:
                changes["currency"] = currency.upper()
    _read_notification_settings(data, errors, changes)
    _read_auto_assign_caps(data, errors, changes)
    return changes


def _read_auto_assign_caps(
    data: dict[str, Any], errors: ErrorCollector, changes: dict[str, Any]
) -> None:
    """(ext) ``auto_assign_max_games_per_day`` (null or 1–24) and ``…_per_week`` (1–100)."""
    for name, most in zip(
        ("auto_assign_max_games_per_day", "auto_assign_max_games_per_week"),
        AUTO_ASSIGN_CAPS,
        strict=True,
    ):
        if name not in data:
            continue
        if is_blank(data[name]):
            changes[name] = None
            continue
        value = read_int(data[name], name, errors, 1, most)
        if value is not INVALID:
            changes[name] = value


def _read_notification_settings(
    data: dict[str, Any], errors: ErrorCollector, changes: dict[str, Any]
) -> None:
    """(ext) ``reminder_hours`` (null or 1–168), ``unfilled_digest``, ``digest_hour`` (0–23)."""
    if "reminder_hours" in data:
        if is_blank(data["reminder_hours"]):
            changes["reminder_hours"] = None
        else:
            hours = read_int(data["reminder_hours"], "reminder_hours", errors, 1, 168)
            if hours is not INVALID:
                changes["reminder_hours"] = hours
    if "unfilled_digest" in data:
        if is_blank(data["unfilled_digest"]):
            errors.add("unfilled_digest", "is not a valid boolean")
        else:
            flag = read_bool(data["unfilled_digest"], "unfilled_digest", errors)
            if flag is not INVALID:
                changes["unfilled_digest"] = flag
    if "digest_hour" in data:
        if is_blank(data["digest_hour"]):
            errors.add("digest_hour", "can't be blank")
        else:
            hour = read_int(data["digest_hour"], "digest_hour", errors, 0, 23)
            if hour is not INVALID:
                changes["digest_hour"] = hour


def parse_site(data: dict[str, Any], *, creating: bool) -> SiteInput:
    errors = ErrorCollector()
    changes = read_site_fields(data, errors, creating=creating)
    return SiteInput(problems=problems_of(errors), **changes)


def read_subscription_fields(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Validated subscription changes, keyed by the site's columns (also used by
    ``refdesk admin subscription``)."""
    changes: dict[str, Any] = {}
    if "status" in data:
        status = read_str(data["status"], "status", errors, 16, required=True)
        if status is not INVALID:
            if status not in SUBSCRIPTION_STATUSES:
                errors.add("status", "is not included in the list")
            else:
                changes["subscription_status"] = status
    if "plan" in data:
        plan = read_str(data["plan"], "plan", errors, 90)
        if plan is not INVALID:
            changes["subscription_plan"] = plan
    if "official_limit" in data:
        if is_blank(data["official_limit"]):
            changes["official_limit"] = None
        else:
            limit = read_int(data["official_limit"], "official_limit", errors, 0, 1_000_000)
            if limit is not INVALID:
                changes["official_limit"] = limit
    if "expires_on" in data:
        if is_blank(data["expires_on"]):
            changes["expires_on"] = None
        else:
            expires = read_date(data["expires_on"], "expires_on", errors)
            if expires is not INVALID:
                changes["expires_on"] = expires
    return changes


def parse_subscription(data: dict[str, Any]) -> SubscriptionInput:
    errors = ErrorCollector()
    changes = read_subscription_fields(data, errors)
    return SubscriptionInput(problems=problems_of(errors), **changes)


SITE_FILTER_KEYS = ("search[name]",)


@dataclass(frozen=True, kw_only=True)
class SiteListQuery(Input):
    """``GET /sites``: the page and ``search[name]`` (None = not filtered)."""

    page: PageRequest
    name: str | None = None


def parse_site_query(query: dict[str, Any]) -> SiteListQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    search = query.get("search")
    name = search.get("name") if isinstance(search, dict) else None
    name = name if isinstance(name, str) and name.strip() else None
    return SiteListQuery(problems=problems_of(errors), page=page, name=name)
