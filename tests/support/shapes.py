"""The representation checker of tests/contract/representations (contract §9.2, §10, §11).

The expected shapes (tests/support/tables*.py) are written like the contract's tables: member
name -> type tag. One
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

from tests.factories import Member

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
