"""``refdesk availability weekly`` against the real app, as the site's assignor and as the
official (through the SDK's ``client.availability.weekly``)."""

from __future__ import annotations

import json

from tests.factories import create_member
from tests.support.desk import Desk, desk_fixture  # noqa: F401

SATURDAYS_IN_JANUARY = ["2027-01-02", "2027-01-09", "2027-01-16", "2027-01-23", "2027-01-30"]


async def test_weekly_window_reapply_clear_and_errors(desk: Desk) -> None:
    alex = await create_member(desk.runtime, desk.site, first_name="Alex", last_name="Rivera")
    user = str(alex.user.id)
    pattern = ("--user", user, "--days", "sat", "--start", "2027-01-01", "--until", "2027-01-31")
    applied = await desk.run(
        "availability", "weekly", *pattern, "--from", "08:00", "--to", "14:00", "-o", "json"
    )
    assert applied.exit_code == 0, applied.output
    entries = json.loads(applied.stdout)
    assert [e["date"] for e in entries] == SATURDAYS_IN_JANUARY
    assert {(e["start_time"], e["end_time"]) for e in entries} == {("8:00 AM", "2:00 PM")}

    again = await desk.run("availability", "weekly", *pattern, "--from", "8am", "--to", "2pm")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == (
        f"user {user}, 2027-01-01 to 2027-01-31: 0 created, 0 deleted, 5 kept"
    )
    assert "2027-01-30" in again.stdout and "8a-2p" in again.stdout

    own = desk.env_for(await desk.credentials_for(alex))
    weekends = await desk.run(
        "availability",
        "weekly",
        "--user",
        user,
        "--days",
        "sat,sunday",
        "--start",
        "2027-01-09",
        "--until",
        "2027-01-10",
        "--merge",
        env=own,
    )
    assert weekends.exit_code == 0, weekends.output
    assert "2 created, 0 deleted, 0 kept" in weekends.stdout  # merge: the window stays too

    cleared = await desk.run(
        "availability", "weekly", *pattern, "--unavailable", "-o", "json", env=own
    )
    assert cleared.exit_code == 0 and json.loads(cleared.stdout) == []
    remaining = json.loads((await desk.run("availability", "list", user, "-o", "json")).stdout)
    assert [e["date"] for e in remaining] == ["2027-01-10"]

    half = await desk.run("availability", "weekly", *pattern, "--from", "08:00")
    assert half.exit_code == 2 and "give both --from and --to" in half.stderr
    invalid = await desk.run("availability", "weekly", *pattern, "--days", "someday")
    assert invalid.exit_code == 10, invalid.output
    assert invalid.stderr.strip().startswith("Error: validation failed (422)")
    assert "days" in invalid.stderr
    unknown = await desk.run(
        "availability",
        "weekly",
        "--user",
        "999999",
        "--days",
        "sat",
        "--start",
        "2027-01-01",
        "--until",
        "2027-01-02",
    )
    assert unknown.exit_code == 8 and unknown.stderr.startswith("Error: not found: ")
