"""Every representation, field by field, against the contract's tables (§9.2, §10, §11, §15–§18).

The expected shapes below are written like the contract's tables: member name -> type tag. One
generic checker (``problems``) walks a JSON body against a ``Shape`` and reports every difference:
the exact member set (so omitted-for-this-viewer fields are checked too), each member's JSON
type, the output formats of §11 (timestamps with the site's offset at that instant, localized
dates and times, plain dates, money), ``_links`` (``self`` with the right ``resource-type`` and an
absolute ``/api/v2/...json`` href; collection and action links with ``href`` only) and
``_embedded``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.games import GAME, future_day, make_game, setup_site
from tests.support.games import load_site as _site

BASE = "https://testserver"
NY = "America/New_York"
UTC_ZONE = "UTC"

# --------------------------------------------------------------------------------------------
# Type tags (the contract's "Type" column, §11)

TIMESTAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d")
LOCALIZED_DATE_RE = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [1-9]\d? \d{4}")
LOCALIZED_TIME_RE = re.compile(r"(1[0-2]|[1-9]):[0-5]\d (AM|PM)")
DATE_RE = re.compile(r"\d{4}-\d\d-\d\d")
FORMATTED_USD_RE = re.compile(r"\$(0|[1-9]\d{0,2}(,\d{3})*)\.\d\d")


def _timestamp(value: Any, tz: str) -> bool:
    """``YYYY-MM-DDThh:mm:ss.SSS±hh:mm`` whose offset is the zone's offset at that instant."""
    if not isinstance(value, str) or not TIMESTAMP_RE.fullmatch(value):
        return False
    instant = datetime.fromisoformat(value)
    return instant.utcoffset() == instant.astimezone(ZoneInfo(tz)).utcoffset()


def _localized_date(value: Any) -> bool:
    if not isinstance(value, str) or not LOCALIZED_DATE_RE.fullmatch(value):
        return False
    datetime.strptime(value, "%b %d %Y")
    return True


def _plain_date(value: Any) -> bool:
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        return False
    date.fromisoformat(value)
    return True


def _money(value: Any) -> bool:
    """A JSON number with at most two fraction digits (§11.7)."""
    if type(value) not in (int, float):
        return False
    return bool(abs(round(value * 100) - value * 100) < 1e-6)


TAGS: dict[str, Any] = {
    "integer": lambda v, tz: type(v) is int,
    "number": lambda v, tz: type(v) in (int, float),
    "money": lambda v, tz: _money(v),
    "string": lambda v, tz: isinstance(v, str),
    "boolean": lambda v, tz: type(v) is bool,
    "bool-string": lambda v, tz: v in ("true", "false"),
    "timestamp": _timestamp,
    "localized_date": lambda v, tz: _localized_date(v),
    "localized_time": lambda v, tz: isinstance(v, str) and bool(LOCALIZED_TIME_RE.fullmatch(v)),
    "date": lambda v, tz: _plain_date(v),
    "formatted": lambda v, tz: isinstance(v, str) and bool(FORMATTED_USD_RE.fullmatch(v)),
    "strings": lambda v, tz: isinstance(v, list) and all(isinstance(s, str) for s in v),
    "object": lambda v, tz: isinstance(v, dict),
    "array": lambda v, tz: isinstance(v, list),  # items checked one by one by the caller
    "null": lambda v, tz: v is None,
}


@dataclass(frozen=True)
class Link:
    """Expected link: ``resource-type`` (None: collection/action link, ``href`` only) + path.

    ``path`` is a template under ``/api/v2`` (``.json`` appended); ``{name}`` is the value of
    the representation's member ``name``, ``{*}`` any id. A path starting with ``/webview`` is
    outside the API (no ``.json``).
    """

    type: str | None
    path: str


@dataclass(frozen=True)
class Many:
    """A JSON array whose items all have ``shape``."""

    shape: Shape


@dataclass(frozen=True)
class Shape:
    fields: Mapping[str, Any]  # name -> type tag ("integer|null"), Shape or Many
    links: Mapping[str, Link] | None = None  # exact set of _links (None: no _links member)
    embedded: Mapping[str, Any] | None = None  # exact set of _embedded (None: no _embedded)
    tz: str | None = None  # overrides the zone timestamps are checked in (account-owned data)

    def add(self, **fields: Any) -> Shape:
        return replace(self, fields={**self.fields, **fields})

    def drop(self, *names: str) -> Shape:
        return replace(self, fields={k: v for k, v in self.fields.items() if k not in names})

    def add_links(self, **links: Link) -> Shape:
        return replace(self, links={**(self.links or {}), **links})

    def with_embedded(self, **embedded: Any) -> Shape:
        return replace(self, embedded=embedded)


def _path_regex(template: str, obj: Mapping[str, Any]) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "*":
            return r"\d+"
        if name == "hex32":
            return "[0-9a-f]{32}"
        return re.escape(str(obj[name]))

    parts = re.split(r"(\{[^}]+\})", template)
    out = []
    for part in parts:
        m = re.fullmatch(r"\{([^}]+)\}", part)
        out.append(sub(m) if m else re.escape(part))
    path = "".join(out)
    if template.startswith("/webview"):
        return re.escape(BASE) + path
    return re.escape(f"{BASE}/api/v2") + path + r"\.json"


