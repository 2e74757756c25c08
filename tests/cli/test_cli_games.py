"""``refdesk games``: list, show, export, and import with safe re-runs, against the real app."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from refdesk.cli.games_csv import parse_date, parse_time
from tests.support.desk import Desk, desk_fixture, second_site  # noqa: F401
from tests.support.games import future_day, make_game

HEADER = (
    "user_defined_id,date,time,venue,home_team,away_team,age_group,pattern,league,published,"
    "public_note\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


async def site_games(desk: Desk, site_id: int) -> list[dict[str, Any]]:
    resp = await desk.http.get(f"/api/v2/sites/{site_id}/games?limit=50", headers=desk.a)
    assert resp.status_code == 200, resp.text
    return list(resp.json()["_embedded"]["games"])


def report(stdout: str) -> dict[int, tuple[str, str]]:
    return {r["row"]: (r["status"], r["message"]) for r in json.loads(stdout)}


async def test_import_skips_rows_already_imported_and_reports_bad_ones(
    desk: Desk, tmp_path: Path
) -> None:
    d1, d2, far = future_day(20), future_day(21), future_day(200)
    existing = await make_game(desk.http, desk.site_id, desk.a, user_defined_id="G-100")
    by_teams = await make_game(
        desk.http, desk.site_id, desk.a, localized_date=d2, localized_time="10:00"
    )
    await make_game(desk.http, desk.site_id, desk.a, localized_date=far, user_defined_id="G-200")
    us = d1[5:7] + "/" + d1[8:10] + "/" + d1[:4]
    common = "Riverside Park,Hawks,Falcons,U12 Boys,3 officials"
    path = write(
        tmp_path / "games.csv",
        HEADER
        + f"G-100,{d1},9:00 AM,{common},Harbor League,y,\n"  # 2: imported before
        + f"G-101,{d1},11:00,{common},Harbor League,y,Bring flags\n"  # 3: new
        + f"G-102,{us},9:30 PM,Town Field,Owls,Larks,U10 Girls,3 officials,,n,\n"  # 4: new
        + f",{d2},10:00 AM,riverside park,HAWKS,Falcons,U12 Boys,3 officials,,,\n"  # 5: by teams
        + f",{d2},13:00,Town Field,Owls,Larks,U10 Girls,3 officials,,,\n"  # 6: new
        + f"G-103,{d1},14:00,Town Field,,Larks,U10 Girls,3 officials,,,\n"  # 7: no home team
        + f"G-104,{d1},15:00,Town Field,Owls,Larks,U10 Girls,Nine officials,,,\n"  # 8: pattern
        + f"G-105,2026-02-30,15:00,{common},,,\n"  # 9: impossible date
        + f"G-101,{d1},11:00,{common},Harbor League,y,Bring flags\n"  # 10: same as row 3
        + f"G-106,{d1},16:00,Town Field,Owls,Owls,U10 Girls,3 officials,,,\n"  # 11: same teams
        + f"G-200,{d1},17:00,{common},,,\n"  # 12: its id is taken by a game out of range
        + "\n",
    )

    site = str(desk.site_id)
    dry = await desk.run("games", "import", str(path), "--site", site, "--dry-run", "-o", "json")
    assert dry.exit_code == 1
    assert (
        dry.stderr.strip().splitlines()[-1] == "Error: 2 of 11 rows failed (see the report above)"
    )
    rows = report(dry.stdout)
    assert rows[2] == ("skipped", "already imported")
    assert rows[3] == ("would create", "") and rows[4] == ("would create", "")
    assert rows[5] == ("skipped", "already imported")
    assert rows[7] == ("failed", "missing home_team")
    assert rows[9][0] == "failed" and "'2026-02-30' is not a valid date" in rows[9][1]
    assert rows[10] == ("skipped", "same game as row 3")
    assert "would create 6, skipped 3, failed 2 (of 11 rows)" in dry.stderr
    assert len(await site_games(desk, desk.site_id)) == 3  # nothing created

    first = await desk.run("games", "import", str(path), "--site", site, "-o", "json")
    assert first.exit_code == 1
    assert "Error: 4 of 11 rows failed" in first.stderr
    assert "created 3, skipped 4, failed 4 (of 11 rows)" in first.stderr
    entries = {r["row"]: r for r in json.loads(first.stdout)}
    rows = report(first.stdout)
    assert entries[2]["game_id"] == existing["id"]
    assert entries[5]["game_id"] == by_teams["id"]
    assert [rows[n][0] for n in (3, 4, 6)] == ["created"] * 3
    assert rows[8] == ("failed", "pattern_name does not exist")
    assert rows[10] == ("skipped", "already imported")
    assert entries[10]["game_id"] == entries[3]["game_id"]
    assert rows[11] == ("failed", "away_team_name can't be the same as the home team")
    assert rows[12] == ("skipped", "already imported")
    games = {g["id"]: g for g in await site_games(desk, desk.site_id)}
    assert len(games) == 6
    g101 = games[entries[3]["game_id"]]
    assert (g101["user_defined_id"], g101["localized_time"], g101["published"]) == (
        "G-101",
        "11:00 AM",
        True,
    )
    assert (g101["league"], g101["public_note"]) == ("Harbor League", "Bring flags")
    g102 = games[entries[4]["game_id"]]
    assert (g102["start_time"][:10], g102["localized_time"], g102["published"]) == (
        d1,
        "9:30 PM",
        False,
    )

    # Re-run: nothing new, every earlier success is recognised and skipped.
    again = await desk.run("games", "import", str(path), "--site", site)
    assert again.exit_code == 1
    assert "created 0, skipped 7, failed 4 (of 11 rows)" in again.stdout
    assert "already imported" in again.stdout and "pattern_name does not exist" in again.stdout
    assert len(await site_games(desk, desk.site_id)) == 6


async def test_export_imports_back_into_another_site_and_skips_on_rerun(
    desk: Desk, tmp_path: Path
) -> None:
    await make_game(desk.http, desk.site_id, desk.a, user_defined_id="G-1", private_note="Keys")
    await make_game(
        desk.http,
        desk.site_id,
        desk.a,
        localized_date=future_day(22),
        localized_time="6:15 PM",
        venue_name="Town Field",
        home_team_name="Owls",
        away_team_name="Larks",
        external_id="99812",
        status="X",
    )
    await make_game(desk.http, desk.site_id, desk.a, localized_date=future_day(90))
    site = str(desk.site_id)

    exported = await desk.run(
        "games", "export", "--site", site, "--from", future_day(1), "--to", future_day(60)
    )
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == 2
    assert list(rows[0]) == [
        "id",
        "user_defined_id",
        "external_id",
        "date",
        "time",
        "end_time",
        "venue",
        "subvenue",
        "home_team",
        "away_team",
        "age_group",
        "pattern",
        "league",
        "game_type",
        "gender",
        "status",
        "published",
        "public_note",
        "private_note",
        "paid_via",
    ]
    assert rows[0]["user_defined_id"] == "G-1" and rows[0]["private_note"] == "Keys"
    assert (rows[1]["time"], rows[1]["status"], rows[1]["external_id"]) == ("18:15", "X", "99812")
    path = write(tmp_path / "export.csv", exported.stdout)

    other = await second_site(desk)
    imported = await desk.run("games", "import", str(path), "--site", str(other.id))
    assert imported.exit_code == 0, imported.output
    assert "created 2, skipped 0, failed 0 (of 2 rows)" in imported.stdout
    again = await desk.run("games", "import", str(path), "--site", str(other.id))
    assert again.exit_code == 0, again.output
    assert "created 0, skipped 2, failed 0 (of 2 rows)" in again.stdout

    copied = await desk.run("games", "export", "--site", str(other.id))
    copy_rows = list(csv.DictReader(io.StringIO(copied.stdout)))
    strip = [{k: v for k, v in r.items() if k != "id"} for r in rows]
    assert [{k: v for k, v in r.items() if k != "id"} for r in copy_rows] == strip

    as_json = await desk.run("games", "export", "--site", site, "-o", "json")
    assert len(json.loads(as_json.stdout)) == 3


async def test_list_and_show(desk: Desk) -> None:
    day = future_day(20)
    first = await make_game(desk.http, desk.site_id, desk.a)
    second = await make_game(
        desk.http, desk.site_id, desk.a, localized_time="11:00", league_name="Cup"
    )
    await make_game(desk.http, desk.site_id, desk.a, localized_date=future_day(40))
    site = str(desk.site_id)

    table = await desk.run("games", "list", "--site", site, "--from", day, "--to", day)
    assert table.exit_code == 0, table.output
    assert "Hawks" in table.stdout and "Riverside Park" in table.stdout
    assert "0/3" in table.stdout
    listed = await desk.run(
        "games", "list", "--site", site, "--from", day, "--to", day, "-o", "json"
    )
    assert [g["id"] for g in json.loads(listed.stdout)] == [first["id"], second["id"]]
    league = await desk.run(
        "games",
        "list",
        "--site",
        site,
        "--from",
        day,
        "--to",
        future_day(60),
        "--league",
        str(second["league_id"]),
        "-o",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(league.stdout)))
    assert [(r["id"], r["league"], r["time"]) for r in rows] == [
        (str(second["id"]), "Cup", "11:00")
    ]
    empty = await desk.run(
        "games", "list", "--site", site, "--from", "2020-01-01", "--to", "2020-01-02"
    )
    assert empty.stdout.strip() == "no games"

    shown = await desk.run("games", "show", str(first["id"]))
    assert shown.exit_code == 0, shown.output
    assert f"Game {first['id']}" in shown.stdout
    assert "Field 2" in shown.stdout and "Referee" in shown.stdout
    assert "Officials" in shown.stdout
    as_json = json.loads((await desk.run("games", "show", str(first["id"]), "-o", "json")).stdout)
    assert as_json["id"] == first["id"] and len(as_json["_embedded"]["assignments"]) == 3
    as_csv = list(
        csv.DictReader(
            io.StringIO((await desk.run("games", "show", str(first["id"]), "-o", "csv")).stdout)
        )
    )
    assert as_csv[0]["home_team"] == "Hawks"

    # Errors.
    missing = await desk.run("games", "show", "999999")
    assert missing.exit_code == 8 and missing.stderr.startswith("Error: not found: ")
    no_dates = await desk.run("games", "list", "--site", site)
    assert no_dates.exit_code == 2 and "Missing option '--from'" in no_dates.stderr
    bad_date = await desk.run("games", "list", "--site", site, "--from", "soon", "--to", day)
    assert bad_date.exit_code == 2 and "Invalid value for '--from'" in bad_date.stderr
    unknown_site = await desk.run("games", "list", "--site", "999999", "--from", day, "--to", day)
    assert unknown_site.exit_code == 8, unknown_site.output


async def test_import_file_problems(desk: Desk, tmp_path: Path) -> None:
    site = str(desk.site_id)
    missing = await desk.run("games", "import", str(tmp_path / "nope.csv"), "--site", site)
    assert missing.exit_code == 1
    assert missing.stderr.strip() == f"Error: no such file: {tmp_path / 'nope.csv'}"
    typo = write(tmp_path / "typo.csv", "date,time,colour\n2026-10-11,9:00,red\n")
    result = await desk.run("games", "import", str(typo), "--site", site)
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: unknown CSV column 'colour'"
    empty = write(tmp_path / "empty.csv", "")
    result = await desk.run("games", "import", str(empty), "--site", site)
    assert result.exit_code == 1 and "is empty" in result.stderr
    header_only = write(tmp_path / "header.csv", HEADER)
    result = await desk.run("games", "import", str(header_only), "--site", site)
    assert result.exit_code == 0 and result.stdout.strip() == "no rows to import"
    # An error status for the whole import (unknown site) is one line with its exit code.
    good = write(
        tmp_path / "good.csv",
        HEADER + f"G-1,{future_day()},9:00,Park,Hawks,Falcons,U12,3 officials,,,\n",
    )
    result = await desk.run("games", "import", str(good), "--site", "999999")
    assert result.exit_code == 8 and result.stderr.startswith("Error: not found: ")
    no_site = await desk.run("games", "import", str(good))
    assert no_site.exit_code == 2 and "Missing option '--site'" in no_site.stderr


def test_dates_and_times_as_the_server_reads_them() -> None:
    assert [parse_time(t) for t in ("9:00 AM", "9pm", "12:30 a.m.", "09:00:00", "23:59")] == [
        "09:00",
        "21:00",
        "00:30",
        "09:00",
        "23:59",
    ]
    assert [parse_time(t) for t in ("13:00 PM", "24:00", "noon", "9")] == [None] * 4
    assert [str(parse_date(d)) for d in ("2026-10-11", "10/11/2026", "Oct 11 2026")] == [
        "2026-10-11"
    ] * 3
    assert str(parse_date("2026-10-11T09:00:00-04:00")) == "2026-10-11"
    assert parse_date("02/30/2024") is None and parse_date("soon") is None
