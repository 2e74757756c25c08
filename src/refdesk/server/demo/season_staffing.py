"""Demo season: officials put into the slots of one site's games, by the rules the API enforces
(abilities, groups, conflicts, availability, no overlaps, game limits), then written."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from refdesk.server.assignments.models import Assignment
from refdesk.server.demo import season_data as sd
from refdesk.server.demo.season_state import Official, SeasonBuilder, SiteRefs, Slot

TRAVEL = timedelta(minutes=30)
DEFAULT_DAILY_CAP = 3


def may_take(
    builder: SeasonBuilder, official: Official, slot: Slot, *, strict: bool = True
) -> bool:
    """Whether ``official`` may take ``slot``; not strict: even when not available."""
    game = slot.game
    row = game.row
    user = official.user
    if (game.age_group, slot.position) not in official.qualified:
        return False
    group = next(
        (p.group for p in builder.positions[row.site_id] if p.abbreviation == slot.position),
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
        windows = builder.available.get((user.id, row.local_date)) or []
        tz = builder.zones[row.site_id]
        start_clock = row.start_time.astimezone(tz).time()
        end_clock = row.end_time.astimezone(tz).time()
        if not any(w is None or (w[0] <= start_clock and end_clock <= w[1]) for w in windows):
            return False
    span = (row.start_time - TRAVEL, row.end_time + TRAVEL)
    if any(s < span[1] and span[0] < e for s, e in builder.busy[user.account_id]):
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


def _take(builder: SeasonBuilder, official: Official, slot: Slot, state: str) -> None:
    row = slot.game.row
    assert row.end_time is not None
    slot.official = official
    slot.accepted = state == "accepted"
    slot.declined = state == "declined"
    if slot.declined:
        slot.reason = builder.rng.choice(sd.DECLINE_REASONS)
    else:
        builder.busy[official.user.account_id].append((row.start_time, row.end_time))
        official.days.append(row.local_date)


def staff(builder: SeasonBuilder, refs: SiteRefs) -> None:
    builder.positions[refs.site.id] = refs.season.positions
    builder.zones[refs.site.id] = ZoneInfo(refs.site.timezone)
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
            if builder.rng.random() >= fill:
                continue
            eligible = [o for o in refs.officials if may_take(builder, o, slot)]
            if not eligible:
                continue
            load = [o.weight / (1 + len(o.days) / 4) for o in eligible]
            official = builder.rng.choices(eligible, weights=load)[0]
            roll = builder.rng.random()
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
            _take(builder, official, slot, state)
    _guarantee_pending(builder, refs)


def _guarantee_pending(builder: SeasonBuilder, refs: SiteRefs) -> None:
    """The demo official has at least two pending slots in published games ahead."""
    demo = next(
        (
            o
            for o in refs.officials
            if o.user.account_id == builder.world.accounts[builder.demo_official.person].id
        ),
        None,
    )
    if demo is None or refs.season.site != builder.demo_official.site:
        return
    for game in refs.games:
        if len(pending_of(refs, demo)) >= 2:
            return
        if game.offset < 3 or not game.row.published or game.row.status != "A":
            continue
        vacant = next(
            (
                s
                for s in game.slots
                if s.official is None and may_take(builder, demo, s, strict=False)
            ),
            None,
        )
        if vacant is not None:
            _take(builder, demo, vacant, "pending")


def pending_of(refs: SiteRefs, official: Official) -> list[Slot]:
    return [
        s
        for g in refs.games
        if g.offset >= 3 and g.row.published and g.row.status == "A"
        for s in g.slots
        if s.official is official and not s.accepted and not s.declined
    ]


async def write_slots(builder: SeasonBuilder, refs: SiteRefs) -> None:
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
    builder.session.add_all(rows)
    await builder.session.flush()
