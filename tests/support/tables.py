"""The contract's tables, as shapes: accounts, applications, sites, users, venues, zones,
fees, assignments, games and availability."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.support.shapes import UTC_ZONE, Link, Many, Shape

# --------------------------------------------------------------------------------------------
# The contract's tables

TS = "timestamp"

SITE_SUMMARY = Shape(
    {"id": "integer", "name": "string", "created": TS, "updated": TS},
    links={"self": Link("site", "/sites/{id}")},
)
USER_SUMMARY = Shape(
    {"id": "integer", "first_name": "string", "last_name": "string", "created": TS, "updated": TS},
    links={"self": Link("user", "/users/{id}")},
)

ACCOUNT = Shape(
    {
        "id": "integer",
        "login": "string",
        "first_name": "string",
        "last_name": "string",
        "name": "string",
        "email": "string",
        "operator": "boolean",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("account", "/current_account"),
        "sites": Link(None, "/current_account/sites"),
        "users": Link(None, "/current_account/users"),
        "games": Link(None, "/current_account/games"),
        "applications": Link(None, "/current_account/applications"),
        "calendar": Link("calendar", "/current_account/calendar"),
    },
    tz=UTC_ZONE,
)

APPLICATION = Shape(
    {
        "id": "integer",
        "name": "string",
        "client_id": "string",
        "confidential": "boolean",
        "redirect_uris": "strings",
        "scopes": "string",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("application", "/current_account/applications/{id}"),
        "rotate_secret": Link(None, "/current_account/applications/{id}/rotate_secret"),
    },
    tz=UTC_ZONE,
)

PUBLIC_APPLICATION = replace(
    APPLICATION, links={"self": Link("application", "/current_account/applications/{id}")}
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
SITE = Shape(
    {
        "id": "integer",
        "name": "string",
        "timezone": "string",
        "sports": "strings",
        "show_game_requests": "bool-string",
        "show_unassigned_games": "bool-string",
        "show_all_games": "bool-string",
        "show_game_reports": "bool-string",
        "forms_enabled": "bool-string",
        "allow_self_assign": "bool-string",
        "use_availability": "bool-string",
        "use_abilities": "bool-string",
        "decline_cutoff_hours": "integer",
        "currency": "string",
        "reminder_hours": "integer|null",
        "unfilled_digest": "bool-string",
        "digest_hour": "integer",
        "auto_assign_max_games_per_day": "integer|null",
        "auto_assign_max_games_per_week": "integer|null",
        "subscription_status": "string",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("site", "/sites/{id}"),
        **{name: Link(None, f"/sites/{{id}}/{name}") for name in SITE_COLLECTIONS},
        # §16.1 lists the site's extension links as plain {href} objects, subscription included.
        "subscription": Link(None, "/sites/{id}/subscription"),
    },
)

SUBSCRIPTION = Shape(
    {
        "status": "string",
        "active": "boolean",
        "plan": "string|null",
        "official_limit": "integer|null",
        "officials_count": "integer",
        "expires_on": "date|null",
        "updated": TS,
    },
    links={
        "self": Link("subscription", "/sites/{*}/subscription"),
        "site": Link("site", "/sites/{*}"),
    },
)

USER = Shape(
    {
        "id": "integer",
        "account_id": "integer",
        "first_name": "string",
        "mi": "string|null",
        "last_name": "string",
        "email_addresses": "strings",
        "home_phone": "string|null",
        "work_phone": "string|null",
        "mobile_phone": "string|null",
        "home_phone_is_public": "bool-string",
        "work_phone_is_public": "bool-string",
        "mobile_phone_is_public": "bool-string",
        "street1": "string|null",
        "street2": "string|null",
        "city": "string|null",
        "state": "string|null",
        "postal_code": "string|null",
        "date_of_birth": "date|null",
        "official": "bool-string",
        "assignor": "bool-string",
        "manager": "bool-string",
        "observer": "bool-string",
        "active": "bool-string",
        "password_set": "bool-string",
        "notification_preferences": "object",
        "grade": "string|null",
        "max_games_per_day": "integer|null",
        "max_games_per_week": "integer|null",
        "max_games_per_month": "integer|null",
        "lock_version": "integer",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("user", "/users/{id}"),
        "games": Link(None, "/users/{id}/games"),
        "availability": Link(None, "/users/{id}/availability"),
        "groups": Link(None, "/users/{id}/groups"),
        "site": Link("site", "/sites/{*}"),
    },
    embedded={"site": SITE_SUMMARY},
)

VENUE = Shape(
    {
        "id": "integer",
        "name": "string",
        "street_1": "string|null",
        "street_2": "string|null",
        "city": "string|null",
        "state_or_province": "string|null",
        "postal": "string|null",
        "country": "string|null",
        "latitude": "number|null",
        "longitude": "number|null",
        "zone_id": "integer|null",
        "lock_version": "integer",
        "created": TS,
        "updated": TS,
    },
    links={"self": Link("venue", "/venues/{id}")},
)
ZONE = Shape(
    {"id": "integer", "name": "string", "location": "string|null", "created": TS, "updated": TS},
    links={"self": Link("zone", "/zones/{id}")},
)

FEE = Shape(
    {
        "value": "money",
        "formatted": "formatted",
        "currency": "string",
        "description": "string",
        "game_fees": "money",
        "travel_fees": "money",
    }
)

ASSIGNMENT_PUBLIC = Shape(
    {
        "id": "integer",
        "position_id": "integer",
        "position": "string",
        "position_abbreviation": "string",
        "accepted": "boolean",
        "declined": "boolean",
        "assigned": "boolean",
        "sort_order": "integer",
        "lock_version": "integer",
        "game_id": "integer",
        "official_id": "integer|null",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("assignment", "/assignments/{id}"),
        "game": Link("game", "/games/{game_id}"),
    },
)
ADMIN_ACTIONS = {
    "assign": Link(None, "/assignments/{id}/assign"),
    "candidates": Link(None, "/assignments/{id}/candidates"),
}
RESPOND_ACTIONS = {
    "accept": Link(None, "/assignments/{id}/accept"),
    "decline": Link(None, "/assignments/{id}/decline"),
}
# What an assignor/manager sees of a vacant slot: no _embedded at all.
VACANT_FOR_ADMIN = ASSIGNMENT_PUBLIC.add(decline_reason="string|null", fee="money|null").add_links(
    **ADMIN_ACTIONS
)
HELD_FOR_ADMIN = VACANT_FOR_ADMIN.with_embedded(official=USER_SUMMARY, fees=Many(FEE))
# The holder: decline_reason and fees, not the fee override, no admin actions.
HELD_FOR_HOLDER = (
    ASSIGNMENT_PUBLIC.add(decline_reason="string|null")
    .add_links(**RESPOND_ACTIONS)
    .with_embedded(official=USER_SUMMARY, fees=Many(FEE))
)
# Another official: neither decline_reason nor fees nor fee.
HELD_FOR_OTHER = ASSIGNMENT_PUBLIC.with_embedded(official=USER_SUMMARY)
# The holder after answering: no accept/decline links any more.
ANSWERED_FOR_HOLDER = replace(HELD_FOR_HOLDER, links=ASSIGNMENT_PUBLIC.links)
VACANT_FOR_OTHER = ASSIGNMENT_PUBLIC

GAME_FIELDS: dict[str, Any] = {
    "id": "integer",
    "start_time": TS,
    "end_time": "timestamp|null",
    "localized_date": "localized_date",
    "localized_time": "localized_time",
    "localized_end_time": "localized_time|null",
    "age_group": "string",
    "home_team": "string",
    "away_team": "string",
    "game_type": "string|null",
    "gender": "string|null",
    "league": "string|null",
    "pattern": "string",
    "status": "string",
    "cancelled": "boolean",
    "published": "boolean",
    "user_defined_id": "string|null",
    "external_id": "integer|string|null",
    "lock_version": "integer",
    "subvenue": "string|null",
    "public_note": "string|null",
    "public_note_html": "string|null",
    "time_zone": "string",
    **{
        name: "integer|null"
        for name in (
            "site_id",
            "venue_id",
            "age_group_id",
            "home_team_id",
            "away_team_id",
            "league_id",
            "game_type_id",
            "gender_id",
            "pattern_id",
            "assignor_id",
        )
    },
    "created": TS,
    "updated": TS,
}
GAME_FOR_OFFICIAL = Shape(
    GAME_FIELDS,
    links={
        "self": Link("game", "/games/{id}"),
        "site": Link("site", "/sites/{site_id}"),
        "assignments": Link(None, "/games/{id}/assignments"),
    },
)
GAME_FOR_ADMIN = GAME_FOR_OFFICIAL.add(
    private_note="string|null", paid_via="string|null"
).add_links(unassign=Link(None, "/games/{id}/unassign"))

AVAILABILITY_ALL_DAY = Shape(
    {
        "id": "integer",
        "date": "date",
        "all_day": "bool-string",
        "description": "string",
        "user_id": "integer",
        "lock_version": "integer",
        "created": TS,
        "updated": TS,
    },
    links={"self": Link("availability", "/users/{user_id}/availability/{id}")},
)
AVAILABILITY_WINDOW = AVAILABILITY_ALL_DAY.add(
    start_time="localized_time", end_time="localized_time"
)
