"""``python -m bench profile``: where a hot read's time goes, in-process.

Issue 15, decision 3: keep FastAPI unless a hot route spends more than a third of its time in
routing and dependency machinery. This generates the bench data (``--scale``), serves the real
app in-process through ``httpx.ASGITransport`` and profiles many requests of each read with
cProfile. The own time (``tottime``) of every function is attributed by the file it lives in:

- framework: FastAPI and Starlette (routing, dependency solving, request/response objects)
- ours: refdesk (middleware, auth, services, representation)
- sqlalchemy: SQLAlchemy (Core statement execution, result rows; the ORM where used)
- driver: asyncpg, aiosqlite/sqlite3 on the calling thread (aiosqlite's hand-off to its
  thread waits for the GIL while that thread converts rows: counted here)
- client: httpx and the ASGI transport (the load generator, not part of a server)
- loop: asyncio and selectors (waiting: aiosqlite runs SQLite on a thread cProfile does not see)
- other: everything else (stdlib modules, pydantic, ...)

A builtin (C function) counts for the file that called it: ``orjson.dumps`` called from
refdesk is ours, the aiosqlite queue hand-off is driver, ``epoll`` is loop.

The shares of the server's own time (framework + ours + sqlalchemy + driver + other; client
and loop left out) are printed as a Markdown table and written to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.compare import alternated_row
from bench.generate import SCALES, Fixture, bench_settings, generate
from bench.scenarios import READS, read_requests
from refdesk.server.app import create_app
from refdesk.server.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
GROUPS = (
    ("framework", ("/fastapi/", "/starlette/")),
    ("sqlalchemy", ("/sqlalchemy/",)),
    ("driver", ("/asyncpg/", "/aiosqlite/", "sqlite3")),
    ("client", ("/httpx/", "/httpcore/")),
    ("loop", ("/asyncio/", "selectors.py", "uvloop")),
    ("ours", ("/refdesk/",)),
)
SERVER = ("framework", "ours", "sqlalchemy", "driver", "other")
# Where SQLAlchemy's own time goes, by the module it is spent in (first match wins).
SA_PARTS = (
    ("orm", ("/orm/",)),
    ("statement building + cache key", ("/sql/coercions", "/sql/elements", "/sql/selectable",
     "/sql/base", "/sql/cache_key", "/sql/visitors", "/sql/annotation", "/sql/traversals",
     "/sql/operators", "/sql/default_comparator", "/sql/roles", "/sql/_")),
    ("compiler + parameters", ("/sql/compiler", "/postgresql/base", "/sqlite/base")),
    ("results + types", ("/engine/result", "/engine/cursor", "/engine/row", "/engine/_",
     "/sql/type_api", "/sql/sqltypes", "processors")),
    ("execution + async adaptation", ("/engine/", "/event/", "/dialects/", "/connectors/",
     "/util/concurrency", "/util/_concurrency", "/ext/asyncio/", "/pool/")),
)  # fmt: skip


def sa_part_of(filename: str) -> str:
    for name, markers in SA_PARTS:
        if any(marker in filename for marker in markers):
            return name
    return "util, other"


def group_of(filename: str) -> str:
    for name, markers in GROUPS:
        if any(marker in filename for marker in markers):
            return name
    return "other"


def top_functions(profile: cProfile.Profile, group: str, n: int) -> list[tuple[str, float]]:
    """The ``n`` functions of ``group`` with the most own time (seconds), for reading where a
    group's share goes (e.g. SQLAlchemy: statement building, cache keys, result rows)."""
    stats: Any = pstats.Stats(profile)
    found: list[tuple[str, float]] = []
    for (filename, line, func), (_, _, tottime, _, _) in stats.stats.items():
        if filename != "~" and group_of(filename) == group:
            short = filename.split("/site-packages/")[-1].split("/src/")[-1]
            found.append((f"{short}:{line}({func})", tottime))
    return sorted(found, key=lambda item: -item[1])[:n]


