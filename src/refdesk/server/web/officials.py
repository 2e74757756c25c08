"""What the officials pages show (``/officials``, ``/officials/{id}``) to assignors and
managers of the current site.

The list comes from the service behind ``GET /api/v2/sites/{id}/users``
(``users.service.list_site_users``: its permission check, its name/e-mail search, its order)
with a typed ``UserListQuery`` built here (one page as large as :data:`ROSTER_MAX`, so the
page can sort by load). What each row adds is read for display in a fixed number of
statements whatever the number of officials:

* **load**: slots held (not declined) in this site's games on the site-local dates of the
  current week (Monday to Sunday) and month — the same count the daily/weekly/monthly limits
  of the candidate conflict code ``L`` look at (``assignments/conflicts.py``), so "3 of max 3"
  means what the candidate panel means; one grouped statement for the whole site;
* **availability coverage**: the days of the next :data:`COVERAGE_DAYS` (from the site's
  today) with at least one availability entry (no entry on a date means not available,
  contract §17.2); one grouped statement;
* **groups** and **abilities** (§17.4) of the rows shown: one statement each.

The schedule of one official (``/officials/{id}``) is :mod:`.official_schedule`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.availability.models import Availability
from refdesk.server.games.models import Game
from refdesk.server.officials.models import Ability
from refdesk.server.paging import PageRequest
from refdesk.server.reference.models import AgeGroup, Group, GroupMembership, Position
from refdesk.server.sites.access import Membership
from refdesk.server.sites.rules import site_today
from refdesk.server.users import service as users_service
from refdesk.server.users.models import User
from refdesk.server.users.schemas import UserListQuery
from refdesk.server.web.home import MONTHS

ROSTER_MAX = 5000  # users read for one list (sorted by load in memory); more: a note
PAGE_SIZE = 50
COVERAGE_DAYS = 14
SORTS = {"name": "Name", "week": "Load this week", "month": "Load this month"}
WHO = {"officials": "Officials", "all": "All users"}
STATUSES = {"active": "Active", "inactive": "Deactivated", "all": "Active and deactivated"}

Sort = Literal["name", "week", "month"]


@dataclass(frozen=True)
class Filters:
    """The list's query string, read leniently (anything unknown is the default)."""

    text: str = ""
    who: str = "officials"
    status: str = "active"
    sort: str = "name"
    page: int = 1

    @classmethod
    def read(cls, params: dict[str, str]) -> Filters:
        text = params.get("q", "").strip()[:90]
        who = params.get("who", "")
        status = params.get("status", "")
        sort = params.get("sort", "")
        raw_page = params.get("page", "")
        page = int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1
        return cls(
            text=text,
            who=who if who in WHO else "officials",
            status=status if status in STATUSES else "active",
            sort=sort if sort in SORTS else "name",
            page=max(page, 1),
        )

    def query(self, page: int | None = None) -> str:
        """The query string of this list (at ``page``), without the defaults."""
        values = {"q": self.text, "who": self.who, "status": self.status, "sort": self.sort}
        defaults = {"q": "", "who": "officials", "status": "active", "sort": "name"}
        kept = {k: v for k, v in values.items() if v != defaults[k]}
        number = self.page if page is None else page
        if number > 1:
            kept["page"] = str(number)
        return urlencode(kept)


@dataclass(frozen=True)
class Load:
    week: int = 0
    month: int = 0
    max_week: int | None = None
    max_month: int | None = None

    @property
    def week_text(self) -> str:
        return f"{self.week} (max {self.max_week})" if self.max_week else str(self.week)

    @property
    def month_text(self) -> str:
        return f"{self.month} (max {self.max_month})" if self.max_month else str(self.month)


@dataclass(frozen=True)
class Row:
    id: int
    name: str  # "Kim Park"
    email: str
    grade: str | None
    roles: list[str]
    active: bool
    invited: bool  # the account has no password yet
    official: bool
    load: Load
    coverage: int | None  # days with an entry in the next COVERAGE_DAYS (None: not official)
    groups: list[str]
    abilities: list[str]
    lock_version: int


@dataclass
class Roster:
    rows: list[Row]
    filters: Filters
    total: int  # users matching the filters
    pages: int
    truncated: bool  # more than ROSTER_MAX users matched
    week_label: str
    month_label: str
    coverage_label: str
    uses_availability: bool
    uses_abilities: bool
    page_links: list[tuple[int, str]] = field(default_factory=list)


def roles_of(user: User) -> list[str]:
    names = ("official", "assignor", "manager", "observer")
    return [name.capitalize() for name in names if getattr(user, name)]


def full_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}"


def week_and_month(today: date) -> tuple[date, date, date, date]:
    """[week start, week end) and [month start, month end) around ``today``."""
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1)
    return week_start, week_start + timedelta(days=7), month_start, month_end


async def loads_in_site(
    session: AsyncSession, site_id: int, today: date, user_ids: Sequence[int] | None = None
) -> dict[int, tuple[int, int]]:
    """Official id -> (held slots this week, this month), one grouped statement."""
    week_start, week_end, month_start, month_end = week_and_month(today)
    first, last = min(week_start, month_start), max(week_end, month_end)
    in_week = case(((Game.local_date >= week_start) & (Game.local_date < week_end), 1), else_=0)
    in_month = case(((Game.local_date >= month_start) & (Game.local_date < month_end), 1), else_=0)
    statement = (
        select(Assignment.official_id, func.sum(in_week), func.sum(in_month))
        .join(Game, Game.id == Assignment.game_id)
        .where(
            Game.site_id == site_id,
            Assignment.official_id.is_not(None),
            Assignment.declined.is_(False),
            Game.local_date >= first,
            Game.local_date < last,
        )
        .group_by(Assignment.official_id)
    )
    if user_ids is not None:
        statement = statement.where(Assignment.official_id.in_(list(user_ids)))
    rows = await session.execute(statement)
    return {uid: (int(week or 0), int(month or 0)) for uid, week, month in rows if uid}