def problems(value: Any, spec: Any, tz: str, where: str = "$") -> list[str]:
    """Every difference between ``value`` and ``spec``; empty when it matches the contract."""
    if isinstance(spec, Many):
        if not isinstance(value, list):
            return [f"{where}: expected an array, got {value!r}"]
        found: list[str] = []
        for i, item in enumerate(value):
            found += problems(item, spec.shape, tz, f"{where}[{i}]")
        return found
    if isinstance(spec, Shape):
        return _shape_problems(value, spec, tz, where)
    alternatives = spec.split("|")
    if any(TAGS[tag](value, tz) for tag in alternatives):
        return []
    return [f"{where}: {value!r} is not {spec}"]


def _shape_problems(obj: Any, shape: Shape, tz: str, where: str) -> list[str]:
    if not isinstance(obj, dict):
        return [f"{where}: expected an object, got {obj!r}"]
    tz = shape.tz or tz
    found: list[str] = []
    expected = set(shape.fields)
    if shape.links is not None:
        expected.add("_links")
    if shape.embedded is not None:
        expected.add("_embedded")
    actual = set(obj)
    if actual != expected:
        found.append(
            f"{where}: members differ: unexpected {sorted(actual - expected)}, "
            f"missing {sorted(expected - actual)}"
        )
    for name, spec in shape.fields.items():
        if name in obj:
            found += problems(obj[name], spec, tz, f"{where}.{name}")
    if shape.links is not None and "_links" in obj:
        if isinstance(obj["_links"], dict):
            found += _link_problems(obj["_links"], shape.links, obj, f"{where}._links")
        else:
            found.append(f"{where}._links: not an object")
    if shape.embedded is not None and "_embedded" in obj:
        embedded = obj["_embedded"]
        if not isinstance(embedded, dict):
            found.append(f"{where}._embedded: not an object")
        elif set(embedded) != set(shape.embedded):
            found.append(f"{where}._embedded: keys {sorted(embedded)} != {sorted(shape.embedded)}")
        else:
            for key, spec in shape.embedded.items():
                found += problems(embedded[key], spec, tz, f"{where}._embedded.{key}")
    return found


def _link_problems(
    links: dict[str, Any], expected: Mapping[str, Link], obj: Mapping[str, Any], where: str
) -> list[str]:
    found: list[str] = []
    if set(links) != set(expected):
        found.append(f"{where}: names {sorted(links)} != {sorted(expected)}")
    for name, want in expected.items():
        got = links.get(name)
        if got is None:
            continue
        keys = {"href", "resource-type"} if want.type else {"href"}
        if not isinstance(got, dict) or set(got) != keys:
            found.append(f"{where}.{name}: {got!r} should have exactly {sorted(keys)}")
            continue
        if want.type and got["resource-type"] != want.type:
            found.append(f"{where}.{name}: resource-type {got['resource-type']!r} != {want.type!r}")
        if not re.fullmatch(_path_regex(want.path, obj), got["href"]):
            found.append(f"{where}.{name}: href {got['href']!r} does not match {want.path}")
    return found


def assert_shape(value: Any, spec: Any, tz: str = NY) -> None:
    found = problems(value, spec, tz)
    assert found == [], "\n".join(found)


PAGE = Shape(
    {
        "records": "integer",
        "pages": "integer",
        "current_page": "integer",
        "next_page": "integer|null",
        "prev_page": "integer|null",
        "limit": "integer",
    }
)


def assert_collection(
    body: Any, path: str, key: str, item: Shape | str, tz: str = NY, *, paged: bool = False
) -> None:
    """The §9.2 envelope: ``page``, ``_links`` (href only), ``_embedded.<key>`` items.

    ``item`` is the shape of every item, or ``"array"`` when the caller checks mixed items.
    """
    links = {n: Link(None, path) for n in ("self", "first", "last")}
    if paged:
        links["next"] = Link(None, path)
    items = Many(item) if isinstance(item, Shape) else item
    found = problems(body, Shape({"page": PAGE}, links=links, embedded={key: items}), tz)
    # Collection links carry a query string (§9.3); check them without it.
    found = [p for p in found if not (p.startswith("$._links.") and "does not match" in p)]
    for got in body["_links"].values():
        assert re.fullmatch(
            re.escape(f"{BASE}/api/v2{path}.json?") + r"(\S+&)?page=\d+(&\S+)?", got["href"]
        ), got
    assert found == [], "\n".join(found)


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

NAMED_FIELDS = {"id": "integer", "name": "string", "created": TS, "updated": TS}


def named(resource_type: str, plural: str, **extra: Any) -> Shape:
    return Shape(
        {**NAMED_FIELDS, **extra}, links={"self": Link(resource_type, f"/{plural}/{{id}}")}
    )


