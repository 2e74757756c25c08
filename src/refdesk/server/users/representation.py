"""User wire format (contract §17.1): string booleans, restricted fields omitted.
The input side is ``schemas.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from refdesk.server.api.hal import link
from refdesk.server.events.preferences import effective
from refdesk.server.sites.models import Site
from refdesk.server.sites.representation import site_summary
from refdesk.server.timefmt import bool_string, plain_date, timestamp
from refdesk.server.users.models import User
from refdesk.server.users.schemas import LIMITS, PHONE_FLAGS, PRIVATE_STRINGS, ROLE_FLAGS


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
    # (ext) Every optional e-mail kind with its effective value (events/preferences.py).
    body["notification_preferences"] = effective(user.notification_preferences)
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
