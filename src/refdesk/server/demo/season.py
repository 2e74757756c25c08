"""Seed step 2: a season for the active demo sites (``season_data.py`` made into records).

Everything comes from one ``random.Random`` with a fixed seed and from the season anchor: the
``demo_anchor`` server flag (an ISO date), written with today's UTC date on first seed unless it
is already set. The same anchor always gives the same records, in the same order. Games run
from five weeks before the anchor week to seven weeks after it, so that the current lists
(open games, pending slots) are not empty right after seeding.

Rows are written directly through the models, in bulk, but follow the rules the API enforces:
one slot per pattern position in pattern order, ``local_date``/``end_time`` from the site time
zone and the age group length, slots held by active officials of the site, at most one slot per
official and game, no overlapping games for one account, availability, abilities, groups,
conflicts and game limits respected when picking officials.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.assignments.models import Assignment
from refdesk.server.availability.models import Availability
from refdesk.server.availability.schemas import describe
from refdesk.server.db.base import utcnow
from refdesk.server.db.models import ServerFlag
from refdesk.server.demo import data
from refdesk.server.demo import season_data as sd
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.games.models import Game
from refdesk.server.games.timing import to_utc
from refdesk.server.officials.models import Ability, OfficialConflict
from refdesk.server.reference.models import (
    AgeGroup,
    AgeGroupFee,
    GameType,
    Gender,
    Group,
    GroupMembership,
    League,
    Pattern,
    PatternPosition,
    Position,
    Team,
)
from refdesk.server.reports.models import GameReport, GameReportOfficial
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue, Zone

if TYPE_CHECKING:
    from refdesk.server.demo.seed import DemoWorld

ANCHOR_FLAG = "demo_anchor"
EXPLORE_FLAG = "demo_explore"
RANDOM_SEED = "refdesk demo season 1"
TRAVEL = timedelta(minutes=30)
DEFAULT_DAILY_CAP = 3


@dataclass
class Official:
    user: User
    grade: str
    qualified: set[tuple[str, str]]  # (age group, position abbreviation)
    groups: set[str] = field(default_factory=set)
    weight: float = 1.0
    teams: set[int] = field(default_factory=set)
    leagues: set[int] = field(default_factory=set)
    venues: set[int] = field(default_factory=set)
    avoid: set[int] = field(default_factory=set)  # other user ids
    days: list[date] = field(default_factory=list)


@dataclass
class Slot:
    game: PlannedGame
    position: str  # abbreviation
    position_id: int
    sort_order: int
    official: Official | None = None
    accepted: bool = False
    declined: bool = False
    reason: str | None = None
    row: Assignment | None = None


@dataclass
class PlannedGame:
    row: Game
    age_group: str
    offset: int  # days from the anchor
    slots: list[Slot] = field(default_factory=list)


@dataclass
class SiteRefs:
    site: Site
    season: sd.SiteSeason
    zones: dict[str, Zone] = field(default_factory=dict)
    venues: dict[str, Venue] = field(default_factory=dict)
    leagues: dict[str, League] = field(default_factory=dict)
    game_types: dict[str, GameType] = field(default_factory=dict)
    genders: dict[str, Gender] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)  # by abbreviation
    patterns: dict[str, tuple[Pattern, list[Position]]] = field(default_factory=dict)
    age_groups: dict[str, AgeGroup] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    officials: list[Official] = field(default_factory=list)
    assignor: User | None = None
    games: list[PlannedGame] = field(default_factory=list)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o[0] for o in options], weights=[o[1] for o in options])[0]


class SeasonBuilder:
    def __init__(self, session: AsyncSession, world: DemoWorld, anchor: date) -> None:
        self.session = session
        self.world = world
        self.anchor = anchor
        self.rng = random.Random(RANDOM_SEED)
        monday = anchor - timedelta(days=anchor.weekday())
        self.first_day = monday - timedelta(weeks=sd.WEEKS_BEFORE)
        self.days = [
            self.first_day + timedelta(days=i)
            for i in range((sd.WEEKS_BEFORE + 1 + sd.WEEKS_AFTER) * 7)
        ]
        self.emails = {p.email for p in (data.OPERATOR, *data.PEOPLE)}
        self.phone = 20  # 555-0120 onwards; 0100-0119 belong to data.PEOPLE
        # Per account: (start, end) of every slot held (not declined), across sites.
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        # (user id, date) -> availability windows (None = all day)
        self.available: dict[tuple[int, date], list[tuple[time, time] | None]] = {}
        self.demo_official = next(c for c in data.CLIENTS if c.role == "official")
        self.positions: dict[int, tuple[sd.DemoPosition, ...]] = {}
        self.zones: dict[int, ZoneInfo] = {}

    async def run(self) -> dict[str, Any]:
        refs = [SiteRefs(self.world.sites[season.site], season) for season in sd.SEASONS]
        for site in refs:
            await self._reference_data(site)
            await self._officials(site)
            await self._availability(site)
            await self._conflicts(site)
            await self._games(site)
            self._staff(site)
            await self._write_slots(site)
        await self._reports(refs)
        return await self._requests_and_explore(refs[0], refs[1])

    # -- reference data -------------------------------------------------------------------

    async def _reference_data(self, refs: SiteRefs) -> None:
        season, site_id = refs.season, refs.site.id
        add = self.session.add_all
        refs.zones = {n: Zone(site_id=site_id, name=n, location=loc) for n, loc in season.zones}
        refs.leagues = {n: League(site_id=site_id, name=n) for n in season.leagues}
        refs.game_types = {n: GameType(site_id=site_id, name=n) for n, _ in season.game_types}
        refs.genders = {n: Gender(site_id=site_id, name=n) for n in season.genders}
        refs.groups = {n: Group(site_id=site_id, name=n, description=d) for n, d in season.groups}
        refs.age_groups = {
            a.name: AgeGroup(
                site_id=site_id,
                name=a.name,
                game_length=a.game_length,
                min_official_age=a.min_official_age,
            )
            for a in season.age_groups
        }
        for records in (refs.zones, refs.leagues, refs.game_types, refs.genders, refs.groups):
            add(list(records.values()))
        add(list(refs.age_groups.values()))
        await self.session.flush()
        refs.venues = {
            v.name: Venue(
                site_id=site_id,
                name=v.name,
                street_1=v.street,
                city=v.city,
                state_or_province=v.state,
                postal=v.postal,
                country="US",
                latitude=v.latitude,
                longitude=v.longitude,
                zone_id=refs.zones[v.zone].id if v.zone else None,
            )
            for v in season.venues
        }
        by_name: dict[str, Position] = {}
        for p in season.positions:
            position = Position(
                site_id=site_id,
                name=p.name,
                abbreviation=p.abbreviation,
                group_id=refs.groups[p.group].id if p.group else None,
            )
            by_name[p.name] = position
            refs.positions[p.abbreviation] = position
        teams: dict[str, Team] = {}
        for division in season.divisions:
            for club in division.clubs:
                name = f"{club} {division.age_group} {division.gender}"
                teams[name] = Team(
                    site_id=site_id, name=name, league_id=refs.leagues[division.league].id
                )
        refs.teams = teams
        patterns = {n: Pattern(site_id=site_id, name=n) for n, _ in season.patterns}
        add([*refs.venues.values(), *by_name.values(), *teams.values(), *patterns.values()])
        await self.session.flush()
        entries: list[PatternPosition] = []
        for name, positions in season.patterns:
            pattern = patterns[name]
            ordered = [by_name[p] for p in positions]
            refs.patterns[name] = (pattern, ordered)
            entries.extend(
                PatternPosition(pattern_id=pattern.id, position_id=p.id, sort_order=i)
                for i, p in enumerate(ordered, start=1)
            )
        fees: list[AgeGroupFee] = []
        for age in season.age_groups:
            amounts = dict(age.fees)
            for pattern, ordered in refs.patterns.values():
                for position in {p.id: p for p in ordered}.values():
                    fees.append(
                        AgeGroupFee(
                            age_group_id=refs.age_groups[age.name].id,
                            pattern_id=pattern.id,
                            position_id=position.id,
                            amount=Decimal(amounts[position.abbreviation]),
                        )
                    )
        add([*entries, *fees])
        await self.session.flush()

    # -- officials --------------------------------------------------------------------------

    def _new_person(self, town: tuple[str, str, str, str]) -> tuple[str, str, str]:
        while True:
            first = self.rng.choice(sd.FIRST_NAMES)
            last = self.rng.choice(sd.LAST_NAMES)
            email = f"{first.lower()}.{last.lower()}@example.org"
            if email not in self.emails:
                self.emails.add(email)
                phone = f"({town[3]}) 555-{100 + self.phone:04d}"
                self.phone += 1
                return first, last, phone

    async def _officials(self, refs: SiteRefs) -> None:
        season, site = refs.season, refs.site
        existing = [
            m for m in data.MEMBERSHIPS if m.site == season.site and (m.official or m.assignor)
        ]
        for member in existing:
            user = self.world.users[(season.site, member.person)]
            if member.assignor and refs.assignor is None:
                refs.assignor = user
            if member.official:
                refs.officials.append(Official(user, member.grade or "", set()))
        new_users: list[tuple[Account, User]] = []
        for _ in range(season.new_officials):
            town = self.rng.choice(season.towns)
            first, last, phone = self._new_person(town)
            grade = _weighted(self.rng, season.grades)
            young = grade in ("Grade 9",) and self.rng.random() < 0.5
            age = self.rng.randint(15, 17) if young else self.rng.randint(19, 63)
            birth = self.anchor.replace(year=self.anchor.year - age, day=1) - timedelta(
                days=self.rng.randint(0, 330)
            )
            email = f"{first.lower()}.{last.lower()}@example.org"
            account = Account(
                login=email, email=email, first_name=first, last_name=last, active=True
            )
            roll = self.rng.random()
            user = User(
                site_id=site.id,
                first_name=first,
                last_name=last,
                email_addresses=[email],
                mobile_phone=phone,
                mobile_phone_is_public=self.rng.random() < 0.4,
                street1=f"{self.rng.randint(12, 980)} {self.rng.choice(sd.STREETS)}",
                city=town[0],
                state=town[1],
                postal_code=town[2],
                date_of_birth=birth if self.rng.random() < 0.7 or young else None,
                official=True,
                active=True,
                grade=grade,
                max_games_per_day=self.rng.choice((2, 3, 4)) if roll < 0.35 else None,
                max_games_per_week=self.rng.choice((4, 5, 6)) if 0.25 < roll < 0.45 else None,
                max_games_per_month=16 if roll > 0.92 else None,
            )
            new_users.append((account, user))
        self.session.add_all([a for a, _ in new_users])
        await self.session.flush()
        for account, user in new_users:
            user.account_id = account.id
        self.session.add_all([u for _, u in new_users])
        await self.session.flush()
        refs.officials.extend(Official(u, u.grade or "", set()) for _, u in new_users)

        memberships: list[GroupMembership] = []
        abilities: list[Ability] = []
        ages = {a.name: a.min_official_age for a in season.age_groups}
        for index, official in enumerate(refs.officials):
            user = official.user
            if user.account_id == self.world.accounts[self.demo_official.person].id:
                official.weight = 3.0
            for group, grades in season.group_grades.items():
                if official.grade in grades:
                    official.groups.add(group)
                    memberships.append(
                        GroupMembership(group_id=refs.groups[group].id, user_id=user.id)
                    )
            rules = season.abilities.get(official.grade, ())
            for age_group, abbreviation in rules:
                minimum = ages[age_group]
                if (
                    minimum is not None
                    and user.date_of_birth is not None
                    and _age_on(user.date_of_birth, self.anchor) < minimum
                ):
                    continue
                abilities.append(
                    Ability(
                        user_id=user.id,
                        age_group_id=refs.age_groups[age_group].id,
                        position_id=refs.positions[abbreviation].id if abbreviation else None,
                        allowed=True,
                    )
                )
                for position in season.positions:
                    if abbreviation in (None, position.abbreviation):
                        official.qualified.add((age_group, position.abbreviation))
            if index % 7 == 3 and rules:
                # A restriction: every position of the top age group but not the centre.
                top = rules[-1][0]
                if (top, "R") in official.qualified and rules[-1][1] is None:
                    abilities.append(
                        Ability(
                            user_id=user.id,
                            age_group_id=refs.age_groups[top].id,
                            position_id=refs.positions["R"].id,
                            allowed=False,
                        )
                    )
                    official.qualified.discard((top, "R"))
        self.session.add_all([*memberships, *abilities])
        await self.session.flush()

    async def _availability(self, refs: SiteRefs) -> None:
        rows: list[dict[str, Any]] = []
        now = utcnow()
        for official in refs.officials:
            keen = official.weight > 1
            for day in self.days:
                weekend = day.weekday() >= 5
                chance = (0.9 if weekend else 0.65) if keen else (0.75 if weekend else 0.4)
                if self.rng.random() >= chance:
                    continue
                windows: list[tuple[time, time] | None]
                if self.rng.random() < 0.55:
                    windows = [None]
                elif weekend:
                    pick = self.rng.random()
                    if pick < 0.35:
                        windows = [(time(7, 30), time(13, 0))]
                    elif pick < 0.7:
                        windows = [(time(12, 0), time(19, 0))]
                    else:
                        windows = [(time(7, 30), time(11, 0)), (time(13, 30), time(18, 30))]
                else:
                    windows = [
                        self.rng.choice(((time(15, 30), time(21, 0)), (time(17, 0), time(22, 0))))
                    ]
                self.available[(official.user.id, day)] = windows
                for window in windows:
                    start, end = window if window else (None, None)
                    rows.append(
                        {
                            "user_id": official.user.id,
                            "date": day,
                            "all_day": window is None,
                            "start_time": start,
                            "end_time": end,
                            "description": describe(window is None, start, end),
                            "lock_version": 0,
                            "created": now,
                            "updated": now,
                        }
                    )
        await self.session.execute(insert(Availability), rows)

    async def _conflicts(self, refs: SiteRefs) -> None:
        officials = refs.officials
        picks = self.rng.sample(range(len(officials)), 5)
        teams = list(refs.teams.values())
        team = self.rng.choice(teams)
        league = next(iter(refs.leagues.values()))
        venue = self.rng.choice(list(refs.venues.values()))
        a, b, c, d, e = (officials[i] for i in picks)
        rows = [
            OfficialConflict(
                user_id=a.user.id, kind="team", team_id=team.id, note="Daughter plays on this team"
            ),
            OfficialConflict(
                user_id=b.user.id, kind="venue", venue_id=venue.id, note="Works at this facility"
            ),
            OfficialConflict(
                user_id=c.user.id,
                kind="league",
                league_id=league.id,
                note="Coaches in this league",
            ),
            OfficialConflict(
                user_id=d.user.id,
                kind="official",
                other_user_id=e.user.id,
                note="Do not assign to the same crew",
            ),
        ]
        a.teams.add(team.id)
        b.venues.add(venue.id)
        c.leagues.add(league.id)
        d.avoid.add(e.user.id)
        e.avoid.add(d.user.id)
        self.session.add_all(rows)
        await self.session.flush()

    # -- games ------------------------------------------------------------------------------

    async def _games(self, refs: SiteRefs) -> None:
        season, site = refs.season, refs.site
        fields: dict[tuple[str, str | None], list[tuple[datetime, datetime]]] = defaultdict(list)
        lengths = {a.name: a.game_length for a in season.age_groups}
        number = 1000
        weeks = sd.WEEKS_BEFORE + 1 + sd.WEEKS_AFTER
        for week in range(weeks):
            monday = self.first_day + timedelta(weeks=week)
            for division in season.divisions:
                clubs = list(division.clubs)
                self.rng.shuffle(clubs)
                for home, away in zip(clubs[0::2], clubs[1::2], strict=True):
                    placed = self._place(refs, division, monday, fields, lengths)
                    if placed is None:
                        continue
                    venue, subvenue, start, end = placed
                    number += 1
                    day = monday + timedelta(days=start_day(start, site.timezone, monday))
                    offset = (day - self.anchor).days
                    cancelled = self.rng.random() < 0.03
                    status = self.rng.choice(("X", "C")) if cancelled else "A"
                    if offset < 14:
                        published = True
                    elif offset < 28:
                        published = self.rng.random() < 0.6
                    else:
                        published = False
                    pattern = _weighted(self.rng, division.patterns)
                    note = self.rng.choice(sd.PUBLIC_NOTES) if self.rng.random() < 0.2 else None
                    if cancelled:
                        note = "Cancelled: field closed after heavy rain."
                    game = Game(
                        site_id=site.id,
                        start_time=start,
                        local_date=day,
                        explicit_end=None,
                        end_time=end,
                        venue_id=venue.id,
                        subvenue=subvenue,
                        age_group_id=refs.age_groups[division.age_group].id,
                        home_team_id=refs.teams[
                            f"{home} {division.age_group} {division.gender}"
                        ].id,
                        away_team_id=refs.teams[
                            f"{away} {division.age_group} {division.gender}"
                        ].id,
                        league_id=refs.leagues[division.league].id,
                        game_type_id=refs.game_types[_weighted(self.rng, season.game_types)].id,
                        gender_id=refs.genders[division.gender].id,
                        pattern_id=refs.patterns[pattern][0].id,
                        assignor_id=refs.assignor.id if refs.assignor else None,
                        status=status,
                        published=published,
                        user_defined_id=f"{season.prefix}-{number}",
                        public_note=note,
                        private_note="Coach requested an experienced centre."
                        if self.rng.random() < 0.05
                        else None,
                    )
                    planned = PlannedGame(game, division.age_group, offset)
                    for order, position in enumerate(refs.patterns[pattern][1], start=1):
                        planned.slots.append(
                            Slot(planned, position.abbreviation, position.id, order)
                        )
                    refs.games.append(planned)
        refs.games.sort(key=lambda g: (g.row.start_time, g.row.user_defined_id or ""))
        self.session.add_all([g.row for g in refs.games])
        await self.session.flush()

    def _place(
        self,
        refs: SiteRefs,
        division: sd.DemoDivision,
        monday: date,
        fields: dict[tuple[str, str | None], list[tuple[datetime, datetime]]],
        lengths: dict[str, int],
    ) -> tuple[Venue, str | None, datetime, datetime] | None:
        """A free field and time on one of the division's days in that week."""
        tz = refs.site.timezone
        length = timedelta(minutes=lengths[division.age_group])
        for _ in range(60):
            weekday = self.rng.choice(division.days)
            weekend = weekday >= sd.SAT
            venues = [v for v in refs.season.venues if weekend or v.evenings]
            venue = self.rng.choice(venues)
            subvenue = self.rng.choice(venue.subvenues) if venue.subvenues else None
            clock = self.rng.choice(
                refs.season.weekend_times if weekend else refs.season.evening_times
            )
            start = to_utc(monday + timedelta(days=weekday), clock, tz)
            end = start + length
            taken = fields[(venue.name, subvenue)]
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            return refs.venues[venue.name], subvenue, start, end
        return None

    # -- slots ------------------------------------------------------------------------------

    def _eligible(self, official: Official, slot: Slot, *, strict: bool = True) -> bool:
        """Whether ``official`` may take ``slot``; not strict: even when not available."""
        game = slot.game
        row = game.row
        user = official.user
        if (game.age_group, slot.position) not in official.qualified:
            return False
        group = next(
            (p.group for p in self.positions[row.site_id] if p.abbreviation == slot.position),
            None,
        )
        if group is not None and group not in official.groups:
            return False
        if any(s.official is official for s in game.slots):
            return False
        if row.home_team_id in official.teams or row.away_team_id in official.teams:
            return False
        if row.league_id in official.leagues or row.venue_id in official.venues:
            return False
        if any(s.official is not None and s.official.user.id in official.avoid for s in game.slots):
            return False
        assert row.end_time is not None
        if strict:
            windows = self.available.get((user.id, row.local_date)) or []
            tz = self.zones[row.site_id]
            start_clock = row.start_time.astimezone(tz).time()
            end_clock = row.end_time.astimezone(tz).time()
            if not any(w is None or (w[0] <= start_clock and end_clock <= w[1]) for w in windows):
                return False
        span = (row.start_time - TRAVEL, row.end_time + TRAVEL)
        if any(s < span[1] and span[0] < e for s, e in self.busy[user.account_id]):
            return False
        day = row.local_date
        week = day - timedelta(days=day.weekday())
        same_day = sum(1 for d in official.days if d == day)
        if same_day + 1 > (user.max_games_per_day or DEFAULT_DAILY_CAP):
            return False
        if user.max_games_per_week is not None and (
            sum(1 for d in official.days if week <= d < week + timedelta(days=7)) + 1
            > user.max_games_per_week
        ):
            return False
        return not (
            user.max_games_per_month is not None
            and sum(1 for d in official.days if (d.year, d.month) == (day.year, day.month)) + 1
            > user.max_games_per_month
        )

    def _take(self, official: Official, slot: Slot, state: str) -> None:
        row = slot.game.row
        assert row.end_time is not None
        slot.official = official
        slot.accepted = state == "accepted"
        slot.declined = state == "declined"
        if slot.declined:
            slot.reason = self.rng.choice(sd.DECLINE_REASONS)
        else:
            self.busy[official.user.account_id].append((row.start_time, row.end_time))
            official.days.append(row.local_date)

    def _staff(self, refs: SiteRefs) -> None:
        self.positions[refs.site.id] = refs.season.positions
        self.zones[refs.site.id] = ZoneInfo(refs.site.timezone)
        for game in refs.games:
            offset, published = game.offset, game.row.published
            if offset < 0:
                fill = 0.97
            elif offset < 7:
                fill = 0.8
            elif offset < 14:
                fill = 0.65
            elif offset < 28:
                fill = 0.45
            else:
                fill = 0.2
            for slot in game.slots:
                if self.rng.random() >= fill:
                    continue
                eligible = [o for o in refs.officials if self._eligible(o, slot)]
                if not eligible:
                    continue
                load = [o.weight / (1 + len(o.days) / 4) for o in eligible]
                official = self.rng.choices(eligible, weights=load)[0]
                roll = self.rng.random()
                if offset < 0:
                    state = "accepted" if roll < 0.98 else "declined"
                elif not published:
                    state = "pending"
                elif roll < 0.55:
                    state = "accepted"
                elif roll < 0.88:
                    state = "pending"
                else:
                    state = "declined"
                self._take(official, slot, state)
        self._guarantee_pending(refs)

    def _guarantee_pending(self, refs: SiteRefs) -> None:
        """The demo official has at least two pending slots in published games ahead."""
        demo = next(
            (
                o
                for o in refs.officials
                if o.user.account_id == self.world.accounts[self.demo_official.person].id
            ),
            None,
        )
        if demo is None or refs.season.site != self.demo_official.site:
            return
        for game in refs.games:
            if len(self._pending_of(refs, demo)) >= 2:
                return
            if game.offset < 3 or not game.row.published or game.row.status != "A":
                continue
            vacant = next(
                (
                    s
                    for s in game.slots
                    if s.official is None and self._eligible(demo, s, strict=False)
                ),
                None,
            )
            if vacant is not None:
                self._take(demo, vacant, "pending")

    def _pending_of(self, refs: SiteRefs, official: Official) -> list[Slot]:
        return [
            s
            for g in refs.games
            if g.offset >= 3 and g.row.published and g.row.status == "A"
            for s in g.slots
            if s.official is official and not s.accepted and not s.declined
        ]

    async def _write_slots(self, refs: SiteRefs) -> None:
        rows: list[Assignment] = []
        for game in refs.games:
            for slot in game.slots:
                slot.row = Assignment(
                    game_id=game.row.id,
                    position_id=slot.position_id,
                    sort_order=slot.sort_order,
                    official_id=slot.official.user.id if slot.official else None,
                    accepted=slot.accepted,
                    declined=slot.declined,
                    decline_reason=slot.reason,
                )
                rows.append(slot.row)
        self.session.add_all(rows)
        await self.session.flush()

    # -- reports, requests, explore ---------------------------------------------------------

    async def _reports(self, sites: list[SiteRefs]) -> None:
        for refs, count in zip(sites, (6, 2), strict=True):
            done = [
                g
                for g in refs.games
                if g.offset < 0
                and g.row.status == "A"
                and all(s.official is not None and s.accepted for s in g.slots)
            ]
            chosen = sorted(
                self.rng.sample(done, min(count, len(done))), key=lambda g: g.row.start_time
            )
            for index, game in enumerate(chosen):
                referee = game.slots[0].official
                assert referee is not None
                soccer = refs.season.site == "riverside"
                low, high = (0, 4) if soccer else (38, 82)
                misconduct = soccer and index == 1
                report = GameReport(
                    game_id=game.row.id,
                    author_id=referee.user.id,
                    misconduct=misconduct,
                    home_team_score=self.rng.randint(low, high),
                    away_team_score=self.rng.randint(low, high),
                    text=sd.MISCONDUCT_TEXT
                    if misconduct
                    else self.rng.choice(sd.REPORT_TEXTS[refs.season.site]),
                )
                self.session.add(report)
                await self.session.flush()
                in_game = {s.official.user.id for s in game.slots if s.official}
                for order, slot in enumerate(game.slots):
                    assert slot.row is not None and slot.official is not None
                    worker = slot.official.user.id
                    no_show = index == 2 and order == len(game.slots) - 1 and order > 0
                    if no_show:
                        stand_in = next(
                            o
                            for o in refs.officials
                            if o.user.id not in in_game
                            and (game.age_group, slot.position) in o.qualified
                        )
                        worker = stand_in.user.id
                    self.session.add(
                        GameReportOfficial(
                            report_id=report.id,
                            assignment_id=slot.row.id,
                            official_id=worker,
                            no_show=no_show,
                            no_show_status="excused" if no_show else None,
                        )
                    )
        await self.session.flush()

    async def _requests_and_explore(self, home: SiteRefs, other: SiteRefs) -> dict[str, Any]:
        demo = next(
            o
            for o in home.officials
            if o.user.account_id == self.world.accounts[self.demo_official.person].id
        )
        open_games = [
            g
            for g in home.games
            if g.offset >= 2
            and g.row.published
            and g.row.status == "A"
            and any(s.official is None for s in g.slots)
        ]
        requests: list[GameRequest] = []
        used: set[int] = set()
        for game in open_games:
            if any(s.official is demo for s in game.slots):
                continue
            if not any(
                s.official is None and (game.age_group, s.position) in demo.qualified
                for s in game.slots
            ):
                continue
            requests.append(
                GameRequest(
                    game_id=game.row.id,
                    user_id=demo.user.id,
                    status="pending",
                    comment="Happy to take any open spot on this one.",
                )
            )
            used.add(game.row.id)
            break
        others = [o for o in home.officials if o is not demo]
        for status, comment in (
            ("pending", "Free all afternoon; can work the AR if needed."),
            ("declined", "Would like a centre on this game."),
        ):
            for game in open_games:
                if game.row.id in used:
                    continue
                slot = next(s for s in game.slots if s.official is None)
                official = next(
                    (o for o in others if self._eligible(o, slot)),
                    None,
                )
                if official is None:
                    continue
                requests.append(
                    GameRequest(
                        game_id=game.row.id,
                        position_id=slot.position_id,
                        user_id=official.user.id,
                        status=status,
                        comment=comment,
                    )
                )
                used.add(game.row.id)
                break
        # Self-assign site: an approved request that filled its slot.
        approved = next(
            (
                s
                for g in other.games
                if g.offset >= 2 and g.row.published and g.row.status == "A"
                for s in g.slots
                if s.official is not None and s.accepted
            ),
            None,
        )
        if approved is not None and approved.row is not None and approved.official is not None:
            requests.append(
                GameRequest(
                    game_id=approved.game.row.id,
                    position_id=approved.position_id,
                    user_id=approved.official.user.id,
                    status="approved",
                    comment="Can do the late game after my JV assignment.",
                    assignment_id=approved.row.id,
                )
            )
        self.session.add_all(requests)
        await self.session.flush()

        pending = self._pending_of(home, demo)
        vacant = next(
            (
                s
                for g in home.games
                if g.offset >= 1 and g.row.published and g.row.status == "A"
                for s in g.slots
                if s.official is None
            ),
            None,
        )
        explore: dict[str, Any] = {"site_id": home.site.id, "anchor_date": self.anchor.isoformat()}
        if pending and pending[0].row is not None:
            slot = pending[0]
            explore.update(
                {
                    "game_id": slot.game.row.id,
                    "assignment_id": slot.row.id if slot.row else None,
                    "venue_id": slot.game.row.venue_id,
                }
            )
        if vacant is not None and vacant.row is not None:
            explore["vacant_assignment_id"] = vacant.row.id
        return explore


def start_day(start: datetime, tz: str, monday: date) -> int:
    return (start.astimezone(ZoneInfo(tz)).date() - monday).days


async def step_season(session: AsyncSession, runtime: Runtime, world: DemoWorld) -> None:
    """Step 2: reference data, 50+ more officials with availability and abilities, a season
    of games with slots in every state, conflicts, game reports and game requests."""
    flag = await session.get(ServerFlag, ANCHOR_FLAG)
    if flag is not None:
        anchor = date.fromisoformat(flag.value)
    else:
        anchor = utcnow().date()
        session.add(ServerFlag(name=ANCHOR_FLAG, value=anchor.isoformat()))
    explore = await SeasonBuilder(session, world, anchor).run()
    existing = await session.get(ServerFlag, EXPLORE_FLAG)
    value = json.dumps(explore, separators=(",", ":"))
    if existing is None:
        session.add(ServerFlag(name=EXPLORE_FLAG, value=value))
    else:
        existing.value = value
    await session.flush()


async def read_explore(session: AsyncSession) -> dict[str, Any] | None:
    flag = await session.get(ServerFlag, EXPLORE_FLAG)
    if flag is None:
        return None
    try:
        value = json.loads(flag.value)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