LEAGUE = named("league", "leagues")
GAME_TYPE = named("game-type", "game_types")
GENDER = named("gender", "genders")
TEAM = named("team", "teams", league_id="integer|null")
POSITION = named("position", "positions", abbreviation="string", group_id="integer|null")
FEE_ENTRY = Shape(
    {
        "pattern_id": "integer",
        "position_id": "integer",
        "amount": "money",
        "pattern": "string",
        "position": "string",
        "formatted": "formatted",
    }
)
AGE_GROUP = named(
    "age-group",
    "age_groups",
    game_length="integer",
    min_official_age="integer|null",
    fees=Many(FEE_ENTRY),
)
PATTERN_ENTRY = Shape(
    {"position_id": "integer", "name": "string", "abbreviation": "string", "sort_order": "integer"}
)
PATTERN = named("pattern", "patterns", positions=Many(PATTERN_ENTRY))
GROUP = named("group", "groups", description="string|null", users_count="integer").add_links(
    users=Link(None, "/groups/{id}/users")
)

CONFLICT_FIELDS = {
    "id": "integer",
    "kind": "string",
    "name": "string",
    "note": "string|null",
    "created": TS,
}


def conflict(id_field: str) -> Shape:
    """The id member matching ``kind`` (an integer), and not the other three."""
    return Shape(
        {**CONFLICT_FIELDS, id_field: "integer"},
        links={"self": Link("conflict", "/users/{*}/conflicts/{id}")},
    )


ABILITY = Shape(
    {
        "age_group_id": "integer",
        "age_group": "string",
        "position_id": "integer|null",
        "position": "string|null",
        "allowed": "boolean",
    }
)
ABILITIES = Shape(
    {"user_id": "integer", "abilities": Many(ABILITY)},
    links={"self": Link(None, "/users/{user_id}/abilities")},
)

CANDIDATE = Shape(
    {
        "user_id": "integer",
        "first_name": "string",
        "last_name": "string",
        "conflicts": "strings",
        "ok": "boolean",
        "requested": "boolean",
        "current": "boolean",
        "games_same_day": "integer",
    },
    links={
        "user": Link("user", "/users/{user_id}"),
        "assign": Link(None, "/assignments/{*}/assign"),
    },
)

GAME_REQUEST = Shape(
    {
        "id": "integer",
        "game_id": "integer",
        "position_id": "integer|null",
        "user_id": "integer",
        "status": "string",
        "comment": "string|null",
        "assignment_id": "integer|null",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("game-request", "/game_requests/{id}"),
        "game": Link("game", "/games/{game_id}"),
        "user": Link("user", "/users/{user_id}"),
    },
    embedded={"user": USER_SUMMARY},
)

LINE_ITEM = Shape(
    {
        "assignment_id": "integer",
        "game_id": "integer",
        "localized_date": "localized_date",
        "description": "string",
        "amount": "money",
    }
)
STATEMENT = Shape(
    {
        "id": "integer",
        "statement_date": "date",
        "description": "string|null",
        "status": "string",
        "amount": "money",
        "amount_paid": "money",
        "currency": "string",
        "formatted_amount": "formatted",
        "formatted_amount_paid": "formatted",
        "payor_name": "string",
        "line_items": Many(LINE_ITEM),
        "created": TS,
        "updated": TS,
    },
    links={"self": Link("statement", "/statements/{id}")},
    embedded={"site": SITE_SUMMARY, "official": USER_SUMMARY},
)

GAME_SUMMARY = Shape(
    {
        "id": "integer",
        "start_time": TS,
        "localized_date": "localized_date",
        "localized_time": "localized_time",
        "home_team": "string",
        "away_team": "string",
        "age_group": "string",
        "game_type": "string|null",
        "venue": "string",
        "subvenue": "string|null",
    },
    links={"self": Link("game", "/games/{id}")},
)
REPORT_OFFICIAL_FIELDS = {
    "id": "integer|null",
    "no_show": "boolean",
    "position_name": "string",
    "no_show_status": "string|null",
    "created": TS,
    "updated": TS,
}
REPORT_OFFICIAL_VACANT = Shape(
    REPORT_OFFICIAL_FIELDS, links={"assignment": Link("assignment", "/assignments/{*}")}
)
REPORT_OFFICIAL_HELD = REPORT_OFFICIAL_VACANT.add_links(
    official=Link("user", "/users/{*}"), scheduled_official=Link("user", "/users/{*}")
)
GAME_REPORT = Shape(
    {
        "id": "integer",
        "date": "date",
        "misconduct": "boolean",
        "home_team_score": "integer|null",
        "away_team_score": "integer|null",
        "text": "string|null",
        "html": "string|null",
        "created": TS,
        "updated": TS,
    },
    links={"self": Link("game-report", "/game_reports/{id}")},
)

FORM_FIELD = Shape(
    {
        "key": "string",
        "template_key": "string",
        "label": "string",
        "type": "string",
        "required": "boolean",
        "options": "strings",
    }
)
FORM_TEMPLATE = Shape(
    {
        "id": "integer",
        "name": "string",
        "description": "string|null",
        "active": "boolean",
        "fields": Many(FORM_FIELD),
        "mappings": "object",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("form-template", "/form/templates/{id}"),
        "submissions": Link(None, "/form/templates/{id}/submissions"),
    },
)
ATTACHMENT = Shape(
    {"name": "string|null", "url": "string|null", "size": "integer|null", "type": "string|null"}
)
VALUE_OF_FIELD = Shape(
    {"key": "string", "template_key": "string", "label": "string", "value": "string"}
)
VALUE_NESTED = Shape({"key": "string", "value": "string"})
FORM_SUBMISSION = Shape(
    {
        "id": "integer",
        "author_name": "string",
        "has_misconduct": "bool-string",
        "has_no_show": "bool-string",
        "has_narrative": "bool-string",
        "has_ejections": "bool-string",
        "home_team_score": "integer|null",
        "away_team_score": "integer|null",
        "attachments": Many(ATTACHMENT),
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("form-submission", "/form/submissions/{id}"),
        "game_report_webview": Link(None, "/webview/submissions/{hex32}"),
        "template": Link("form-template", "/form/templates/{*}"),
    },
)


