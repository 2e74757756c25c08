"""``python -m bench live-profile``: where a served read's time goes, sampled under load.

``python -m bench profile`` runs the app in-process under cProfile, which inflates
Python-heavy code, cannot see C code's callers and leaves out what only a served process
does (Uvicorn's HTTP parsing, the access log, the event loop, Redis' rate-limit round trip on
PostgreSQL). This serves the bench data with ``refdesk serve`` (one worker), loads each read
with wrk and samples the worker with py-spy (``pip install py-spy``; it reads the process'
memory, so it needs ptrace rights: root, or ``kernel.yama.ptrace_scope`` = 0), every thread
included: on SQLite, aiosqlite's threads run the statements and convert the rows.

Each sample is counted for the innermost frame's package ("self" time): asyncpg, aiosqlite,
SQLAlchemy, FastAPI, Starlette, Uvicorn, redis, logging, asyncio (the loop, including what
uvloop and the drivers' C code do under it) and refdesk's own code by area. Printed and
written to ``bench/results/`` as Markdown: the shares, and the costliest frames.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.generate import generate as generate_data
from bench.load import have_wrk, run_wrk
from bench.run import ROOT, db_url, free_port, process, refdesk_command, refdesk_env
from bench.scenarios import READS, read_requests

# First match wins: the innermost frame's file decides where a sample's time went.
AREAS = (
    ("refdesk: api and middleware", "refdesk/server/api/"),
    ("refdesk: database helpers", "refdesk/server/db/"),
    ("refdesk: timestamps", "refdesk/server/timefmt"),
    ("refdesk: the rest (services, documents)", "refdesk/"),
    ("asyncpg", "asyncpg/"),
    ("aiosqlite + SQLite (its threads)", "aiosqlite/"),
    ("SQLAlchemy", "sqlalchemy/"),
    ("FastAPI", "fastapi/"),
    ("Starlette", "starlette/"),
    ("Uvicorn", "uvicorn/"),
    ("redis (rate-limit store)", "redis/"),
    ("logging (access log)", "logging/"),
    ("asyncio and the loop", "asyncio/"),
)
_FILE = re.compile(r"\(([^()]*?)(?::\d+)?\)$")


def area_of(frame: str) -> str:
    found = _FILE.search(frame)
    path = found.group(1) if found else frame
    for name, marker in AREAS:
        if marker in path:
            return name
    return "other (stdlib, pydantic, ...)"


def read_samples(path: Path) -> tuple[Counter[str], Counter[str], int]:
    """py-spy's raw output (``stack;frames count`` per line): samples per area and per frame."""
    areas: Counter[str] = Counter()
    frames: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        innermost = stack.split(";")[-1]
        areas[area_of(innermost)] += int(count)
        frames[innermost.split("/site-packages/")[-1].split("/src/")[-1]] += int(count)
        total += int(count)
    return areas, frames, total


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench live-profile", description=__doc__)
    p.add_argument("--db", default="sqlite,postgresql")
    p.add_argument("--scale", default="10k")
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    p.add_argument("--top", type=int, default=12, help="costliest frames listed per read")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    p.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data" / "live")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return p.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        raise SystemExit("py-spy is required: pip install py-spy")
    if not have_wrk():
        raise SystemExit("wrk is required (Debian/Ubuntu: apt-get install wrk)")
    lines = [
        f"# refdesk under load, sampled, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python -m bench live-profile {' '.join(argv)}`. Machine: "
        f"{platform.node()}. `refdesk serve`, 1 worker; wrk {args.connections} connections, "
        f"{args.seconds} s per read; py-spy at {args.rate} Hz, every thread, idle ones left "
        "out. Shares of the samples by the innermost frame's package.",
        "",
    ]
    for db in [d for d in args.db.split(",") if d]:
        data_dir = (args.data_dir / db).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        url = db_url(db, args.scale, data_dir, "refdesk_bench_live_")
        print(f"== {db}: generating {args.scale}", flush=True)
        fixture = asyncio.run(generate_data(url, args.scale, data_dir))
        requests = read_requests(fixture)
        env = refdesk_env(url, data_dir, args.redis_url if db == "postgresql" else None)
        port = free_port()
        command = refdesk_command(port, 1)
        base = f"http://127.0.0.1:{port}"
        found: dict[str, tuple[Counter[str], Counter[str], int, float]] = {}
        with process(command, env, data_dir / "server.log", f"{base}/healthz") as server:
            for name in READS:
                run_wrk(base, requests[name], 2, args.connections)  # warm-up
                with tempfile.TemporaryDirectory() as tmp:
                    raw = Path(tmp) / "samples.txt"
                    sampler = subprocess.Popen(
                        [spy, "record", "--format", "raw", "--subprocesses",
                         "--rate", str(args.rate), "--duration", str(args.seconds),
                         "--nonblocking", "--output", str(raw), "--pid", str(server.pid)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    )  # fmt: skip
                    time.sleep(0.5)
                    figures = run_wrk(base, requests[name], args.seconds, args.connections)
                    _, err = sampler.communicate(timeout=args.seconds + 60)
                    if not raw.exists():
                        raise SystemExit(f"py-spy recorded nothing: {err.decode()[-2000:]}")
                    areas, frames, total = read_samples(raw)
                found[name] = (areas, frames, total, figures.rps)
                print(f"   {name}: {figures.rps:.1f} req/s, {total} samples", flush=True)
        lines += report(db, args.scale, found, args.top)
    text = "\n".join(lines)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now(UTC):%Y-%m-%d-%H%M}-{platform.node() or 'machine'}"
    path = args.out / f"{stamp}-live-profile.md"
    path.write_text(text)
    print(text)
    print(f"written: {path}")


def report(
    db: str, scale: str, found: dict[str, tuple[Counter[str], Counter[str], int, float]], top: int
) -> list[str]:
    names = list(found)
    lines = [
        f"## {db}, {scale} games, 1 worker",
        "",
        "| where | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    order = [name for name, _ in AREAS] + ["other (stdlib, pydantic, ...)"]
    for area in order:
        cells = [f"{found[n][0][area] / max(found[n][2], 1) * 100:.1f} %" for n in names]
        lines.append(f"| {area} | " + " | ".join(cells) + " |")
    rates = " | ".join(f"{found[n][3]:.1f}" for n in names)
    lines.append(f"| req/s while sampled | {rates} |")
    lines.append("")
    for name in names:
        _, frames, total, _ = found[name]
        lines += [f"Costliest frames, {name} (share of its samples):", ""]
        lines += [
            f"- {count / max(total, 1) * 100:.1f} % {frame}"
            for frame, count in frames.most_common(top)
        ]
        lines.append("")
    return lines
