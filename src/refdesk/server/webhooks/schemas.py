"""Typed inputs of webhook subscriptions (contract §18.7): the write body (create and
update), the lists' query and the deliveries page."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.events.topics import ALL, TOPICS
from refdesk.server.fields import INVALID, MAX_INT, is_blank, read_bool, read_int, read_str
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.webhooks.targets import MAX_URL_LENGTH

URL_NAMES = ("target_url", "url")
EVENT_TYPE_NAMES = ("event_types", "topics", "events")
METHODS = ("POST",)
MAX_DESCRIPTION = 255
# The singular body keys of §10.4: ``{"webhook_subscription": {...}}`` or ``{"subscription": …}``.
BODY_KEYS = ("webhook_subscription", "subscription")


@dataclass(frozen=True, kw_only=True)
class SubscriptionWrite(Input):
    """A new subscription, or the fields of an update that were sent.

    ``url_key`` is the name the client used for the target (``target_url`` or ``url``), so a
    refused target is reported under it (§4.5). ``site_id`` is read only from the body of
    ``POST /webhooks/subscriptions``; the site-scoped alias takes it from the path.
    """

    site_id: int | None = None
    target_url: str | Unset = UNSET
    url_key: str = URL_NAMES[0]
    target_method: str | Unset = UNSET
    event_types: tuple[str, ...] | Unset = UNSET
    active: bool | Unset = UNSET
    description: str | Unset | None = UNSET


SUBSCRIPTION_BODY = Body(
    "Webhook subscription",
    [
        Field(
            "site_id",
            "id",
            "POST /webhooks/subscriptions only: required unless the caller is assignor in "
            "exactly one site (the site-scoped path names it otherwise)",
        ),
        Field(
            "target_url",
            max_length=MAX_URL_LENGTH,
            description="https URL (http only with webhook_allow_http); no private addresses",
            aliases=("url",),
            required=True,
        ),
        Field("target_method", enum=METHODS, description="Only POST"),
        Field(
            "event_types",
            "array",
            'Topics of §19.1, or ["*"] for all; a comma-separated string also works',
            aliases=("topics", "events"),
            required=True,
            items={"type": "string", "enum": [*TOPICS, ALL]},
        ),
        Field("active", "boolean", "Default true; true again resets consecutive_failures"),
        Field("description", max_length=MAX_DESCRIPTION),
    ],
    root=BODY_KEYS[0],
)
# PUT/PATCH: the same fields, all optional; ``site_id`` cannot change.
SUBSCRIPTION_CHANGE_BODY = Body(
    "Webhook subscription change",
    [replace(f, required=False) for f in SUBSCRIPTION_BODY.fields if f.name != "site_id"],
    root=BODY_KEYS[0],
)


def _first_sent(data: dict[str, Any], names: tuple[str, ...]) -> str | None:
    return next((name for name in names if name in data), None)


def _read_event_types(value: Any, key: str, errors: ErrorCollector) -> Any:
    """A list (or comma-separated string) of §19.1 topics, de-duplicated in order; any
    ``*`` means every topic and is stored as ``["*"]``."""
    if isinstance(value, str):
        items: list[Any] = [part.strip() for part in value.split(",")]
    elif isinstance(value, list):
        items = [item.strip() if isinstance(item, str) else item for item in value]
    elif value is None:
        items = []
    else:
        errors.add(key, "is invalid")
        return INVALID
    items = [item for item in items if not is_blank(item)]
    if not items:
        errors.add(key, "can't be blank")
        return INVALID
    if not all(isinstance(item, str) for item in items):
        errors.add(key, "is invalid")
        return INVALID
    if any(item not in TOPICS and item != ALL for item in items):
        errors.add(key, "is not included in the list")
        return INVALID
    if ALL in items:
        return (ALL,)
    return tuple(dict.fromkeys(items))


def parse_subscription(
    data: dict[str, Any], *, creating: bool, with_site: bool = False
) -> SubscriptionWrite:
    """The body of a create (``creating``: ``target_url`` and ``event_types`` required) or
    of a ``PUT``/``PATCH`` (only what was sent changes). ``with_site``: read ``site_id``."""
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    if with_site and not is_blank(data.get("site_id")):
        site = read_int(data["site_id"], "site_id", errors, 1, MAX_INT)
        if site is not INVALID:
            values["site_id"] = site
    url_key = _first_sent(data, URL_NAMES)
    if url_key is not None:
        values["url_key"] = url_key
        url = read_str(data[url_key], url_key, errors, MAX_URL_LENGTH, required=True)
        if url is not INVALID:
            values["target_url"] = url
    elif creating:
        errors.add(URL_NAMES[0], "can't be blank")
    if not is_blank(data.get("target_method")):
        method = read_str(data["target_method"], "target_method", errors, 8)
        if method is not INVALID:
            if method.upper() not in METHODS:
                errors.add("target_method", "is not included in the list")
            else:
                values["target_method"] = method.upper()
    types_key = _first_sent(data, EVENT_TYPE_NAMES)
    if types_key is not None:
        types = _read_event_types(data[types_key], types_key, errors)
        if types is not INVALID:
            values["event_types"] = types
    elif creating:
        errors.add(EVENT_TYPE_NAMES[0], "can't be blank")
    if not is_blank(data.get("active")):
        active = read_bool(data["active"], "active", errors)
        if active is not INVALID:
            values["active"] = active
    if "description" in data:
        text = read_str(data["description"], "description", errors, MAX_DESCRIPTION)
        if text is not INVALID:
            values["description"] = text
    return SubscriptionWrite(problems=problems_of(errors), **values)


@dataclass(frozen=True, kw_only=True)
class SubscriptionQuery(Input):
    """``page``/``limit`` and, on ``GET /webhooks/subscriptions``, ``search[site_id]``."""

    page: PageRequest
    site_id: int | None = None


def parse_subscription_query(query: dict[str, Any], *, with_site: bool) -> SubscriptionQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    site_id: int | None = None
    search = query.get("search")
    if with_site and isinstance(search, dict) and not is_blank(search.get("site_id")):
        value = read_int(search["site_id"], "search[site_id]", errors, 1, MAX_INT)
        site_id = None if value is INVALID else value
    return SubscriptionQuery(page=page, site_id=site_id, problems=problems_of(errors))
