"""``python -m bench ab --before-src DIR``: refdesk before and after a change, served in turn
on the same data and loaded with wrk, alternated ``--rounds`` times (issue 15).

The main bench compares refdesk with baselines inside one run; across two runs (before and
after a change) the machine's state moves the figures by more than a change is worth (this
VM's floor itself moved 10-30 % between two idle runs). Here the two trees take turns on one
dataset within minutes of each other: ``refdesk serve`` from ``DIR`` (e.g. ``git archive
<commit> src | tar -x -C /tmp/before``), then from this checkout's ``src``, and so on. Reported:
req/s of each read per round, the median of each side and after/before, as Markdown (printed
and written to ``bench/results/``).
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.compare import alternated_row
from bench.generate import generate as generate_data
from bench.load import have_wrk, run_wrk
from bench.run import ROOT, db_url, free_port, process, refdesk_command, refdesk_env
from bench.scenarios import READS, read_requests


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench ab", description=__doc__)
    p.add_argument("--before-src", type=Path, required=True, help="src/ of the code before")
    p.add_argument("--db", default="sqlite,postgresql")
    p.add_argument("--scale", default="10k")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--seconds", type=int, default=6)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--workers", type=int, default=2, help="PostgreSQL's (SQLite: 1)")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    p.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data" / "ab")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return p.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse(argv)
    if not have_wrk():
        raise SystemExit("wrk is required (Debian/Ubuntu: apt-get install wrk)")
    before = args.before_src.resolve()
    if not (before / "refdesk").is_dir():
        raise SystemExit(f"{before} holds no refdesk package (give the src/ directory)")
    trees = {"before": before, "after": ROOT / "src"}
    lines = [
        f"# refdesk before/after, alternated, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python -m bench ab {' '.join(argv)}`. Machine: {platform.node()}, "
        f"{platform.processor() or platform.machine()}. wrk: {args.connections} connections, "
        f"{args.seconds} s per read after 2 s of warm-up; each tree served fresh per round.",
        "",
    ]
    for db in [d for d in args.db.split(",") if d]:
        data_dir = (args.data_dir / db).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        url = db_url(db, args.scale, data_dir, "refdesk_bench_ab_")
        print(f"== {db}: generating {args.scale}", flush=True)
        fixture = asyncio.run(generate_data(url, args.scale, data_dir))
        requests = read_requests(fixture)
        found: dict[tuple[str, str], list[float]] = {}
        for round_ in range(args.rounds):
            for label, src in trees.items():
                redis_url = args.redis_url if db == "postgresql" else None
                env = refdesk_env(url, data_dir, redis_url) | {"PYTHONPATH": f"{src}:{ROOT}"}
                workers = 1 if db == "sqlite" else args.workers
                port = free_port()
                command = refdesk_command(port, workers)
                base = f"http://127.0.0.1:{port}"
                log = data_dir / f"server-{label}.log"
                with process(command, env, log, f"{base}/healthz"):
                    for name in READS:
                        run_wrk(base, requests[name], 2, args.connections)  # warm-up
                        figures = run_wrk(base, requests[name], args.seconds, args.connections)
                        if figures.errors:
                            raise SystemExit(f"{label} {name}: {figures.errors} errors ({log})")
                        found.setdefault((name, label), []).append(figures.rps)
                        print(f"   round {round_ + 1} {label} {name}: {figures.rps:.1f} req/s")
                time.sleep(1)
        workers_text = "1 worker" if db == "sqlite" else f"{args.workers} workers"
        lines += [
            f"## {db}, {args.scale} games, {workers_text}",
            "",
            "| read | before req/s (median) | after req/s (median) | after/before "
            "| before, each round | after, each round |",
            "|---|---:|---:|---:|---|---|",
        ]
        for name in READS:
            lines.append(alternated_row(name, found[(name, "before")], found[(name, "after")], 1))
        lines.append("")
    text = "\n".join(lines)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.now(UTC):%Y-%m-%d-%H%M}-{platform.node() or 'machine'}-ab.md"
    path.write_text(text)
    print(text)
    print(f"written: {path}")
