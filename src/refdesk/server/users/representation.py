"""User wire format (contract §17.1): string booleans, restricted fields omitted."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from refdesk.server.api.hal import link
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import (
    INVALID,
    is_blank,
    read_bool,
    read_date,
    read_email,
    read_int,
    read_str,
)
from refdesk.server.sites.models import Site
from refdesk.server.sites.representation import site_summary
from refdesk.server.timefmt import bool_string, plain_date, timestamp
from refdesk.server.users.models import User

ROLE_FLAGS = ("official", "assignor", "manager", "observer")
PHONE_FLAGS = ("home_phone_is_public", "work_phone_is_public", "mobile_phone_is_public")
CONTACT_STRINGS = ("first_name", "mi", "last_name", "home_phone", "work_phone", "mobile_phone")
PRIVATE_STRINGS = ("street1", "street2", "city", "state", "postal_code")
LIMITS = ("max_games_per_day", "max_games_per_week", "max_games_per_month")
# Fields only an assignor may write (§7.3, §7.4).
ASSIGNOR_ONLY = (*ROLE_FLAGS, "active", "grade", *LIMITS)


class UserLike(Protocol):
    """What a user summary reads: an ORM ``User`` or a plain row of these columns."""

    @property
    def id(self) -> int: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def created(self) -> datetime: ...
    @property
    def updated(self) -> datetime: ...


def user_summary(user: UserLike, site: Site, base: str) -> dict[str, Any]:
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "created": timestamp(user.created, site.timezone),
        "updated": timestamp(user.updated, site.timezone),
        "_links": {"self": link(base, f"/users/{user.id}", "user")},
    }


def user_repr(user: User, site: Site, base: str, *, show_private: bool) -> dict[str, Any]:
    tz = site.timezone
    body: dict[str, Any] = {
        "id": user.id,
        "account_id": user.account_id,
        "first_name": user.first_name,
        "mi": user.mi,
        "last_name": user.last_name,
        "email_addresses": list(user.email_addresses or []),
        "home_phone": user.home_phone,
        "work_phone": user.work_phone,
        "mobile_phone": user.mobile_phone,
    }
    for flag in PHONE_FLAGS:
        body[flag] = bool_string(getattr(user, flag))
    if show_private:
        for name in PRIVATE_STRINGS:
            body[name] = getattr(user, name)
        body["date_of_birth"] = plain_date(user.date_of_birth)
    for flag in (*ROLE_FLAGS, "active"):
        body[flag] = bool_string(getattr(user, flag))
    # (ext) "false" until the account's owner has set a password from an invitation link.
    body["password_set"] = bool_string(user.password_set)
    body["grade"] = user.grade
    for name in LIMITS:
        body[name] = getattr(user, name)
    body["lock_version"] = user.lock_version
    body["created"] = timestamp(user.created, tz)
    body["updated"] = timestamp(user.updated, tz)
    body["_links"] = {
        "self": link(base, f"/users/{user.id}", "user"),
        "games": link(base, f"/users/{user.id}/games"),
        "availability": link(base, f"/users/{user.id}/availability"),
        "groups": link(base, f"/users/{user.id}/groups"),
        "site": link(base, f"/sites/{site.id}", "site"),
    }
    body["_embedded"] = {"site": site_summary(site, base)}
    return body


def read_user_changes(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Validated changes of a user update; only supplied fields appear (partial update)."""
    changes: dict[str, Any] = {}

    def keep(field: str, value: Any) -> None:
        if value is not INVALID:
            changes[field] = value

    for name in ("first_name", "last_name"):
        if name in data:
            keep(name, read_str(data[name], name, errors, 90, required=True))
    for name in ("mi", "home_phone", "work_phone", "mobile_phone", *PRIVATE_STRINGS, "grade"):
        if name in data:
            keep(name, read_str(data[name], name, errors, 90))
    if "postal" in data and "postal_code" not in data:
        keep("postal_code", read_str(data["postal"], "postal", errors, 90))
    if "date_of_birth" in data:
        if is_blank(data["date_of_birth"]):
            changes["date_of_birth"] = None
        else:
            keep("date_of_birth", read_date(data["date_of_birth"], "date_of_birth", errors))
    for flag in (*PHONE_FLAGS, *ROLE_FLAGS, "active"):
        if flag in data:
            keep(flag, read_bool(data[flag], flag, errors))
    for name in LIMITS:
        if name in data:
            if is_blank(data[name]):
                changes[name] = None
            else:
                keep(name, read_int(data[name], name, errors, 1, 100))
    emails = _read_emails(data, errors)
    if emails is not None:
        changes["email_addresses"] = emails
    return changes


def _read_emails(data: dict[str, Any], errors: ErrorCollector) -> list[str] | None:
    if "email_addresses" in data:
        value = data["email_addresses"]
        if not isinstance(value, list) or not value or len(value) > 2:
            errors.add("email_addresses", "is invalid")
            return None
        result = []
        for item in value:
            email = read_email(item, "email_addresses", errors, required=True)
            if email is INVALID:
                return None
            result.append(email)
        return result
    if "email" in data or "email2" in data:
        primary = read_email(data.get("email"), "email", errors, required=True)
        secondary = read_email(data.get("email2"), "email2", errors)
        if primary is INVALID or secondary is INVALID:
            return None
        return [primary] + ([secondary] if secondary else [])
    return None
