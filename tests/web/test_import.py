"""``/board/import``: the preview classifies each row as ``refdesk games import --dry-run``
does (same file, same site), the import creates the games (the API lists them), a second
upload sees them as already imported, and bad files are refused with a message."""

from __future__ import annotations

import asyncio
import html
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from refdesk.server.runtime import Runtime
from refdesk.server.web import imports as import_view
from tests.factories import create_account, create_user
from tests.support.desk import Desk, desk_fixture  # noqa: F401
from tests.support.games import future_day, load_site, make_game, setup_site
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import signed_in_client
from tests.support.web_import import (
    rows_of,
    sign_in_with_password,
    site_games,
    start_and_wait,
    upload,
)

HEADER = (
    "user_defined_id,date,time,venue,home_team,away_team,age_group,pattern,league,published,"
    "public_note\n"
)
COMMON = "Riverside Park,Hawks,Falcons,U12 Boys,3 officials"
CLI_TO_PAGE = {"would create": "create", "skipped": "skip", "failed": "invalid"}


async def the_file(desk: Desk) -> str:
    """The CLI test's file: every kind of row (existing games made through the API)."""
    d1, d2, far = future_day(20), future_day(21), future_day(200)
    await make_game(desk.http, desk.site_id, desk.a, user_defined_id="G-100")
    await make_game(desk.http, desk.site_id, desk.a, localized_date=d2, localized_time="10:00")
    await make_game(desk.http, desk.site_id, desk.a, localized_date=far, user_defined_id="G-200")
    us = d1[5:7] + "/" + d1[8:10] + "/" + d1[:4]
    return (
        HEADER
        + f"G-100,{d1},9:00 AM,{COMMON},Harbor League,y,\n"  # 2: imported before
        + f"G-101,{d1},11:00,{COMMON},Harbor League,y,Bring flags\n"  # 3: new
        + f"G-102,{us},9:30 PM,Town Field,Owls,Larks,U10 Girls,3 officials,,n,\n"  # 4: new
        + f",{d2},10:00 AM,riverside park,HAWKS,Falcons,U12 Boys,3 officials,,,\n"  # 5: by teams
        + f",{d2},13:00,Town Field,Owls,Larks,U10 Girls,3 officials,,,\n"  # 6: new
        + f"G-103,{d1},14:00,Town Field,,Larks,U10 Girls,3 officials,,,\n"  # 7: no home team
        + f"G-104,{d1},15:00,Town Field,Owls,Larks,U10 Girls,Nine officials,,,\n"  # 8: pattern
        + f"G-105,2026-02-30,15:00,{COMMON},,,\n"  # 9: impossible date
        + f"G-101,{d1},11:00,{COMMON},Harbor League,y,Bring flags\n"  # 10: same as row 3
        + f"G-106,{d1},16:00,Town Field,Owls,Owls,U10 Girls,3 officials,,,\n"  # 11: same teams
        + f"G-200,{d1},17:00,{COMMON},,,\n"  # 12: its id is taken by a game out of range
        + "\n"
    )