# --------------------------------------------------------------------------------------------
# Helpers


async def get_ok(client: httpx.AsyncClient, url: str, member: Member) -> Any:
    resp = await client.get(url, headers=member.headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


async def post_ok(
    client: httpx.AsyncClient, url: str, member: Member, body: Any, status: int = 201
) -> Any:
    resp = await client.post(url, json=body, headers=member.headers)
    assert resp.status_code == status, resp.text
    return resp.json()


# --------------------------------------------------------------------------------------------
# Self-tests of the checker: it must catch what it claims to catch.


def test_checker_rejects_contract_violations() -> None:
    site = {
        "id": 1,
        "name": "S",
        "created": "2026-10-11T09:00:00.000-05:00",  # EDT date rendered with the EST offset
        "updated": "2026-12-11T09:00:00.000Z",
        "extra": 1,
        "_links": {"self": {"href": f"{BASE}/api/v2/sites/2.json"}},
    }
    found = problems(site, SITE_SUMMARY, NY)
    assert any("members differ" in p and "extra" in p for p in found)
    assert any(p.startswith("$.created") for p in found)
    assert any(p.startswith("$.updated") for p in found)
    assert any("self" in p and "exactly" in p for p in found)
    site["_links"] = {"self": {"resource-type": "game", "href": f"{BASE}/api/v2/sites/2"}}
    found = problems(site, SITE_SUMMARY, NY)
    assert any("resource-type 'game'" in p for p in found)
    assert any("does not match /sites/{id}" in p for p in found)
    slot = {name: 1 for name in ASSIGNMENT_PUBLIC.fields} | {"_embedded": {}}
    slot["_links"] = {
        "self": {"resource-type": "assignment", "href": f"{BASE}/api/v2/assignments/1.json"},
        "game": {"resource-type": "game", "href": f"{BASE}/api/v2/games/1.json"},
        "accept": {
            "resource-type": "assignment",
            "href": f"{BASE}/api/v2/assignments/1/accept.json",
        },
    }
    found = problems(slot, ASSIGNMENT_PUBLIC, NY)
    assert any("unexpected ['_embedded']" in p for p in found)  # a vacant slot has none
    assert any("names" in p and "accept" in p for p in found)
    assert any(p == "$.accepted: 1 is not boolean" for p in found)
    assert problems("True", "bool-string", NY) and problems(True, "bool-string", NY)
    assert problems("1", "integer", NY) and problems(True, "integer", NY)
    assert problems(45.123, "money", NY) and not problems(45.5, "money", NY)
    assert problems("Apr 03 2023", "localized_date", NY)
    assert problems("09:00 AM", "localized_time", NY)
    assert problems("$1234.50", "formatted", NY) and not problems("$1,234.50", "formatted", NY)
    assert not problems("2026-10-11T09:00:00.000-04:00", TS, NY)
    assert not problems("2026-12-11T09:00:00.000-05:00", TS, NY)
    assert problems("2026-12-11T09:00:00.000-04:00", TS, NY)


# --------------------------------------------------------------------------------------------
# Account, applications, sites, subscription, users


async def test_account_applications_and_sites(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)

    account = await get_ok(client, "/api/v2/current_account", assignor)
    assert_shape(account, ACCOUNT)
    assert account["created"].endswith("+00:00")

    app = await post_ok(
        client,
        "/api/v2/current_account/applications",
        assignor,
        {"name": "League sync", "redirect_uris": ["https://app.example.org/cb"]},
    )
    # client_secret only in the create (and rotate) response.
    assert_shape(app, APPLICATION.add(client_secret="string"))
    assert_shape(
        await get_ok(client, f"/api/v2/current_account/applications/{app['id']}", assignor),
        APPLICATION,
    )
    public = await post_ok(
        client,
        "/api/v2/current_account/applications",
        assignor,
        {"name": "Phone", "confidential": False, "redirect_uris": ["https://x.example.org/cb"]},
    )
    # A public client has no secret, so nothing to rotate: the action link is absent.
    assert_shape(public, PUBLIC_APPLICATION.add(client_secret="null"))
    listed = await get_ok(client, "/api/v2/current_account/applications", assignor)
    assert_collection(listed, "/current_account/applications", "applications", "array", UTC_ZONE)
    *_, confidential, public_item = listed["_embedded"]["applications"]
    assert_shape(confidential, APPLICATION)
    assert_shape(public_item, PUBLIC_APPLICATION)

    site = await get_ok(client, f"/api/v2/sites/{site_id}", assignor)
    assert_shape(site, SITE)
    assert_collection(await get_ok(client, "/api/v2/sites", assignor), "/sites", "sites", SITE)
    assert_collection(
        await get_ok(client, "/api/v2/current_account/sites", assignor),
        "/current_account/sites",
        "sites",
        SITE,
    )
    subscription = await get_ok(client, f"/api/v2/sites/{site_id}/subscription", assignor)
    assert_shape(subscription, SUBSCRIPTION)
    assert subscription["_links"]["site"]["href"] == f"{BASE}/api/v2/sites/{site_id}.json"


async def test_users_and_private_fields(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(
        runtime,
        site,
        first_name="Alex",
        last_name="Rivera",
        street1="1 Main St",
        city="Salem",
        date_of_birth=date(1990, 5, 17),
        max_games_per_day=3,
    )
    created = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/users",
        assignor,
        {"first_name": "Sam", "last_name": "Lee", "email": "sam@example.org", "mi": "J"},
    )
    assert_shape(created, USER)
    # The user itself and assignors/managers see the address and date of birth. §7.3 lets no
    # other caller read a full user representation, so the "omitted" case has no viewer.
    for viewer in (assignor, alex):
        body = await get_ok(client, f"/api/v2/users/{alex.user.id}", viewer)
        assert_shape(body, USER)
        assert body["date_of_birth"] == "1990-05-17"
        assert (body["official"], body["assignor"], body["active"]) == ("true", "false", "true")
    assert_collection(
        await get_ok(client, f"/api/v2/sites/{site_id}/users", assignor),
        f"/sites/{site_id}/users",
        "users",
        USER,
    )
    assert_collection(
        await get_ok(client, "/api/v2/current_account/users", alex),
        "/current_account/users",
        "users",
        USER,
    )


# --------------------------------------------------------------------------------------------
# Games and assignments, as each viewer sees them


async def test_game_and_assignments_per_viewer(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    holder = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    other = await create_member(runtime, site, first_name="Olive", last_name="Other")
    observer = await create_member(runtime, site, official=False, observer=True)
    manager = await create_member(runtime, site, official=False, manager=True)
    await client.put(
        f"/api/v2/sites/{site_id}", json={"show_all_games": "true"}, headers=assignor.headers
    )
    zone = await post_ok(
        client, f"/api/v2/sites/{site_id}/zones", assignor, {"name": "Zone C", "location": "Salem"}
    )
    assert_shape(zone, ZONE)
    venue = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/venues",
        assignor,
        {
            "name": "Riverside Park",
            "street_1": "1 River Rd",
            "city": "Salem",
            "state": "MA",
            "postal": "01970",
            "country": "US",
            "latitude": 42.52,
            "longitude": -70.89,
            "zone_id": zone["id"],
        },
    )
    assert_shape(venue, VENUE)
    assert (venue["latitude"], venue["longitude"]) == (42.52, -70.89)

    # A summer (EDT, -04:00) and a winter (EST, -05:00) date in the same site, both in the future.
    year = date.today().year + 1
    game = await make_game(
        client,
        site_id,
        assignor.headers,
        localized_date=f"7/4/{year}",
        venue_name="Riverside Park",
        game_type_name="Regular Season",
        gender_name="Boys",
        user_defined_id="G-1042",
        private_note="Check lights",
        paid_via="Home team",
    )
    winter = await make_game(
        client, site_id, assignor.headers, localized_date=f"1/5/{year}", localized_time="12:30 PM"
    )
    assert game["start_time"] == f"{year}-07-04T09:00:00.000-04:00"
    assert (game["localized_date"], game["localized_time"]) == (f"Jul 4 {year}", "9:00 AM")
    assert winter["start_time"] == f"{year}-01-05T12:30:00.000-05:00"
    assert winter["end_time"] == f"{year}-01-05T13:30:00.000-05:00"
    assert (winter["localized_date"], winter["localized_end_time"]) == (f"Jan 5 {year}", "1:30 PM")

    slots = game["_embedded"]["assignments"]
    await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={
            "fees": [
                {
                    "pattern_id": game["pattern_id"],
                    "position_id": slots[0]["position_id"],
                    "amount": 45,
                }
            ]
        },
        headers=assignor.headers,
    )
    held, vacant = slots[0]["id"], slots[1]["id"]
    await post_ok(
        client, f"/api/v2/assignments/{held}/assign", assignor, {"user_id": holder.user.id}, 200
    )
    overridden = await client.put(
        f"/api/v2/assignments/{slots[2]['id']}",
        json={"official_id": other.user.id, "fee": "1234.5"},
        headers=assignor.headers,
    )
    assert overridden.status_code == 200, overridden.text

    full_embedded = {
        "venue": VENUE,
        "zone": ZONE,
        "site": SITE_SUMMARY,
        "assignor": USER_SUMMARY,
        "assignments": "array",  # mixed slot shapes, checked one by one below
    }
    admin_game = GAME_FOR_ADMIN.with_embedded(**full_embedded)
    official_game = GAME_FOR_OFFICIAL.with_embedded(**full_embedded)
    url = f"/api/v2/games/{game['id']}"
    for viewer in (assignor, manager):
        body = await get_ok(client, url, viewer)
        assert_shape(body, admin_game)
        first, second, third = body["_embedded"]["assignments"]
        assert_shape(first, HELD_FOR_ADMIN.add_links(**RESPOND_ACTIONS))
        assert_shape(second, VACANT_FOR_ADMIN)
        assert_shape(third, HELD_FOR_ADMIN.add_links(**RESPOND_ACTIONS))
        assert first["_embedded"]["fees"][0]["value"] == 45
        assert third["fee"] == 1234.5
        assert third["_embedded"]["fees"][0]["formatted"] == "$1,234.50"
        assert (body["private_note"], body["paid_via"]) == ("Check lights", "Home team")

    body = await get_ok(client, url, holder)
    assert_shape(body, official_game)
    mine, empty, theirs = body["_embedded"]["assignments"]
    assert_shape(mine, HELD_FOR_HOLDER)
    assert_shape(empty, VACANT_FOR_OTHER)
    assert_shape(theirs, HELD_FOR_OTHER)
    assert mine["_embedded"]["fees"] == [
        {
            "value": 45,
            "formatted": "$45.00",
            "currency": "USD",
            "description": "Game fee",
            "game_fees": 45,
            "travel_fees": 0,
        }
    ]
    for viewer, third_shape in ((other, HELD_FOR_HOLDER), (observer, HELD_FOR_OTHER)):
        body = await get_ok(client, url, viewer)
        assert_shape(body, official_game)
        first, second, third = body["_embedded"]["assignments"]
        assert_shape(first, HELD_FOR_OTHER)
        assert_shape(second, VACANT_FOR_OTHER)
        assert_shape(third, third_shape)

    # The holder declines: decline_reason is shown to the holder and assignors only.
    declined = await post_ok(
        client, f"/api/v2/assignments/{held}/decline", holder, {"reason": "Out of town"}, 200
    )
    assert_shape(declined, ANSWERED_FOR_HOLDER)
    assert (declined["declined"], declined["decline_reason"]) == (True, "Out of town")
    assert_shape(await get_ok(client, f"/api/v2/assignments/{held}", other), HELD_FOR_OTHER)
    assert_shape(await get_ok(client, f"/api/v2/assignments/{held}", observer), HELD_FOR_OTHER)
    assert_shape(await get_ok(client, f"/api/v2/assignments/{held}", assignor), HELD_FOR_ADMIN)
    assert_shape(await get_ok(client, f"/api/v2/assignments/{vacant}", assignor), VACANT_FOR_ADMIN)

    # Collections: a site's games (paged), a game's slots, the account's games.
    listing = await get_ok(client, f"/api/v2/sites/{site_id}/games?limit=1", assignor)
    assert_collection(listing, f"/sites/{site_id}/games", "games", admin_game, paged=True)
    assert listing["page"] == {
        "records": 2,
        "pages": 2,
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "limit": 1,
    }
    last = await get_ok(client, f"/api/v2/sites/{site_id}/games?limit=1&page=2", assignor)
    assert set(last["_links"]) == {"self", "first", "last", "prev"}
    assert all(set(link) == {"href"} for link in last["_links"].values())
    assert (
        last["_links"]["prev"]["href"] == f"{BASE}/api/v2/sites/{site_id}/games.json?limit=1&page=1"
    )
    assert (last["page"]["next_page"], last["page"]["prev_page"]) == (None, 1)
    slot_list = await get_ok(client, f"/api/v2/games/{winter['id']}/assignments", assignor)
    assert_collection(
        slot_list, f"/games/{winter['id']}/assignments", "assignments", VACANT_FOR_ADMIN
    )
    mine_list = await get_ok(client, "/api/v2/current_account/games", other)
    assert_collection(mine_list, "/current_account/games", "games", official_game)

    # A game without zone, assignor, or end time: those keys are absent / null.
    bare = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/games",
        manager,
        {
            **GAME,
            "localized_date": f"3/1/{year}",
            "venue_name": "Nowhere",
            "age_group_name": "Adults",
        },
    )
    await client.put(
        f"/api/v2/age_groups/{bare['age_group_id']}",
        json={"game_length": 0},
        headers=assignor.headers,
    )
    bare = await get_ok(client, f"/api/v2/games/{bare['id']}", assignor)
    assert_shape(
        bare,
        GAME_FOR_ADMIN.with_embedded(
            venue=VENUE, site=SITE_SUMMARY, assignments=Many(VACANT_FOR_ADMIN)
        ),
    )
    assert (bare["end_time"], bare["localized_end_time"]) == (None, None)


