"""``python -m bench autoassign`` end to end on its smallest case: the 50-slot season and the
tiny TUP instance, each method in its fresh process, the results file written and read back.
No figure of time or memory is asserted; the counts are."""

from __future__ import annotations

from pathlib import Path

from bench.autoassign import main

from tests.support.autoassign import TINY


def table(text: str, first: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith(f"| {first} |")
    ]


def test_smallest_case_reports_zero_violations(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny4.txt"
    tiny.write_text(TINY)
    args = ["--sizes", "50", "--seconds", "3", "--tup", str(tiny), "--q1", "2", "--q2", "1"]
    path = main([*args, "--tup-seconds", "10", "--out", str(tmp_path / "results")])
    text = path.read_text()
    assert path.name.endswith("-autoassign.md")

    rows = {row[1]: row for row in table(text, "50")}
    assert set(rows) == {"greedy", "cp-sat"}
    for row in rows.values():
        assert row[3] == "0", row  # hard violations
        filled, most = int(row[4]), int(row[5].removeprefix("≤ "))
        assert 0 < filled <= most <= 50
        assert row[6].endswith("%")
        explained, empty = row[12].split("/")
        assert explained == empty == str(50 - filled)  # every slot left empty is explained
    assert int(rows["cp-sat"][4]) >= int(rows["greedy"][4])

    tup_rows = {row[1]: row for row in table(text, "tiny4")}
    assert tup_rows["cp-sat"][2] == "12"  # every game umpired
    assert tup_rows["cp-sat"][5] == "0"  # TUP rules broken
    assert tup_rows["cp-sat"][6] == "0"  # hard violations
