"""Demo season: what happens around the games once they are staffed: game reports for some
played games, game requests, and the records the ``explore`` pointers name."""

from __future__ import annotations

from typing import Any

from refdesk.server.demo import season_data as sd
from refdesk.server.demo.season_staffing import may_take, pending_of
from refdesk.server.demo.season_state import SeasonBuilder, SiteRefs
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.reports.models import GameReport, GameReportOfficial


async def add_reports(builder: SeasonBuilder, sites: list[SiteRefs]) -> None:
    for refs, count in zip(sites, (6, 2), strict=True):
        done = [
            g
            for g in refs.games
            if g.offset < 0
            and g.row.status == "A"
            and all(s.official is not None and s.accepted for s in g.slots)
        ]
        chosen = sorted(
            builder.rng.sample(done, min(count, len(done))), key=lambda g: g.row.start_time
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
                home_team_score=builder.rng.randint(low, high),
                away_team_score=builder.rng.randint(low, high),
                text=sd.MISCONDUCT_TEXT
                if misconduct
                else builder.rng.choice(sd.REPORT_TEXTS[refs.season.site]),
            )
            builder.session.add(report)
            await builder.session.flush()
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
                builder.session.add(
                    GameReportOfficial(
                        report_id=report.id,
                        assignment_id=slot.row.id,
                        official_id=worker,
                        no_show=no_show,
                        no_show_status="excused" if no_show else None,
                    )
                )
    await builder.session.flush()


async def add_requests_and_explore(
    builder: SeasonBuilder, home: SiteRefs, other: SiteRefs
) -> dict[str, Any]:
    demo = next(
        o
        for o in home.officials
        if o.user.account_id == builder.world.accounts[builder.demo_official.person].id
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
                (o for o in others if may_take(builder, o, slot)),
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
    builder.session.add_all(requests)
    await builder.session.flush()

    pending = pending_of(home, demo)
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
    explore: dict[str, Any] = {"site_id": home.site.id, "anchor_date": builder.anchor.isoformat()}
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
