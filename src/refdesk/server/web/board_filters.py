"""Which games the board (``/board``) shows: the days and the filters of a request, read
leniently, and the filter choices of the site (one statement).

Query parameters (all optional; a bad value falls back to its default, never an error):

* ``week`` — any day (``YYYY-MM-DD``) of the wanted week (Monday to Sunday); default: the
  week containing today in the site's zone;
* ``day`` — one day instead of a week;
* ``from`` / ``to`` — a date range instead (at most :data:`RANGE_MAX_DAYS` days; one of them
  alone is that one day); a range wins over ``day``, which wins over ``week``;
* ``venue``, ``league``, ``age_group``, ``team`` — ids of the site's records;
* ``status`` — ``active``, ``cancelled`` (both kinds) or ``all`` (default);
* ``published`` — ``yes``, ``no`` or ``any`` (default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.reference.models import AgeGroup, League, Team
from refdesk.server.sites.access import MAX_ID
from refdesk.server.venues.models import Venue

RANGE_MAX_DAYS = 42
OLDEST = date(2000, 1, 1)
NEWEST = date(2100, 12, 31)
STATUS_CHOICES = (("all", "Any status"), ("active", "Active"), ("cancelled", "Cancelled"))
STATUS_CODES = {"active": "A", "cancelled": "X,C"}
PUBLISHED_CHOICES = (("any", "Published or not"), ("yes", "Published"), ("no", "Not published"))
PUBLISHED_VALUES = {"yes": "true", "no": "false"}
REFERENCES = ("venue", "league", "age_group", "team")


@dataclass(frozen=True)
class Option:
    id: int
    name: str


@dataclass(frozen=True)
class Filters:
    """The filters as chosen (strings for the form, ``''``: not chosen)."""

    venue: str = ""
    league: str = ""
    age_group: str = ""
    team: str = ""
    status: str = "all"
    published: str = "any"

    def pairs(self) -> list[tuple[str, str]]:
        found = [(name, getattr(self, name)) for name in REFERENCES if getattr(self, name)]
        if self.status != "all":
            found.append(("status", self.status))
        if self.published != "any":
            found.append(("published", self.published))
        return found

    def search(self) -> dict[str, str]:
        """The API's ``search[...]`` values of these filters."""
        values = {f"{name}_id": getattr(self, name) for name in REFERENCES if getattr(self, name)}
        if self.status in STATUS_CODES:
            values["status"] = STATUS_CODES[self.status]
        if self.published in PUBLISHED_VALUES:
            values["published"] = PUBLISHED_VALUES[self.published]
        return values

    @property
    def any(self) -> bool:
        return bool(self.pairs())


@dataclass(frozen=True)
class Window:
    """Which days: ``mode`` week, day or range, from ``first`` to ``last`` (site-local)."""

    mode: str
    first: date
    last: date


def read_day(raw: str | None) -> date | None:
    """An ISO date from 2000 to 2100, else None."""
    if raw is None or len(raw) != 10 or not raw[:4].isdigit():
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return value if OLDEST <= value <= NEWEST else None


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def read_window(params: Mapping[str, str], today: date) -> Window:
    """The days asked for (module docstring); anything unreadable is this week."""
    start, end = read_day(params.get("from")), read_day(params.get("to"))
    if start is not None or end is not None:
        start = start or end
        end = end or start
        assert start is not None and end is not None
        if end < start:
            start, end = end, start
        end = min(end, start + timedelta(days=RANGE_MAX_DAYS - 1))
        return Window("range", start, end)
    day = read_day(params.get("day"))
    if day is not None:
        return Window("day", day, day)
    first = monday(read_day(params.get("week")) or today)
    return Window("week", first, first + timedelta(days=6))


def _read_id(raw: str | None, known: list[Option]) -> str:
    if raw is None or not raw.isdigit() or len(raw) > 19:
        return ""
    value = int(raw)
    if not 1 <= value <= MAX_ID or all(o.id != value for o in known):
        return ""
    return str(value)


def read_filters(params: Mapping[str, str], options: dict[str, list[Option]]) -> Filters:
    status = params.get("status", "all")
    published = params.get("published", "any")
    return Filters(
        venue=_read_id(params.get("venue"), options["venue"]),
        league=_read_id(params.get("league"), options["league"]),
        age_group=_read_id(params.get("age_group"), options["age_group"]),
        team=_read_id(params.get("team"), options["team"]),
        status=status if status in dict(STATUS_CHOICES) else "all",
        published=published if published in dict(PUBLISHED_CHOICES) else "any",
    )


async def load_options(session: AsyncSession, site_id: int) -> dict[str, list[Option]]:
    """The site's venues, leagues, age groups and teams, by name (one statement)."""
    sources = (("venue", Venue), ("league", League), ("age_group", AgeGroup), ("team", Team))
    statement = union_all(
        *(
            select(literal(kind).label("kind"), model.id, model.name).where(
                model.site_id == site_id
            )
            for kind, model in sources
        )
    )
    found: dict[str, list[Option]] = {kind: [] for kind, _ in sources}
    for kind, record_id, name in (await session.execute(statement)).all():
        found[kind].append(Option(record_id, name))
    for options in found.values():
        options.sort(key=lambda o: (o.name.lower(), o.id))
    return found
