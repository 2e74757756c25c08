"""Demo season: the officials of one site (the seeded members and generated ones) with their
groups and abilities, their availability, and a few conflicts."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import insert

from refdesk.server.accounts.models import Account
from refdesk.server.availability.models import Availability
from refdesk.server.availability.representation import describe
from refdesk.server.db.base import utcnow
from refdesk.server.demo import data
from refdesk.server.demo import season_data as sd
from refdesk.server.demo.season_state import Official, SeasonBuilder, SiteRefs, weighted
from refdesk.server.officials.models import Ability, OfficialConflict
from refdesk.server.reference.models import GroupMembership
from refdesk.server.users.models import User


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _new_person(builder: SeasonBuilder, town: tuple[str, str, str, str]) -> tuple[str, str, str]:
    while True:
        first = builder.rng.choice(sd.FIRST_NAMES)
        last = builder.rng.choice(sd.LAST_NAMES)
        email = f"{first.lower()}.{last.lower()}@example.org"
        if email not in builder.emails:
            builder.emails.add(email)
            phone = f"({town[3]}) 555-{100 + builder.phone:04d}"
            builder.phone += 1
            return first, last, phone


async def add_officials(builder: SeasonBuilder, refs: SiteRefs) -> None:
    season, site = refs.season, refs.site
    existing = [m for m in data.MEMBERSHIPS if m.site == season.site and (m.official or m.assignor)]
    for member in existing:
        user = builder.world.users[(season.site, member.person)]
        if member.assignor and refs.assignor is None:
            refs.assignor = user
        if member.official:
            refs.officials.append(Official(user, member.grade or "", set()))
    new_users: list[tuple[Account, User]] = []
    for _ in range(season.new_officials):
        town = builder.rng.choice(season.towns)
        first, last, phone = _new_person(builder, town)
        grade = weighted(builder.rng, season.grades)
        young = grade in ("Grade 9",) and builder.rng.random() < 0.5
        age = builder.rng.randint(15, 17) if young else builder.rng.randint(19, 63)
        birth = builder.anchor.replace(year=builder.anchor.year - age, day=1) - timedelta(
            days=builder.rng.randint(0, 330)
        )
        email = f"{first.lower()}.{last.lower()}@example.org"
        account = Account(login=email, email=email, first_name=first, last_name=last, active=True)
        roll = builder.rng.random()
        user = User(
            site_id=site.id,
            first_name=first,
            last_name=last,
            email_addresses=[email],
            mobile_phone=phone,
            mobile_phone_is_public=builder.rng.random() < 0.4,
            street1=f"{builder.rng.randint(12, 980)} {builder.rng.choice(sd.STREETS)}",
            city=town[0],
            state=town[1],
            postal_code=town[2],
            date_of_birth=birth if builder.rng.random() < 0.7 or young else None,
            official=True,
            active=True,
            grade=grade,
            max_games_per_day=builder.rng.choice((2, 3, 4)) if roll < 0.35 else None,
            max_games_per_week=builder.rng.choice((4, 5, 6)) if 0.25 < roll < 0.45 else None,
            max_games_per_month=16 if roll > 0.92 else None,
        )
        new_users.append((account, user))
    builder.session.add_all([a for a, _ in new_users])
    await builder.session.flush()
    for account, user in new_users:
        user.account_id = account.id
    builder.session.add_all([u for _, u in new_users])
    await builder.session.flush()
    refs.officials.extend(Official(u, u.grade or "", set()) for _, u in new_users)

    memberships: list[GroupMembership] = []
    abilities: list[Ability] = []
    ages = {a.name: a.min_official_age for a in season.age_groups}
    for index, official in enumerate(refs.officials):
        user = official.user
        if user.account_id == builder.world.accounts[builder.demo_official.person].id:
            official.weight = 3.0
        for group, grades in season.group_grades.items():
            if official.grade in grades:
                official.groups.add(group)
                memberships.append(GroupMembership(group_id=refs.groups[group].id, user_id=user.id))
        rules = season.abilities.get(official.grade, ())
        for age_group, abbreviation in rules:
            minimum = ages[age_group]
            if (
                minimum is not None
                and user.date_of_birth is not None
                and _age_on(user.date_of_birth, builder.anchor) < minimum
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
    builder.session.add_all([*memberships, *abilities])
    await builder.session.flush()


async def add_availability(builder: SeasonBuilder, refs: SiteRefs) -> None:
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for official in refs.officials:
        keen = official.weight > 1
        for day in builder.days:
            weekend = day.weekday() >= 5
            chance = (0.9 if weekend else 0.65) if keen else (0.75 if weekend else 0.4)
            if builder.rng.random() >= chance:
                continue
            windows: list[tuple[time, time] | None]
            if builder.rng.random() < 0.55:
                windows = [None]
            elif weekend:
                pick = builder.rng.random()
                if pick < 0.35:
                    windows = [(time(7, 30), time(13, 0))]
                elif pick < 0.7:
                    windows = [(time(12, 0), time(19, 0))]
                else:
                    windows = [(time(7, 30), time(11, 0)), (time(13, 30), time(18, 30))]
            else:
                windows = [
                    builder.rng.choice(((time(15, 30), time(21, 0)), (time(17, 0), time(22, 0))))
                ]
            builder.available[(official.user.id, day)] = windows
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
    await builder.session.execute(insert(Availability), rows)


async def add_conflicts(builder: SeasonBuilder, refs: SiteRefs) -> None:
    officials = refs.officials
    picks = builder.rng.sample(range(len(officials)), 5)
    teams = list(refs.teams.values())
    team = builder.rng.choice(teams)
    league = next(iter(refs.leagues.values()))
    venue = builder.rng.choice(list(refs.venues.values()))
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
    builder.session.add_all(rows)
    await builder.session.flush()
