"""``refdesk auto-assign`` against the real app (issue 14): progress, the proposal's table,
``--apply`` and ``--json``, one error line for bad input."""

from __future__ import annotations

import json

from refdesk.server.autoassign.jobs import jobs_of
from tests.factories import create_member
from tests.support.cli import error_line
from tests.support.desk import Desk, desk_fixture  # noqa: F401
from tests.support.games import future_day, make_game


async def test_auto_assign_shows_the_proposal_and_applies_it(desk: Desk) -> None:
    settings = {"use_availability": "false", "use_abilities": "false"}
    resp = await desk.http.put(f"/api/v2/sites/{desk.site_id}", json=settings, headers=desk.a)
    assert resp.status_code == 200, resp.text
    officials = [
        await create_member(desk.runtime, desk.site, first_name=f"Casey{n}", last_name="Ump")
        for n in range(3)
    ]
    game = await make_game(desk.http, desk.site_id, desk.a)
    day = future_day()
    shown = await desk.run("auto-assign", "--site", str(desk.site_id), "--from", day, "--to", day)
    assert shown.exit_code == 0, shown.output
    assert "3 slots filled" in shown.stdout and "Casey" in shown.stdout
    assert str(game["id"]) in shown.stdout
    slots = (await desk.http.get(f"/api/v2/games/{game['id']}/assignments", headers=desk.a)).json()
    assert all(s["official_id"] is None for s in slots["_embedded"]["assignments"])

    applied = await desk.run(
        "auto-assign", "--site", str(desk.site_id), "--from", day, "--to", day, "--apply",
        "-o", "json",
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    proposal = json.loads(applied.stdout)
    assert proposal["status"] == "done" and len(proposal["applied"]["applied"]) == 3
    slots = (await desk.http.get(f"/api/v2/games/{game['id']}/assignments", headers=desk.a)).json()
    held = {s["official_id"] for s in slots["_embedded"]["assignments"]}
    assert held == {m.user.id for m in officials}
    await jobs_of(desk.runtime).drain()


async def test_auto_assign_bad_range_is_one_error_line(desk: Desk) -> None:
    result = await desk.run(
        "auto-assign", "--site", str(desk.site_id), "--from", "2027-02-02", "--to", "2027-02-01"
    )
    assert result.exit_code != 0
    assert "end_date must be on or after the start date" in error_line(result)
