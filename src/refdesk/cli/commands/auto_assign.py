"""``refdesk auto-assign``: ask the server for a proposal that fills a site's vacant slots in a
range of dates, show its progress while it is solved, print it (slot, game, official; then the
empty slots with their reasons) and, with ``--apply``, apply it. Through the SDK only."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from refdesk.cli.output import OutputFormat, api_errors, cell, console
from refdesk.cli.session import OutputOption, ProfileOption, open_client
from refdesk.client import Resource


def _day(value: datetime) -> str:
    return value.date().isoformat()


def _fills_table(proposal: Resource) -> Table:
    table = Table(title=f"Proposal {proposal.get('id')}: {proposal.get('filled')} slots filled")
    for header in ("slot", "game", "date", "position", "official"):
        table.add_column(header, overflow="fold")
    for fill in proposal.get("fills") or []:
        table.add_row(
            *(
                Text(cell(v))
                for v in (
                    fill.get("assignment_id"),
                    fill.get("game_id"),
                    fill.get("local_date"),
                    fill.get("position"),
                    f"{fill.get('official_name')} ({fill.get('official_id')})",
                )
            )
        )
    return table


def _empty_table(proposal: Resource) -> Table:
    table = Table(title=f"{len(proposal.get('empty_slots') or [])} slots left empty")
    for header in ("slot", "game", "date", "position", "why"):
        table.add_column(header, overflow="fold")
    for empty in proposal.get("empty_slots") or []:
        why = "\n".join([str(empty.get("summary") or ""), *_by_code(empty.get("ruled_out"))])
        table.add_row(
            *(
                Text(cell(v))
                for v in (
                    empty.get("assignment_id"),
                    empty.get("game_id"),
                    empty.get("local_date"),
                    empty.get("position"),
                    why,
                )
            )
        )
    return table


def _by_code(ruled_out: Any) -> list[str]:
    """One line per conflict code: ``D: Alex Rivera, Sam Lee`` (the words are in --json)."""
    names: dict[str, list[str]] = {}
    for item in ruled_out or []:
        name = item.get("official_name") or str(item.get("official_id"))
        who = names.setdefault(str(item.get("code")), [])
        if name not in who:
            who.append(name)
    return [f"{code}: {', '.join(who)}" for code, who in names.items()]


def _show(proposal: Resource) -> None:
    out = console()
    if proposal.get("status") == "failed":
        out.print(Text(f"Proposal {proposal.get('id')} failed: {proposal.get('error')}"))
        return
    out.print(_fills_table(proposal))
    if proposal.get("empty_slots"):
        out.print(_empty_table(proposal))
    objective = proposal.get("objective") or {}
    bound = proposal.get("bound_filled")
    out.print(
        Text(
            f"solver: {proposal.get('solver_status')}; filled {proposal.get('filled')} of "
            f"{proposal.get('open_slots')} open slots"
            + (f" (at most {bound} can be)" if bound is not None else "")
            + f"; travel {objective.get('travel_km', 0)} km"
        )
    )


def _applied(proposal: Resource) -> None:
    report = proposal.get("applied") or {}
    out = console()
    out.print(Text(f"applied {len(report.get('applied') or [])} slots"))
    for skipped in report.get("skipped") or []:
        out.print(Text(f"skipped slot {skipped.get('assignment_id')}: {skipped.get('reason')}"))


def auto_assign(
    site: Annotated[int, typer.Option("--site", help="Site id.", min=1)],
    start: Annotated[
        datetime, typer.Option("--from", help="First date (YYYY-MM-DD).", formats=["%Y-%m-%d"])
    ],
    end: Annotated[
        datetime, typer.Option("--to", help="Last date, inclusive.", formats=["%Y-%m-%d"])
    ],
    apply: Annotated[bool, typer.Option("--apply", help="Apply the proposal when done.")] = False,
    replan_pending: Annotated[
        bool, typer.Option("--replan-pending", help="Also move pending (not accepted) slots.")
    ] = False,
    fairness_weight: Annotated[
        int | None, typer.Option(help="Weight of balancing games (0-1000).")
    ] = None,
    travel_weight: Annotated[int | None, typer.Option(help="Weight of travel (0-1000).")] = None,
    max_per_day: Annotated[
        int | None, typer.Option("--max-per-day", help="Games per official a day.")
    ] = None,
    max_per_week: Annotated[
        int | None, typer.Option("--max-per-week", help="Games per official a week.")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Solver time limit (seconds).")
    ] = None,
    travel_speed: Annotated[
        float | None, typer.Option("--travel-speed", help="Travel speed, km/h (default 50).")
    ] = None,
    travel_buffer: Annotated[
        int | None, typer.Option("--travel-buffer", help="Minutes between venues (default 15).")
    ] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Fill a site's vacant slots in a range of dates (a proposal; --apply to assign it)."""
    quiet = output is not OutputFormat.table
    with api_errors(), open_client(profile) as client:
        created = client.auto_assign.create(
            site,
            _day(start),
            _day(end),
            replan_pending=replan_pending or None,
            fairness_weight=fairness_weight,
            travel_weight=travel_weight,
            max_games_per_day=max_per_day,
            max_games_per_week=max_per_week,
            time_limit_seconds=time_limit,
            travel_speed_kmh=travel_speed,
            travel_buffer_minutes=travel_buffer,
        )
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console(stderr=True),
            disable=quiet,
            transient=True,
        ) as bar:
            task = bar.add_task("queued", total=1.0)

            def progress(current: Resource) -> None:
                step: dict[str, Any] = current.get("progress") or {}
                phase = step.get("phase") or current.get("status")
                bar.update(task, description=str(phase), completed=float(step.get("fraction") or 0))

            proposal = client.auto_assign.wait(created, progress=progress, interval=0.5)
        if apply and proposal.get("status") == "done":
            proposal = client.auto_assign.apply(proposal)
    if output is OutputFormat.json:
        typer.echo(json.dumps(proposal, indent=2, ensure_ascii=False))
    else:
        _show(proposal)
        if proposal.get("applied") is not None:
            _applied(proposal)
    if proposal.get("status") == "failed":
        raise typer.Exit(1)