def shares(profile: cProfile.Profile) -> dict[str, float]:
    """Own time per group, in seconds."""
    stats: Any = pstats.Stats(profile)
    found: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, callers) in stats.stats.items():
        if filename == "~" and callers:
            # A builtin (a C method: epoll, a queue hand-off, isoformat) counts for the code
            # that called it: its own time split over its callers as cProfile recorded it.
            for (caller_file, _, _), (_, _, caller_tt, _) in callers.items():
                group = group_of(caller_file)
                found[group] = found.get(group, 0.0) + caller_tt
            continue
        group = group_of(filename)
        found[group] = found.get(group, 0.0) + tottime
        if group == "sqlalchemy":
            part = "sa:" + sa_part_of(filename)
            found[part] = found.get(part, 0.0) + tottime
    return found


async def cpu_per_request(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], requests: int
) -> float:
    """CPU seconds of this process per request (server, in-process client, and aiosqlite's
    thread; not PostgreSQL's): unlike wall time, hardly moved by other load on the machine.
    The best of five rounds."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        for _ in range(requests):
            await client.get(path, headers=headers)
        best = min(best, (time.process_time() - started) / requests)
    return best


async def profile_reads(
    fixture: Fixture, data_dir: Path, requests: int, cpu: bool = False, top: int = 0
) -> tuple[dict[str, dict[str, float]], list[str]]:
    settings = bench_settings(fixture.database_url, data_dir).model_copy(
        update={"rate_limit_rules": "1000000000/60"}
    )
    rt = Runtime.build(settings)
    app = create_app(runtime=rt)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    out: dict[str, dict[str, float]] = {}
    detail: list[str] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, req in read_requests(fixture).items():
            if name not in READS:
                continue
            for _ in range(20):  # warm: caches, prepared statements, flags
                (await client.get(req.path, headers=req.headers)).raise_for_status()
            if cpu:
                out[name] = {"cpu": await cpu_per_request(client, req.path, req.headers, requests)}
                continue
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(requests):
                await client.get(req.path, headers=req.headers)
            profile.disable()
            out[name] = shares(profile)
            for group in SERVER if top else ():
                detail.append(f"#### {name}: top {top} {group} functions (own ms/req)")
                detail.append("")
                detail.extend(
                    f"- {where}: {seconds / requests * 1000:.3f}"
                    for where, seconds in top_functions(profile, group, top)
                )
                detail.append("")
    await rt.db.dispose()
    return out, detail


def table(db: str, found: dict[str, dict[str, float]], requests: int) -> list[str]:
    lines = [
        f"### {db}",
        "",
        "| endpoint | server ms/req (profiled) | framework | ours | sqlalchemy | driver "
        "| other | not server: client, loop (ms/req) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, groups in found.items():
        server = sum(groups.get(g, 0.0) for g in SERVER)
        outside = groups.get("client", 0.0) + groups.get("loop", 0.0)
        cells = [f"{groups.get(g, 0.0) / server:.0%}" for g in SERVER]
        lines.append(
            f"| {name} | {server / requests * 1000:.2f} | "
            + " | ".join(cells)
            + f" | {outside / requests * 1000:.2f} |"
        )
    lines += [
        "",
        "SQLAlchemy's own time by module (share of SQLAlchemy's time, and profiled ms/req):",
        "",
        "| endpoint | " + " | ".join(name for name, _ in SA_PARTS) + " | util, other |",
        "|---|" + "---:|" * (len(SA_PARTS) + 1),
    ]
    for name, groups in found.items():
        total = groups.get("sqlalchemy", 0.0) or 1.0
        cells = [
            f"{groups.get('sa:' + part, 0.0) / total:.0%} "
            f"({groups.get('sa:' + part, 0.0) / requests * 1000:.2f})"
            for part in [*(n for n, _ in SA_PARTS), "util, other"]
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def child(fixture_path: Path, data_dir: Path, requests: int) -> None:
    """One before/after round: CPU per request of each read with the ``refdesk`` found first
    on ``PYTHONPATH``, printed as one JSON line."""
    import refdesk

    fixture = Fixture(**json.loads(fixture_path.read_text()))
    found, _ = asyncio.run(profile_reads(fixture, data_dir, requests, cpu=True))
    cpu = {name: v["cpu"] for name, v in found.items()}
    print(json.dumps({"refdesk": refdesk.__file__, "cpu": cpu}))


def alternate(
    fixture: Fixture, data_dir: Path, requests: int, before_src: Path, rounds: int
) -> list[str]:
    """Before (``before_src``, e.g. an export of the previous commit) and after (this tree),
    each in a fresh process, alternated ``rounds`` times on the same data: the medians."""
    fixture_path = data_dir / "fixture.json"
    fixture_path.write_text(json.dumps(fixture.to_json()))
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for _ in range(rounds):
        for label, src in (("before", before_src), ("after", ROOT / "src")):
            env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT}"}
            command = [sys.executable, "-m", "bench", "profile", "--child-fixture"]
            command += [str(fixture_path), "--data-dir", str(data_dir)]
            command += ["--requests", str(requests)]
            done = subprocess.run(
                command, env=env, cwd=ROOT, capture_output=True, text=True, check=True
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            if not result["refdesk"].startswith(str(src)):
                raise SystemExit(f"{label}: imported {result['refdesk']}, not from {src}")
            runs[label].append(result["cpu"])
    lines = [
        "| endpoint | before ms (median) | after ms (median) | after/before | before runs "
        "| after runs |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name in runs["after"][0]:
        before = [r[name] * 1000 for r in runs["before"]]
        after = [r[name] * 1000 for r in runs["after"]]
        lines.append(alternated_row(name, before, after, 2))
    return [*lines, ""]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench profile")
    p.add_argument("--db", default="sqlite,postgresql")
    p.add_argument("--scale", default="10k", choices=sorted(SCALES))
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data" / "profile")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument(
        "--cpu", action="store_true", help="no profile: CPU ms per request (before/after)"
    )
    p.add_argument(
        "--pg-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/refdesk_bench_profile",
        help="the PostgreSQL database to (re)create for the profile",
    )
    p.add_argument("--top", type=int, default=0, help="also list the N costliest functions")
    p.add_argument(
        "--before-src",
        type=Path,
        help="with --cpu: a src/ directory of the code before a change (e.g. `git archive` "
        "of the previous commit); before and after alternate in fresh processes",
    )
    p.add_argument("--rounds", type=int, default=4, help="before/after alternations")
    p.add_argument("--child-fixture", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child_fixture:
        child(args.child_fixture, args.data_dir, args.requests)
        return
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    report = [
        f"# refdesk in-process profile of the hot reads, {stamp} UTC",
        "",
        f"Command: `python -m bench profile --db {args.db} --scale {args.scale} "
        f"--requests {args.requests}"
        + (" --cpu" if args.cpu else "")
        + (f" --before-src {args.before_src} --rounds {args.rounds}" if args.before_src else "")
        + (f" --top {args.top}" if args.top else "")
        + "`. "
        + (
            "CPU time of the process per request (best of five rounds of --requests each)."
            if args.cpu
            else "cProfile own time (tottime) by file, as shares of the server's own time "
            "(framework + ours + sqlalchemy + driver + other); cProfile's overhead inflates "
            "Python-heavy parts alike, so read the shares, not the milliseconds."
        ),
        "",
    ]
    for db in args.db.split(","):
        data_dir = args.data_dir / db
        data_dir.mkdir(parents=True, exist_ok=True)
        if db == "sqlite":
            url = f"sqlite+aiosqlite:///{data_dir / 'profile.sqlite3'}"
        else:
            url = args.pg_url
        fixture = asyncio.run(generate(url, args.scale, data_dir))
        if args.cpu and args.before_src:
            report.append(
                f"### {db}: CPU ms per request, before/after alternated {args.rounds} times "
                "(fresh process each; in-process client included, PostgreSQL's server not)"
            )
            report.append("")
            report.extend(alternate(fixture, data_dir, args.requests, args.before_src, args.rounds))
            continue
        found, detail = asyncio.run(
            profile_reads(fixture, data_dir, args.requests, args.cpu, args.top)
        )
        if args.cpu:
            report.append(f"### {db}: CPU ms per request (in-process client included)")
            report.extend(f"- {name}: {v['cpu'] * 1000:.2f}" for name, v in found.items())
            report.append("")
        else:
            report.extend(table(db, found, args.requests))
            report.extend(detail)
    text = "\n".join(report)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    kind = "cpu" if args.cpu else "profile"
    (args.out / f"{stamp}-vm-{kind}.md").write_text(text + "\n")