async def test_preview_is_the_clis_dry_run_then_import_creates_the_games(
    desk: Desk, tmp_path: Path
) -> None:
    text = await the_file(desk)
    path = tmp_path / "games.csv"
    path.write_text(text, encoding="utf-8")
    site = str(desk.site_id)
    dry = await desk.run("games", "import", str(path), "--site", site, "--dry-run", "-o", "json")
    cli = {r["row"]: (CLI_TO_PAGE[r["status"]], r["message"]) for r in json.loads(dry.stdout)}

    await sign_in_with_password(desk.http, desk.runtime, desk.assignor.account)
    answer = await upload(desk.http, text)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/board/import/")
    preview = await desk.http.get(location)
    assert preview.status_code == 200
    shown = rows_of(preview.text)
    assert {line: (r[0], r[3].split(" (game ")[0]) for line, r in shown.items()} == cli
    # what the person reads: the reasons and the badges
    assert shown[7][2] == "Invalid" and shown[7][3] == "missing home_team"
    assert shown[2][2] == "Already imported" and shown[10][2] == "Duplicate"
    assert shown[10][3] == "same game as row 3"
    assert "Import 6 new games" in preview.text
    before = {g["id"] for g in await site_games(desk.http, desk.site_id, desk.a)}
    assert len(before) == 3  # nothing created yet

    result = await start_and_wait(desk.http, location)
    done = rows_of(result.text)
    assert {line: r[0] for line, r in done.items()} == {
        2: "skipped",
        3: "created",
        4: "created",
        5: "skipped",
        6: "created",
        7: "failed",
        8: "failed",
        9: "failed",
        10: "skipped",
        11: "failed",
        12: "skipped",
    }
    assert done[12][3].startswith("already imported (game ")
    assert "pattern" in done[8][3].lower()
    assert "3 imported, 4 skipped, 4 not imported (of 11 rows)" in result.text

    games = await site_games(desk.http, desk.site_id, desk.a)
    by_udid = {g["user_defined_id"]: g for g in games}
    assert len(games) == 6
    assert by_udid["G-101"]["public_note"] == "Bring flags"
    assert by_udid["G-102"]["published"] is False
    created_ids = {int(r[3].removeprefix("game ")) for r in done.values() if r[0] == "created"}
    assert created_ids == {g["id"] for g in games} - before

    # the same file again: every game created is recognised; what is left "new" is what the
    # server refused (8, 11) and the id taken outside the file's dates (12), as in the CLI
    again = await upload(desk.http, text)
    second = rows_of((await desk.http.get(again.headers["location"])).text)
    assert {line for line, r in second.items() if r[0] == "create"} == {8, 11, 12}
    assert second[3][2] == "Already imported" and second[6][2] == "Already imported"

    # a finished import is not run twice
    again_start = await desk.http.post(
        f"{location}/start", data={"csrf_token": csrf_of(result.text)}
    )
    assert again_start.status_code == 303
    assert len(await site_games(desk.http, desk.site_id, desk.a)) == 6


async def signed_in_assignor(client: httpx.AsyncClient, runtime: Runtime) -> tuple[int, Any]:
    site_id, assignor = await setup_site(client, runtime)
    await sign_in_with_password(client, runtime, assignor.account)
    return site_id, assignor


GOOD = HEADER + f"X-1,{future_day(5)},10:00,{COMMON},,,\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"date,time,colour\n2026-10-10,10:00,red\n", "unknown CSV column 'colour'"),
        ("user_defined_id,date\nX,é\n".encode("latin-1"), "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
        (b"date,time\n" + b"9" * 200_000 + b",10:00\n", "not valid CSV: field larger"),
        (b"", "the file is empty"),
        (HEADER.encode(), "a header row but no games"),
    ],
)
async def test_bad_files_are_refused_with_a_message(
    client: httpx.AsyncClient, runtime: Runtime, body: bytes, message: str
) -> None:
    site_id, assignor = await signed_in_assignor(client, runtime)
    answer = await upload(client, body)
    assert answer.status_code == 400
    assert message in html.unescape(answer.text) and 'role="alert"' in answer.text
    assert 'enctype="multipart/form-data"' in answer.text  # the form again
    assert await site_games(client, site_id, assignor.headers) == []


async def test_a_file_over_the_limit_is_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await signed_in_assignor(client, runtime)
    limit = runtime.settings.max_body_bytes
    answer = await upload(client, GOOD + "x" * limit)
    assert answer.status_code == 413
    assert "The file is too large" in answer.text