async def coverage_in_site(
    session: AsyncSession, site_id: int, today: date, user_ids: Sequence[int] | None = None
) -> dict[int, int]:
    """User id -> days of the next :data:`COVERAGE_DAYS` with an availability entry."""
    statement = (
        select(Availability.user_id, func.count(func.distinct(Availability.date)))
        .join(User, User.id == Availability.user_id)
        .where(
            User.site_id == site_id,
            Availability.date >= today,
            Availability.date < today + timedelta(days=COVERAGE_DAYS),
        )
        .group_by(Availability.user_id)
    )
    if user_ids is not None:
        statement = statement.where(Availability.user_id.in_(list(user_ids)))
    return {uid: int(count) for uid, count in await session.execute(statement)}


async def groups_of(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(user_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(GroupMembership.user_id, Group.name)
        .join(Group, Group.id == GroupMembership.group_id)
        .where(GroupMembership.user_id.in_(ids))
        .order_by(func.lower(Group.name), Group.id)
    )
    found: dict[int, list[str]] = {}
    for uid, name in rows:
        found.setdefault(uid, []).append(name)
    return found


async def abilities_of(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, list[str]]:
    """User id -> one line per age group: ``U12 Boys: all positions``, ``U14: Referee,
    Assistant Referee``, ``U10: all positions except Referee`` (§17.4's rule)."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Ability.user_id, AgeGroup.name, Position.name, Ability.allowed)
        .join(AgeGroup, AgeGroup.id == Ability.age_group_id)
        .outerjoin(Position, Position.id == Ability.position_id)
        .where(Ability.user_id.in_(ids))
        .order_by(
            Ability.user_id,
            func.lower(AgeGroup.name),
            Ability.age_group_id,
            Ability.position_id.is_not(None),
            func.lower(func.coalesce(Position.name, "")),
        )
    )
    entries: dict[int, dict[str, list[tuple[str | None, bool]]]] = {}
    for uid, age, position, ok in rows:
        entries.setdefault(uid, {}).setdefault(age, []).append((position, bool(ok)))
    found: dict[int, list[str]] = {}
    for uid, by_age in entries.items():
        lines = []
        for age, items in by_age.items():
            every = any(p is None and ok for p, ok in items)
            if every:
                refused = [p for p, ok in items if p is not None and not ok]
                text = "all positions" + (f" except {', '.join(refused)}" if refused else "")
            else:
                permitted = [p for p, ok in items if p is not None and ok]
                if not permitted:
                    continue
                text = ", ".join(permitted)
            lines.append(f"{age}: {text}")
        found[uid] = lines
    return found


def _query(filters: Filters) -> UserListQuery:
    status: Literal["active", "inactive"] | None = (
        None if filters.status == "all" else "active" if filters.status == "active" else "inactive"
    )
    return UserListQuery(
        problems=(),
        page=PageRequest(1, ROSTER_MAX, True),
        text=filters.text or None,
        status=status,
        official=True if filters.who == "officials" else None,
    )


def plain_day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


async def roster(
    session: AsyncSession, principal: Principal, member: Membership, filters: Filters
) -> Roster:
    """The list page (raises the service's refusal: a manager may read, others not)."""
    site = member.site
    _, pairs, total, _ = await users_service.list_site_users(
        session, principal, site.id, _query(filters)
    )
    users = [u for u, _ in pairs]
    today = site_today(site).date()
    loads = await loads_in_site(session, site.id, today)

    def load(user: User) -> Load:
        week, month = loads.get(user.id, (0, 0))
        return Load(week, month, user.max_games_per_week, user.max_games_per_month)

    if filters.sort != "name":
        index = 0 if filters.sort == "week" else 1
        # most loaded first; the service's name order breaks ties (sorted() is stable)
        users.sort(key=lambda u: -loads.get(u.id, (0, 0))[index])
    pages = max(1, -(-len(users) // PAGE_SIZE))
    number = min(filters.page, pages)
    shown = users[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    ids = [u.id for u in shown]
    coverage = await coverage_in_site(session, site.id, today, ids) if ids else {}
    groups = await groups_of(session, ids)
    abilities = await abilities_of(session, ids)
    rows = [
        Row(
            id=u.id,
            name=full_name(u),
            email=(u.email_addresses or [""])[0],
            grade=u.grade,
            roles=roles_of(u),
            active=u.active,
            invited=not u.password_set,
            official=u.official,
            load=load(u),
            coverage=coverage.get(u.id, 0) if u.official else None,
            groups=groups.get(u.id, []),
            abilities=abilities.get(u.id, []),
            lock_version=u.lock_version,
        )
        for u in shown
    ]
    week_start, week_end, month_start, _ = week_and_month(today)
    last = today + timedelta(days=COVERAGE_DAYS - 1)
    shown_filters = Filters(filters.text, filters.who, filters.status, filters.sort, number)
    return Roster(
        rows=rows,
        filters=shown_filters,
        total=total,
        pages=pages,
        truncated=total > len(pairs),
        week_label=f"{plain_day(week_start)} – {plain_day(week_end - timedelta(days=1))}",
        month_label=f"{MONTHS[month_start.month - 1]} {month_start.year}",
        coverage_label=f"{plain_day(today)} – {plain_day(last)}",
        uses_availability=site.use_availability,
        uses_abilities=site.use_abilities,
        page_links=[(n, shown_filters.query(n)) for n in range(1, pages + 1)] if pages > 1 else [],
    )