# --------------------------------------------------------------------------------------------
# Availability


async def test_availability(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    url = f"/api/v2/users/{alex.user.id}/availability"
    all_day = await post_ok(client, url, alex, {"date": "2/10/2024"})
    assert_shape(all_day, AVAILABILITY_ALL_DAY)
    assert (all_day["date"], all_day["all_day"], all_day["description"]) == (
        "2024-02-10",
        "true",
        "all day",
    )
    window = await post_ok(
        client, url, alex, {"date": "2024-07-04", "start_time": "8:00", "end_time": "23:30"}
    )
    assert_shape(window, AVAILABILITY_WINDOW)
    assert (window["start_time"], window["end_time"], window["all_day"]) == (
        "8:00 AM",
        "11:30 PM",
        "false",
    )
    listed = await get_ok(client, url, assignor)
    assert_collection(listed, url.removeprefix("/api/v2"), "availability", "array")
    items = listed["_embedded"]["availability"]
    assert_shape(items[0], AVAILABILITY_ALL_DAY)
    assert_shape(items[1], AVAILABILITY_WINDOW)
    assert listed["page"]["limit"] == 200


# --------------------------------------------------------------------------------------------
# Reference data


async def test_reference_data(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    member = await create_member(runtime, site)
    s = f"/api/v2/sites/{site_id}"
    league = await post_ok(client, f"{s}/leagues", assignor, {"name": "Harbor League"})
    assert_shape(league, LEAGUE)
    assert_shape(await post_ok(client, f"{s}/game_types", assignor, {"name": "Cup"}), GAME_TYPE)
    assert_shape(await post_ok(client, f"{s}/genders", assignor, {"name": "Girls"}), GENDER)
    team = await post_ok(
        client, f"{s}/teams", assignor, {"name": "Hawks", "league_id": league["id"]}
    )
    assert_shape(team, TEAM)
    group = await post_ok(
        client, f"{s}/groups", assignor, {"name": "Timekeepers", "description": "Certified"}
    )
    await client.post(
        f"/api/v2/users/{member.user.id}/groups/{group['id']}", headers=assignor.headers
    )
    group = await get_ok(client, f"/api/v2/groups/{group['id']}", member)
    assert_shape(group, GROUP)
    assert group["users_count"] == 1
    position = await post_ok(
        client, f"{s}/positions", assignor, {"name": "Fourth Official", "group_id": group["id"]}
    )
    assert_shape(position, POSITION)
    assert position["abbreviation"] == "FO"
    patterns = await get_ok(client, f"{s}/patterns", member)
    assert_collection(patterns, f"/sites/{site_id}/patterns", "patterns", PATTERN)
    pattern = patterns["_embedded"]["patterns"][0]
    assert [p["sort_order"] for p in pattern["positions"]] == [1, 2, 3]
    age_group = await post_ok(
        client,
        f"{s}/age_groups",
        assignor,
        {
            "name": "U12 Boys",
            "game_length": 90,
            "fees": [
                {
                    "pattern_id": pattern["id"],
                    "position_id": pattern["positions"][0]["position_id"],
                    "amount": "1234.5",
                },
                {
                    "pattern_id": pattern["id"],
                    "position_id": pattern["positions"][1]["position_id"],
                    "amount": 45,
                },
            ],
        },
    )
    assert_shape(age_group, AGE_GROUP)
    assert [(f["amount"], f["formatted"]) for f in age_group["fees"]] == [
        (1234.5, "$1,234.50"),
        (45, "$45.00"),
    ]
    for path, key, shape in (
        ("leagues", "leagues", LEAGUE),
        ("teams", "teams", TEAM),
        ("game_types", "game_types", GAME_TYPE),
        ("genders", "genders", GENDER),
        ("positions", "positions", POSITION),
        ("groups", "groups", GROUP),
        ("age_groups", "age_groups", AGE_GROUP),
        ("venues", "venues", VENUE),
        ("zones", "zones", ZONE),
    ):
        assert_collection(
            await get_ok(client, f"{s}/{path}", member), f"/sites/{site_id}/{path}", key, shape
        )


# --------------------------------------------------------------------------------------------
# Conflicts, abilities, candidates, game requests


async def test_officials_candidates_and_requests(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime, show_game_requests=True)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    pal = await create_member(runtime, site, first_name="Pal", last_name="Friend")
    game = await make_game(client, site_id, assignor.headers)
    users = f"/api/v2/users/{alex.user.id}"
    for kind, id_field, value in (
        ("team", "team_id", game["home_team_id"]),
        ("league", "league_id", game["league_id"]),
        ("venue", "venue_id", game["venue_id"]),
        ("official", "other_user_id", pal.user.id),
    ):
        made = await post_ok(
            client, f"{users}/conflicts", assignor, {"kind": kind, id_field: value, "note": "x"}
        )
        assert_shape(made, conflict(id_field))
    listed = await get_ok(client, f"{users}/conflicts", assignor)
    for item in listed["_embedded"]["conflicts"]:
        id_field = {"team": "team_id", "league": "league_id", "venue": "venue_id"}.get(
            item["kind"], "other_user_id"
        )
        assert_shape(item, conflict(id_field))

    position_id = game["_embedded"]["assignments"][0]["position_id"]
    put = await client.put(
        f"{users}/abilities",
        json={
            "abilities": [
                {"age_group_id": game["age_group_id"], "allowed": True},
                {
                    "age_group_id": game["age_group_id"],
                    "position_id": position_id,
                    "allowed": False,
                },
            ]
        },
        headers=assignor.headers,
    )
    assert put.status_code == 200, put.text
    assert_shape(put.json(), ABILITIES)
    abilities = await get_ok(client, f"{users}/abilities", assignor)
    assert_shape(abilities, ABILITIES)
    assert [a["position"] for a in abilities["abilities"]] == [None, "Referee"]

    slot = game["_embedded"]["assignments"][1]["id"]
    request = await post_ok(
        client, "/api/v2/game_requests", alex, {"game_id": game["id"], "comment": "Both games"}
    )
    assert_shape(request, GAME_REQUEST)
    candidates = await get_ok(client, f"/api/v2/assignments/{slot}/candidates", assignor)
    assert_collection(candidates, f"/assignments/{slot}/candidates", "candidates", CANDIDATE)
    mine = next(c for c in candidates["_embedded"]["candidates"] if c["user_id"] == alex.user.id)
    assert mine["requested"] is True and "RQ" in mine["conflicts"]

    approved = await post_ok(
        client, f"/api/v2/game_requests/{request['id']}/approve", assignor, {}, 200
    )
    assert_shape(
        approved,
        GAME_REQUEST.add_links(assignment=Link("assignment", "/assignments/{assignment_id}")),
    )
    assert approved["status"] == "approved"
    assert_collection(
        await get_ok(client, f"/api/v2/sites/{site_id}/game_requests", alex),
        f"/sites/{site_id}/game_requests",
        "game_requests",
        GAME_REQUEST.add_links(assignment=Link("assignment", "/assignments/{assignment_id}")),
    )


# --------------------------------------------------------------------------------------------
# Statements and game reports


async def test_statements_and_game_reports(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime, show_game_reports=True)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    game = await make_game(client, site_id, assignor.headers, localized_date=future_day(3))
    slots = game["_embedded"]["assignments"]
    await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={
            "fees": [
                {
                    "pattern_id": game["pattern_id"],
                    "position_id": slots[0]["position_id"],
                    "amount": 1234.5,
                }
            ]
        },
        headers=assignor.headers,
    )
    await post_ok(
        client,
        f"/api/v2/assignments/{slots[0]['id']}/assign",
        assignor,
        {"user_id": alex.user.id},
        200,
    )
    statement = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/statements",
        assignor,
        {"user_id": alex.user.id, "period_start": "2020-01-01", "period_end": "2099-12-31"},
    )
    assert_shape(statement, STATEMENT)
    assert (statement["amount"], statement["formatted_amount"], statement["amount_paid"]) == (
        1234.5,
        "$1,234.50",
        0,
    )
    assert_collection(
        await get_ok(client, "/api/v2/statements", alex), "/statements", "statements", STATEMENT
    )

    report = await post_ok(
        client,
        f"/api/v2/games/{game['id']}/game_reports",
        alex,
        {
            "misconduct": True,
            "home_team_score": 3,
            "text": "Uneventful game.",
            "officials": [{"assignment_id": slots[0]["id"], "no_show": False}],
        },
    )
    report_shape = GAME_REPORT.with_embedded(
        game=GAME_SUMMARY, author=USER_SUMMARY, officials="array"
    )
    assert_shape(report, report_shape)
    first, *rest = report["_embedded"]["officials"]
    assert_shape(first, REPORT_OFFICIAL_HELD)
    for entry in rest:
        assert_shape(entry, REPORT_OFFICIAL_VACANT)
    assert report["html"] == "<p>Uneventful game.</p>"
    reports = await get_ok(client, f"/api/v2/sites/{site_id}/game_reports", assignor)
    assert_collection(reports, f"/sites/{site_id}/game_reports", "game_reports", report_shape)