async def test_too_many_rows(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signed_in_assignor(client, runtime)
    monkeypatch.setattr(import_view, "MAX_ROWS", 2)
    answer = await upload(client, GOOD + GOOD.split("\n", 1)[1] * 2)
    assert answer.status_code == 400 and "at most 2 can be imported" in answer.text


async def test_csrf_is_required(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await signed_in_assignor(client, runtime)
    refused = await upload(client, GOOD, token="forged")
    assert refused.status_code == 403 and "security token" in refused.text
    made = await upload(client, GOOD)
    location = made.headers["location"]
    start = await client.post(f"{location}/start", data={"csrf_token": "forged"})
    assert start.status_code == 403
    await import_view.wait_all()
    assert await site_games(client, site_id, assignor.headers) == []


async def test_people_who_are_not_staff_get_a_polite_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await signed_in_assignor(client, runtime)
    made = await upload(client, GOOD)
    location = made.headers["location"]
    official = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, await load_site(runtime, site_id), official, official=True)
    other = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with other:
        await signed_in_client(other, official.login)
        page = await other.get("/board/import")
        assert page.status_code == 200
        assert "This page is for the assignors and managers" in page.text
        assert 'enctype="multipart/form-data"' not in page.text
        # someone else's upload is not theirs to see
        assert (await other.get(location)).status_code == 200
        assert "This page is for the assignors" in (await other.get(location)).text
    # another assignor of the site cannot open this person's upload either
    second = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, await load_site(runtime, site_id), second, assignor=True)
    another = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with another:
        await signed_in_client(another, second.login)
        assert (await another.get(location)).status_code == 404
        assert (await another.get("/board/import/nonsense")).status_code == 404
    assert await site_games(client, site_id, assignor.headers) == []


async def test_a_manager_gets_what_the_api_allows(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    manager = await create_account(runtime, password=PASSWORD)
    await create_user(
        runtime, await load_site(runtime, site_id), manager, manager=True, official=False
    )
    await signed_in_client(client, manager.login)
    api = await client.post(
        f"/api/v2/sites/{site_id}/games",
        json={"localized_date": future_day(5), "localized_time": "10:00"},
    )
    made = await upload(client, GOOD)
    assert made.status_code == 303
    result = await start_and_wait(client, made.headers["location"])
    games = await site_games(client, site_id, assignor.headers)
    if len(games) == 1:
        assert "1 imported" in result.text
    else:
        assert "Import stopped" in result.text and 'role="alert"' in result.text
        assert api.status_code != 201


async def test_old_uploads_are_deleted_at_the_next_upload(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await signed_in_assignor(client, runtime)
    first = (await upload(client, GOOD)).headers["location"]
    folder = runtime.settings.data_dir / "imports"
    old = folder / f"{first.rsplit('/', 1)[1]}.json"
    assert old.stat().st_mode & 0o777 == 0o600
    week_ago = old.stat().st_mtime - import_view.KEEP_SECONDS - 10
    os.utime(old, (week_ago, week_ago))
    second = (await upload(client, GOOD)).headers["location"]
    assert not old.exists()
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200


async def test_the_progress_page_while_importing(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_id, assignor = await signed_in_assignor(client, runtime)
    second = f"X-2,{future_day(5)},12:00,{COMMON},,,\n"
    location = (await upload(client, GOOD + second)).headers["location"]
    release = asyncio.Event()
    real = import_view.create_row
    calls = 0

    async def slow(*args: Any) -> import_view.Outcome:
        nonlocal calls
        calls += 1
        if calls == 2:
            await release.wait()
        return await real(*args)

    monkeypatch.setattr(import_view, "create_row", slow)
    monkeypatch.setattr(import_view, "BATCH", 1)
    page = await client.get(location)
    started = await client.post(f"{location}/start", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 303
    for _ in range(200):
        running = await client.get(location)
        if "1 of 2 rows done" in running.text:
            break
        await asyncio.sleep(0.02)
    assert "1 of 2 rows done" in running.text
    assert '<meta http-equiv="refresh" content="2">' in running.text
    assert '<progress max="2" value="1"' in running.text
    # pressing Import again while it runs starts nothing twice
    again = await client.post(f"{location}/start", data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 303
    assert len(await site_games(client, site_id, assignor.headers)) == 1
    release.set()
    await import_view.wait_all()
    done = await client.get(location)
    assert "2 imported, 0 skipped, 0 not imported" in done.text
    assert 'http-equiv="refresh"' not in done.text
    assert len(await site_games(client, site_id, assignor.headers)) == 2
