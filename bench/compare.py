"""The before/after table: ``python -m bench --compare bench/results/<earlier>.md`` adds, to
the new report, each endpoint's req/s, p50, p99 and p99/p50 before and after."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.run import DbResult


def fmt(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


def ratio(a: float, b: float, digits: int = 2) -> str:
    return fmt(a / b, digits) if b else "—"


def alternated_row(name: str, before: list[float], after: list[float], digits: int) -> str:
    """A Markdown row of an alternated before/after measure: each side's median, after/before,
    then every run of each side (``python -m bench profile --before-src``, ``bench ab``)."""
    b, a = statistics.median(before), statistics.median(after)
    return (
        f"| {name} | {b:.{digits}f} | {a:.{digits}f} | {a / b:.2f} | "
        + ", ".join(f"{v:.{digits}f}" for v in before)
        + " | "
        + ", ".join(f"{v:.{digits}f}" for v in after)
        + " |"
    )


def figures_of(report_text: str) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(database, endpoint) -> (req/s, p50 ms, p99 ms) from a report this module wrote (any
    version: the first five columns have not changed)."""
    out: dict[tuple[str, str], tuple[float, float, float]] = {}
    db = ""
    for line in report_text.splitlines():
        if line.startswith("## ") and " — " in line:
            db = line[3:].split(" — ")[0].strip()
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if db and line.startswith("| ") and len(cells) >= 5 and cells[0].isidentifier():
            try:
                rps, p50, _, p99 = (float(c.replace(",", "")) for c in cells[1:5])
            except ValueError:
                continue
            out.setdefault((db, cells[0]), (rps, p50, p99))
    return out


def compare(old: Path, results: list[DbResult]) -> list[str]:
    """The before/after table against an earlier report."""
    before = figures_of(old.read_text())
    lines = [
        f"## Before/after (before: `{old.name}`)",
        "",
        "| database | endpoint | req/s before | after | after/before | p50 ms before | after "
        "| p99 ms before | after | p99/p50 before | after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for row in r.rows:
            o = row.ours
            b = before.get((r.db, row.endpoint))
            if b is None:
                continue
            lines.append(
                f"| {r.db} | {row.endpoint} | {fmt(b[0])} | {fmt(o.rps)} | {ratio(o.rps, b[0])} "
                f"| {fmt(b[1], 2)} | {fmt(o.p50_ms, 2)} | {fmt(b[2], 2)} | {fmt(o.p99_ms, 2)} "
                f"| {ratio(b[2], b[1], 1)} | {ratio(o.p99_ms, o.p50_ms, 1)} |"
            )
    return [*lines, ""]
