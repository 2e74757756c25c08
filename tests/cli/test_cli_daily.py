"""Daily-work commands against the real app: sites, assignments, candidates, availability,
statements, and the one-line error (with its exit code) for every error status."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx

from tests.factories import Member, create_member, create_site, create_user
from tests.support.desk import Desk, desk_fixture  # noqa: F401
from tests.support.games import future_day, make_game


def one_error_line(result: Any, code: int, prefix: str) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {prefix}"), lines[0]
    return str(lines[0])


async def official(desk: Desk, first: str, last: str) -> Member:
    return await create_member(desk.runtime, desk.site, first_name=first, last_name=last)


async def test_sites_list_in_every_format(desk: Desk) -> None:
    other = await create_site(desk.runtime, name="Valley League")
    await create_user(desk.runtime, other, desk.assignor.account, assignor=True)

    table = await desk.run("sites", "list")
    assert table.exit_code == 0, table.output
    assert "Harbor Referees" in table.stdout and "Valley League" in table.stdout
    assert "subscription" in table.stdout and "America/New_York" in table.stdout

    as_json = json.loads((await desk.run("sites", "list", "--output", "json")).stdout)
    assert [(s["id"], s["name"]) for s in as_json] == [
        (desk.site_id, "Harbor Referees"),
        (other.id, "Valley League"),
    ]
    assert as_json[0]["_links"]["self"]["resource-type"] == "site"

    rows = list(csv.reader(io.StringIO((await desk.run("sites", "list", "-o", "csv")).stdout)))
    assert rows[0] == ["id", "name", "timezone", "subscription"]
    assert rows[1] == [str(desk.site_id), "Harbor Referees", "America/New_York", "active"]

    bad = await desk.run("sites", "list", "--output", "xml")
    assert bad.exit_code == 2 and "Invalid value for '--output'" in bad.stderr


async def test_assign_accept_decline_unassign_and_candidates(desk: Desk) -> None:
    alex = await official(desk, "Alex", "Rivera")
    blair = await official(desk, "Blair", "Stone")
    game = await make_game(desk.http, desk.site_id, desk.a)
    slot = game["_embedded"]["assignments"][0]["id"]

    listed = await desk.run("candidates", str(slot))
    assert listed.exit_code == 0, listed.output
    assert "Alex Rivera" in listed.stdout and "Blair Stone" in listed.stdout
    found = json.loads((await desk.run("candidates", str(slot), "-o", "json")).stdout)
    assert {c["user_id"] for c in found} == {alex.user.id, blair.user.id}
    assert all("D" in c["conflicts"] for c in found)  # no availability entered
    only_blair = await desk.run("candidates", str(slot), "--query", "stone", "-o", "json")
    assert [c["user_id"] for c in json.loads(only_blair.stdout)] == [blair.user.id]

    assigned = await desk.run("assign", str(slot), str(alex.user.id))
    assert assigned.exit_code == 0, assigned.output
    assert f"assigned user {alex.user.id} to assignment {slot}" in assigned.stdout
    assert f"Alex Rivera ({alex.user.id})" in assigned.stdout

    accepted = json.loads((await desk.run("accept", str(slot), "-o", "json")).stdout)
    assert (accepted["accepted"], accepted["declined"]) == (True, False)

    declined = await desk.run("decline", str(slot), "--reason", "Out of town", "-o", "json")
    assert declined.exit_code == 0, declined.output
    body = json.loads(declined.stdout)
    assert (body["accepted"], body["declined"], body["decline_reason"]) == (
        False,
        True,
        "Out of town",
    )

    vacated = await desk.run("unassign", str(slot), "-o", "csv")
    assert vacated.exit_code == 0, vacated.output
    rows = list(csv.DictReader(io.StringIO(vacated.stdout)))
    assert rows[0]["assigned"] == "false" and rows[0]["official"] == ""

    # Errors: unknown slot, not an official, vacant slot, an official assigning.
    one_error_line(await desk.run("assign", "999999", str(alex.user.id)), 8, "not found: ")
    observer = await create_member(desk.runtime, desk.site, official=False, observer=True)
    line = one_error_line(
        await desk.run("assign", str(slot), str(observer.user.id)), 10, "validation failed (422)"
    )
    assert line.endswith("user_id must be an active official of this site")
    line = one_error_line(await desk.run("accept", str(slot)), 10, "validation failed (422)")
    assert line.endswith("base no official is assigned to this slot")
    zero = await desk.run("decline", "0")  # ids are positive: a usage error
    assert zero.exit_code == 2
    assert zero.stderr.strip().splitlines()[-1].startswith("Error: Invalid value for")
    as_alex = desk.env_for(await desk.credentials_for(alex))
    line = one_error_line(
        await desk.run("assign", str(slot), str(blair.user.id), env=as_alex), 7, "forbidden: "
    )
    assert "(403 forbidden)" in line
    one_error_line(await desk.run("candidates", "999999"), 8, "not found: ")
    one_error_line(await desk.run("unassign", "999999"), 8, "not found: ")


async def test_availability_set_list_and_clear(desk: Desk) -> None:
    alex = await official(desk, "Alex", "Rivera")
    user = str(alex.user.id)
    all_day = await desk.run("availability", "set", user, "2026-12-01", "-o", "json")
    assert all_day.exit_code == 0, all_day.output
    entry = json.loads(all_day.stdout)
    assert (entry["date"], entry["all_day"], entry["description"]) == (
        "2026-12-01",
        "true",
        "all day",
    )
    window = await desk.run(
        "availability", "set", user, "2026-12-05", "--start", "8:00 AM", "--end", "11:00"
    )
    assert window.exit_code == 0, window.output
    assert "8a-11a" in window.stdout

    listed = await desk.run("availability", "list", user)
    assert listed.exit_code == 0
    assert "2026-12-01" in listed.stdout and "8:00 AM" in listed.stdout
    december_5 = await desk.run(
        "availability", "list", user, "--from", "2026-12-02", "--to", "2026-12-31", "-o", "json"
    )
    assert [e["date"] for e in json.loads(december_5.stdout)] == ["2026-12-05"]

    cleared = await desk.run("availability", "clear", user, str(entry["id"]))
    assert cleared.exit_code == 0
    assert cleared.stdout.strip() == f"deleted availability entry {entry['id']} of user {user}"
    remaining = json.loads((await desk.run("availability", "list", user, "-o", "json")).stdout)
    assert [e["date"] for e in remaining] == ["2026-12-05"]
    empty = await desk.run("availability", "list", user, "--from", "2027-01-01")
    assert empty.stdout.strip() == "no availability entries"

    # Errors.
    line = one_error_line(
        await desk.run(
            "availability", "set", user, "2026-12-06", "--start", "11:00", "--end", "9:00"
        ),
        10,
        "validation failed (422)",
    )
    assert "end_time" in line
    one_error_line(
        await desk.run("availability", "set", user, "2026-12-06", "--start", "11:00"),
        2,
        "give both --start and --end",
    )
    bad_date = await desk.run("availability", "set", user, "12/06/2026")
    assert bad_date.exit_code == 2 and "Invalid value for" in bad_date.stderr
    one_error_line(
        await desk.run("availability", "clear", user, str(entry["id"])), 8, "not found: "
    )
    one_error_line(await desk.run("availability", "list", "999999"), 8, "not found: ")


async def test_statements_for_the_site_and_for_the_official(desk: Desk) -> None:
    alex = await official(desk, "Alex", "Rivera")
    game = await make_game(desk.http, desk.site_id, desk.a)
    slot = game["_embedded"]["assignments"][0]
    await desk.http.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={
            "fees": [
                {"pattern_id": game["pattern_id"], "position_id": slot["position_id"], "amount": 45}
            ]
        },
        headers=desk.a,
    )
    assert (await desk.run("assign", str(slot["id"]), str(alex.user.id))).exit_code == 0
    created = await desk.http.post(
        f"/api/v2/sites/{desk.site_id}/statements",
        json={
            "user_id": alex.user.id,
            "period_start": "2020-01-01",
            "period_end": "2099-12-31",
            "description": "Season",
        },
        headers=desk.a,
    )
    assert created.status_code == 201, created.text

    site_view = await desk.run("statements", "--site", str(desk.site_id))
    assert site_view.exit_code == 0, site_view.output
    assert "Season" in site_view.stdout and "$45.00" in site_view.stdout
    assert "Alex Rivera" in site_view.stdout
    none_for_assignor = await desk.run("statements")
    assert none_for_assignor.stdout.strip() == "no statements"

    as_alex = desk.env_for(await desk.credentials_for(alex))
    mine = await desk.run("statements", "-o", "json", env=as_alex)
    assert [s["id"] for s in json.loads(mine.stdout)] == [created.json()["id"]]
    one_error_line(
        await desk.run("statements", "--site", str(desk.site_id), env=as_alex), 7, "forbidden: "
    )


async def test_every_error_status_is_one_line_with_its_exit_code(
    desk: Desk, cli_env: dict[str, str]
) -> None:
    lapsed = await create_site(desk.runtime, name="Lapsed", status="expired")
    await create_user(desk.runtime, lapsed, desk.assignor.account, assignor=True)
    day = future_day()
    args = ("games", "list", "--site", str(lapsed.id), "--from", day, "--to", day)
    line = one_error_line(await desk.run(*args), 6, f"site {lapsed.id} has no active subscription")
    assert "(402 " in line

    desk.wire.fail_next(409, {"error": "conflict", "message": "Stale object", "lock_version": 4})
    line = one_error_line(await desk.run("accept", "5"), 9, "conflict: Stale object (409 conflict)")
    assert line.endswith("the server's lock_version is now 4; re-read and try again")

    desk.wire.fail_next(
        429,
        {"error": "rate_limited", "message": "Rate limit exceeded"},
        {"X-Ratelimit-Reset-Seconds-Remaining": "17"},
    )
    line = one_error_line(await desk.run("sites", "list"), 11, "rate limited: ")
    assert line.endswith("retry in 17 s")

    desk.wire.fail_next(
        500, {"error": "internal_error", "message": "Internal error"}, {"X-Request-Id": "req-1"}
    )
    line = one_error_line(await desk.run("sites", "list"), 12, "server error: Internal error")
    assert line.endswith("[request id req-1]")

    desk.wire.fail_next(502, {"error": "bad_gateway", "message": "Bad gateway"})
    one_error_line(await desk.run("sites", "list"), 12, "server error: Bad gateway (502")

    # A real 503: maintenance mode switched on with the server command.
    assert (await desk.run("maintenance", "on", env=cli_env)).exit_code == 0
    try:
        line = one_error_line(await desk.run("sites", "list"), 12, "service unavailable: ")
        assert "(503 " in line
    finally:
        assert (await desk.run("maintenance", "off", env=cli_env)).exit_code == 0
    assert (await desk.run("sites", "list")).exit_code == 0

    desk.wire.inject.append(httpx.ConnectError)
    one_error_line(await desk.run("sites", "list"), 4, "cannot reach the server: ")
