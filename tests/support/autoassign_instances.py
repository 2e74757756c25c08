"""A hypothesis strategy of small auto-assign instances (slots on three dates, up to five
officials with availability, abilities, conflicts and limits), shared by the random tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from hypothesis import strategies as st

from refdesk.server.autoassign.instance import Instance, Official, Options, Slot, Venue, Window

DAYS = [date(2026, 10, 10), date(2026, 10, 11), date(2026, 10, 12)]


@st.composite
def instances(draw: st.DrawFn) -> tuple[Instance, Options]:
    venues = tuple(
        Venue(v, f"V{v}", 45 + draw(st.floats(0, 0.5)), -75 + draw(st.floats(0, 0.5)))
        for v in range(1, draw(st.integers(1, 4)) + 1)
    )
    slots: list[Slot] = []
    for game in range(1, draw(st.integers(1, 8)) + 1):
        day = draw(st.sampled_from(DAYS))
        start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            minutes=draw(st.integers(8 * 4, 18 * 4)) * 15
        )
        shared = {
            "game_id": game,
            "start": start,
            "end": start + timedelta(minutes=draw(st.sampled_from([45, 60, 90]))),
            "local_date": day,
            "venue_id": draw(st.sampled_from([v.id for v in venues])),
            "home_team_id": draw(st.integers(1, 5)),
            "away_team_id": draw(st.integers(6, 9)),
            "age_group_id": draw(st.integers(1, 2)),
        }
        for position in range(1, draw(st.integers(1, 3)) + 1):
            held = draw(st.sampled_from([None, None, None, 1, 2]))
            slots.append(
                Slot(
                    id=len(slots) + 1,
                    position_id=position,
                    level=draw(st.integers(0, 3)),
                    official_id=held,
                    fixed=held is not None and draw(st.booleans()),
                    **shared,
                )
            )
    officials = []
    for o in range(1, draw(st.integers(1, 5)) + 1):
        windows = tuple(
            Window(d) if draw(st.booleans()) else Window(d, clock(9), clock(15))
            for d in DAYS
            if draw(st.booleans())
        )
        officials.append(
            Official(
                id=o,
                availability=windows if draw(st.booleans()) else None,
                qualified=frozenset(
                    (a, p) for a in (1, 2) for p in (1, 2, 3) if draw(st.integers(0, 3))
                ),
                team_conflicts=frozenset(draw(st.sets(st.integers(1, 9), max_size=1))),
                official_conflicts=frozenset(draw(st.sets(st.integers(1, 5), max_size=1))),
                max_per_day=draw(st.sampled_from([None, 1, 2])),
                max_per_week=draw(st.sampled_from([None, 2, 4])),
                strength=draw(st.integers(0, 3)),
                wanted_games=draw(st.sampled_from([None, 1, 3])),
            )
        )
    options = Options(
        time_limit_seconds=2.0,
        workers=1,
        travel_buffer_minutes=draw(st.sampled_from([0, 15])),
        max_per_day=draw(st.sampled_from([None, 2])),
    )
    return Instance(slots=tuple(slots), officials=tuple(officials), venues=venues), options