# --------------------------------------------------------------------------------------------
# Forms


async def test_form_templates_and_submissions(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime, forms_enabled=True)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    game = await make_game(client, site_id, assignor.headers)
    await post_ok(
        client,
        f"/api/v2/assignments/{game['_embedded']['assignments'][0]['id']}/assign",
        assignor,
        {"user_id": alex.user.id},
        200,
    )
    template = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/form/templates",
        assignor,
        {
            "name": "Game report",
            "fields": [
                {
                    "template_key": "homeTeamScore",
                    "label": "Home",
                    "type": "number",
                    "required": True,
                },
                {"template_key": "kind", "label": "Kind", "type": "select", "options": ["a", "b"]},
                {"template_key": "roster", "label": "Roster", "type": "upload"},
            ],
            "mappings": {"home_team_score": ".homeTeamScore", "has_misconduct": ".kind"},
        },
    )
    assert_shape(template, FORM_TEMPLATE)
    submission = await post_ok(
        client,
        f"/api/v2/form/templates/{template['id']}/submissions",
        alex,
        {
            "game_id": game["id"],
            "values": {
                ".homeTeamScore": 3,
                ".kind": "a",
                ".roster.0.name": "r.pdf",
                ".roster.0.size": 1024,
            },
        },
    )
    token = submission["_links"]["game_report_webview"]["href"].rsplit("/", 1)[-1]
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert_shape(submission, FORM_SUBMISSION.with_embedded(game=GAME_SUMMARY, values="array"))
    assert (submission["home_team_score"], submission["has_misconduct"]) == (3, "true")
    values = submission["_embedded"]["values"]
    assert [v["key"] for v in values][:2] == [".homeTeamScore", ".kind"]
    for entry in values:
        assert_shape(
            entry, VALUE_OF_FIELD if entry["key"] in (".homeTeamScore", ".kind") else VALUE_NESTED
        )
    assert values[0]["value"] == "3"
    assert submission["attachments"] == [{"name": "r.pdf", "url": None, "size": 1024, "type": None}]
