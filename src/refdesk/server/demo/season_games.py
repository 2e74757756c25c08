"""Demo season: the games of one site, week by week for every division, each on a free field
and time, with one open slot per position of its pattern."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from refdesk.server.demo import season_data as sd
from refdesk.server.demo.season_state import PlannedGame, SeasonBuilder, SiteRefs, Slot, weighted
from refdesk.server.games.models import Game
from refdesk.server.games.timing import to_utc
from refdesk.server.venues.models import Venue


async def add_games(builder: SeasonBuilder, refs: SiteRefs) -> None:
    season, site = refs.season, refs.site
    fields: dict[tuple[str, str | None], list[tuple[datetime, datetime]]] = defaultdict(list)
    lengths = {a.name: a.game_length for a in season.age_groups}
    number = 1000
    weeks = sd.WEEKS_BEFORE + 1 + sd.WEEKS_AFTER
    for week in range(weeks):
        monday = builder.first_day + timedelta(weeks=week)
        for division in season.divisions:
            clubs = list(division.clubs)
            builder.rng.shuffle(clubs)
            for home, away in zip(clubs[0::2], clubs[1::2], strict=True):
                placed = _place(builder, refs, division, monday, fields, lengths)
                if placed is None:
                    continue
                venue, subvenue, start, end = placed
                number += 1
                day = monday + timedelta(days=start_day(start, site.timezone, monday))
                offset = (day - builder.anchor).days
                cancelled = builder.rng.random() < 0.03
                status = builder.rng.choice(("X", "C")) if cancelled else "A"
                if offset < 14:
                    published = True
                elif offset < 28:
                    published = builder.rng.random() < 0.6
                else:
                    published = False
                pattern = weighted(builder.rng, division.patterns)
                note = builder.rng.choice(sd.PUBLIC_NOTES) if builder.rng.random() < 0.2 else None
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
                    home_team_id=refs.teams[f"{home} {division.age_group} {division.gender}"].id,
                    away_team_id=refs.teams[f"{away} {division.age_group} {division.gender}"].id,
                    league_id=refs.leagues[division.league].id,
                    game_type_id=refs.game_types[weighted(builder.rng, season.game_types)].id,
                    gender_id=refs.genders[division.gender].id,
                    pattern_id=refs.patterns[pattern][0].id,
                    assignor_id=refs.assignor.id if refs.assignor else None,
                    status=status,
                    published=published,
                    user_defined_id=f"{season.prefix}-{number}",
                    public_note=note,
                    private_note="Coach requested an experienced centre."
                    if builder.rng.random() < 0.05
                    else None,
                )
                planned = PlannedGame(game, division.age_group, offset)
                for order, position in enumerate(refs.patterns[pattern][1], start=1):
                    planned.slots.append(Slot(planned, position.abbreviation, position.id, order))
                refs.games.append(planned)
    refs.games.sort(key=lambda g: (g.row.start_time, g.row.user_defined_id or ""))
    builder.session.add_all([g.row for g in refs.games])
    await builder.session.flush()


def _place(
    builder: SeasonBuilder,
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
        weekday = builder.rng.choice(division.days)
        weekend = weekday >= sd.SAT
        venues = [v for v in refs.season.venues if weekend or v.evenings]
        venue = builder.rng.choice(venues)
        subvenue = builder.rng.choice(venue.subvenues) if venue.subvenues else None
        clock = builder.rng.choice(
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


def start_day(start: datetime, tz: str, monday: date) -> int:
    return (start.astimezone(ZoneInfo(tz)).date() - monday).days
