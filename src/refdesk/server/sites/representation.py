"""Site wire format (contract §16.1): representation, summary, subscription, and input fields."""

from __future__ import annotations

import re
from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_bool, read_date, read_int, read_str
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import SUBSCRIPTION_STATUSES, subscription_active
from refdesk.server.timefmt import bool_string, is_valid_zone, plain_date, timestamp

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
SITE_COLLECTIONS = (
    "games",
    "users",
    "venues",
    "zones",
    "age_groups",
    "leagues",
    "teams",
    "game_types",
    "genders",
    "positions",
    "patterns",
    "groups",
    "game_requests",
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def site_summary(site: Site, base: str) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "created": timestamp(site.created, site.timezone),
        "updated": timestamp(site.updated, site.timezone),
        "_links": {"self": link(base, f"/sites/{site.id}", "site")},
    }


def site_repr(site: Site, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": site.id,
        "name": site.name,
        "timezone": site.timezone,
        "sports": list(site.sports or []),
    }
    for flag in SITE_FLAGS:
        body[flag] = bool_string(getattr(site, flag))
    body.update(
        {
            "decline_cutoff_hours": site.decline_cutoff_hours,
            "currency": site.currency,
            "subscription_status": site.subscription_status,
            "created": timestamp(site.created, site.timezone),
            "updated": timestamp(site.updated, site.timezone),
        }
    )
    links: dict[str, Any] = {"self": link(base, f"/sites/{site.id}", "site")}
    for name in SITE_COLLECTIONS:
        links[name] = link(base, f"/sites/{site.id}/{name}")
    # §16.1: the site's extension links are plain {href} objects, the subscription's too.
    links["subscription"] = link(base, f"/sites/{site.id}/subscription")
    body["_links"] = links
    return body


def subscription_repr(site: Site, base: str, officials_count: int) -> dict[str, Any]:
    return {
        "status": site.subscription_status,
        "active": subscription_active(site),
        "plan": site.subscription_plan,
        "official_limit": site.official_limit,
        "officials_count": officials_count,
        "expires_on": plain_date(site.expires_on),
        "updated": timestamp(site.updated, site.timezone),
        "_links": {
            "self": link(base, f"/sites/{site.id}/subscription", "subscription"),
            "site": link(base, f"/sites/{site.id}", "site"),
        },
    }


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
    return changes


def read_subscription_fields(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
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
