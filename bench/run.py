"""Orchestration: generate, capture, serve (refdesk and the bare baseline), load, report."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson

from bench.compare import compare, fmt, ratio
from bench.generate import BENCH_SECRET_KEY, SCALES, Fixture, generate
from bench.load import Figures, have_wrk, run_flows, run_wrk
from bench.scenarios import READS, Captured, Request, capture, read_requests, save

ROOT = Path(__file__).resolve().parent.parent
BIG_RATE_LIMIT = "1000000000/60"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
            found.extend(children(int(entry.name)))
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_rss(pid: int) -> list[float]:
    """RSS of the processes that serve requests (the workers, or the single process)."""
    kids = [p for p in children(pid) if "resource_tracker" not in _cmdline(p)]
    serving = [p for p in kids if _is_python(p)] or [pid]  # supervisor + workers, or one
    return [round(rss_mb(p), 1) for p in serving]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _is_python(pid: int) -> bool:
    return "python" in _cmdline(pid)


@contextmanager
def process(
    args: list[str], env: dict[str, str], log: Path, ready_url: str
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"{args[:4]} exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(ready_url, timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{args[:4]} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def refdesk_env(url: str, data_dir: Path, redis_url: str | None) -> dict[str, str]:
    """The environment ``refdesk serve`` runs in for a bench: its database and data, the
    bench's secret key, rate limits never reached, Redis' shared counters on PostgreSQL."""
    env = base_env() | {
        "REFDESK_DATABASE_URL": url,
        "REFDESK_DATA_DIR": str(data_dir),
        "REFDESK_SECRET_KEY": BENCH_SECRET_KEY,
        "REFDESK_RATE_LIMIT_RULES": BIG_RATE_LIMIT,
    }
    if redis_url is not None:
        env["REFDESK_REDIS_URL"] = redis_url
    return env


def refdesk_command(port: int, workers: int) -> list[str]:
    """``refdesk serve`` over plain HTTP on loopback."""
    return [
        sys.executable, "-m", "refdesk.cli", "serve", "--insecure-http",
        "--host", "127.0.0.1", "--http-port", str(port), "--workers", str(workers),
    ]  # fmt: skip


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFDESK_", "BENCH_"))}
    # A PYTHONPATH given to the bench comes first (e.g. an export of an earlier commit's src/
    # to bench the code before a change).
    given = [part for part in os.environ.get("PYTHONPATH", "").split(os.pathsep) if part]
    env["PYTHONPATH"] = os.pathsep.join([*given, str(ROOT)])
    return env


@dataclass
class Row:
    endpoint: str
    ours: Figures
    baseline: Figures | None
    statements: int | None
    plain: Figures | None = None  # the second baseline (bench/plain.py)


@dataclass
class DbResult:
    db: str
    workers: int
    fixture: Fixture
    rows: list[Row] = field(default_factory=list)
    memory_mb: list[float] = field(default_factory=list)
    baseline_memory_mb: list[float] = field(default_factory=list)
    scaling: dict[str, tuple[Figures, Figures | None, int]] = field(default_factory=dict)
    loads: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # refdesk, plain bytes


def db_url(db: str, scale: str, data_dir: Path, pg_prefix: str = "refdesk_bench_") -> str:
    if db == "sqlite":
        return f"sqlite+aiosqlite:///{data_dir / f'bench-{scale}.sqlite3'}"
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{pg_prefix}{scale}"


def run_scale(
    args: argparse.Namespace, db: str, scale: str, full: bool, result: DbResult | None
) -> DbResult:
    data_dir = args.data_dir
    url = db_url(db, scale, data_dir, args.pg_prefix)
    print(f"== {db} {scale}: generating", flush=True)
    fixture = asyncio.run(generate(url, scale, data_dir / f"{db}-{scale}"))
    print(f"   loaded {fixture.counts} in {fixture.load_seconds} s", flush=True)
    captured = asyncio.run(capture(fixture, data_dir / f"{db}-{scale}"))
    for name, c in captured.items():
        if c.status >= 400:
            raise SystemExit(f"capture of {name} answered {c.status}: {c.body}")
    capture_path = data_dir / f"capture-{db}-{scale}.pickle"
    save(captured, capture_path)
    workers = 1 if db == "sqlite" else args.workers
    ours_port, base_port = free_port(), free_port()
    redis_url = args.redis_url if db == "postgresql" else None
    env = refdesk_env(url, data_dir / f"{db}-{scale}", redis_url)
    if args.no_token_cache:
        env["REFDESK_TOKEN_CACHE_SIZE"] = "0"
    ours_args = refdesk_command(ours_port, workers)
    base_args = [
        sys.executable, "-m", "uvicorn", "--factory", "bench.baseline:app_factory",
        "--host", "127.0.0.1", "--port", str(base_port), "--workers", str(workers),
    ]  # fmt: skip
    base_env_ = base_env() | {"BENCH_DATABASE_URL": url, "BENCH_CAPTURE": str(capture_path)}
    ours_url = f"http://127.0.0.1:{ours_port}"
    base_url = f"http://127.0.0.1:{base_port}"
    if result is None:
        result = DbResult(db, workers, fixture)
    result.loads[scale] = fixture.load_seconds
    requests = read_requests(fixture)
    logs = args.data_dir
    with (
        process(ours_args, env, logs / f"server-{db}-{scale}.log", f"{ours_url}/healthz") as ours,
        process(
            base_args, base_env_, logs / f"baseline-{db}-{scale}.log", f"{base_url}/baseline/game"
        ) as base,
    ):
        time.sleep(1.0)

        def measure(name: str, req: Request, with_baseline: bool) -> tuple[Figures, Figures | None]:
            print(f"   {name}: refdesk", flush=True)
            run_wrk(ours_url, req, 2, args.connections)  # warm-up
            mine = run_wrk(ours_url, req, args.seconds, args.connections)
            theirs = None
            if with_baseline:
                print(f"   {name}: baseline", flush=True)
                bare = Request("GET", f"/baseline/{name}", {})
                run_wrk(base_url, bare, 2, args.connections)
                theirs = run_wrk(base_url, bare, args.seconds, args.connections)
            return mine, theirs

        def measure_plain(name: str) -> Figures:
            print(f"   {name}: plain baseline", flush=True)
            plain = Request("GET", f"/plain/{name}", {})
            body = httpx.get(f"{base_url}/plain/{name}", timeout=30)
            body.raise_for_status()
            ours_size = len(orjson.dumps(captured[name].body))
            result.sizes[name] = (ours_size, len(body.content))
            run_wrk(base_url, plain, 2, args.connections)
            return run_wrk(base_url, plain, args.seconds, args.connections)

        if not full:
            mine, theirs = measure("month_list", requests["month_list"], True)
            result.scaling[scale] = (mine, theirs, captured["month_list"].sql_count)
            return result
        for name in ("token", *READS):
            mine, theirs = measure(name, requests[name], name in READS)
            plain = measure_plain(name) if name in READS else None
            result.rows.append(Row(name, mine, theirs, captured[name].sql_count, plain))
            if name == "month_list":
                result.scaling[scale] = (mine, theirs, captured[name].sql_count)
        result.rows.extend(asyncio.run(write_flows(args, fixture, ours_url, captured)))
        result.memory_mb = worker_rss(ours.pid)
        result.baseline_memory_mb = worker_rss(base.pid)
        result.fixture = fixture
    return result


async def write_flows(
    args: argparse.Namespace, f: Fixture, url: str, captured: dict[str, Captured]
) -> list[Row]:
    assignor = {"Authorization": f"Bearer {f.assignor_token}"}
    official = {"Authorization": f"Bearer {f.official_token}"}

    async def update(client: httpx.AsyncClient, game_id: int) -> bool:
        r = await client.put(
            f"{url}/api/v2/games/{game_id}",
            json={"external_id": f"bench-{game_id}", "lock_version": 0},
            headers=assignor,
        )
        return r.status_code == 200

    async def assign_accept(client: httpx.AsyncClient, slot: int) -> bool:
        a = await client.post(
            f"{url}/api/v2/assignments/{slot}/assign",
            data={"user_id": str(f.official_user_id)},
            headers=assignor,
        )
        if a.status_code != 200:
            return False
        b = await client.post(f"{url}/api/v2/assignments/{slot}/accept", headers=official)
        return b.status_code == 200

    # A warm-up (up to 2 s, on the last tenth of the records), as wrk gets one for the single
    # requests: a flow's first requests compile its statements and read cold pages, and at
    # ~60 flows/s in a 4 s run they alone would make the p99.
    games, slots = f.game_ids[:-4], f.vacant_slots[:-4]
    warm_games, warm_slots = max(1, len(games) // 10), max(1, len(slots) // 10)
    print("   update_game: refdesk", flush=True)
    await run_flows(2, args.flow_concurrency, games[-warm_games:], update)
    up = await run_flows(args.seconds, args.flow_concurrency, games[:-warm_games], update)
    print("   assign_accept: refdesk", flush=True)
    await run_flows(2, args.flow_concurrency, slots[-warm_slots:], assign_accept)
    aa = await run_flows(args.seconds, args.flow_concurrency, slots[:-warm_slots], assign_accept)
    return [
        Row("update_game", up, None, captured["update_game"].sql_count),
        Row("assign_accept", aa, None, captured["assign_accept"].sql_count),
    ]


def machine_facts(redis_url: str) -> dict[str, str]:
    facts = {
        "date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "nproc": str(os.cpu_count()),
        "memory": "",
        "cpu": platform.processor() or platform.machine(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            facts["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            facts["cpu"] = line.split(":", 1)[1].strip()
            break
    try:
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version"],
            capture_output=True, text=True, timeout=10,
        )  # fmt: skip
        facts["postgresql"] = out.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        facts["postgresql"] = "?"
    try:
        import redis

        info = redis.Redis.from_url(redis_url).info("server")
        facts["redis"] = str(info.get("redis_version"))
    except Exception:
        facts["redis"] = "?"
    import importlib.metadata as md

    for package in ("uvicorn", "starlette", "fastapi", "sqlalchemy", "asyncpg", "orjson"):
        facts[package] = md.version(package)
    try:
        facts["wrk"] = subprocess.run(
            ["wrk", "-v"], capture_output=True, text=True, timeout=5
        ).stdout.split()[1]
    except (OSError, subprocess.SubprocessError, IndexError):
        facts["wrk"] = "?"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    facts["refdesk commit"] = commit or "?"
    return facts


def report(args: argparse.Namespace, results: list[DbResult], facts: dict[str, str]) -> str:
    lines = [
        f"# refdesk benchmark, {facts['date (UTC)']} UTC",
        "",
        f"Command: `python -m bench {' '.join(sys.argv[1:])}`".rstrip(),
        "",
        "## Machine",
        "",
        "| fact | value |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in facts.items()),
        "",
        "## Method",
        "",
        f"- Load: wrk, 1 thread, {args.connections} connections, {args.seconds} s per "
        f"endpoint after a 2 s warm-up, on the same machine (loopback); write flows: "
        f"asyncio/httpx, {args.flow_concurrency} concurrent flows, {args.seconds} s.",
        "- refdesk: `refdesk serve --insecure-http --workers N` (Uvicorn, uvloop, httptools, "
        "access log on). PostgreSQL runs use Redis for the shared rate-limit counters "
        "(limits set high enough never to refuse); SQLite runs are the embedded default "
        "(1 worker, in-process counters).",
        "- Baseline: bare Starlette + orjson under the same Uvicorn and worker count, "
        "replaying exactly the SQL statements refdesk ran for that request (captured "
        "in-process) with the raw driver (asyncpg / aiosqlite) and returning the same JSON "
        "document. Ratio = refdesk req/s ÷ baseline req/s.",
        "- SQL/request: statements refdesk executed for one request (warm), counted with a "
        "SQLAlchemy cursor hook; with Redis, rate limiting adds no SQL.",
        "- Memory: resident set size of each serving process after the run.",
        "",
    ]
    for r in results:
        f = r.fixture
        lines += [
            f"## {r.db} — {f.scale} games, {r.workers} worker(s)",
            "",
            "Data: " + ", ".join(f"{v:,} {k}" for k, v in f.counts.items()) + ".",
            "Load time: " + ", ".join(f"{s}: {t} s" for s, t in r.loads.items()) + ".",
            "",
            "| endpoint | req/s | p50 ms | p95 ms | p99 ms | p99/p50 | errors | SQL/req "
            "| floor req/s | plain req/s | refdesk/floor | refdesk/plain |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in r.rows:
            o, b, pl = row.ours, row.baseline, row.plain
            lines.append(
                f"| {row.endpoint} | {fmt(o.rps)} | {fmt(o.p50_ms, 2)} | {fmt(o.p95_ms, 2)} "
                f"| {fmt(o.p99_ms, 2)} | {ratio(o.p99_ms, o.p50_ms, 1)} | {o.errors} "
                f"| {row.statements} | {fmt(b.rps) if b else '—'} | {fmt(pl.rps) if pl else '—'} "
                f"| {ratio(o.rps, b.rps if b else 0)} | {ratio(o.rps, pl.rps if pl else 0)} |"
            )
        lines += [
            "",
            "floor: the same SQL and a precomputed JSON document; plain: the same SQL and the "
            "document built from the rows in plain Python (bench/plain.py; every selected column "
            "under its column name, so not byte-identical: "
            + ", ".join(f"{n} {a:,} vs {b:,} bytes" for n, (a, b) in r.sizes.items())
            + " for refdesk vs plain).",
            "",
            "update_game and assign_accept are flows per second (assign_accept = two "
            "requests); token is POST /oauth/token (client credentials).",
            "",
            f"Memory per worker (RSS MB): refdesk {r.memory_mb}; baseline {r.baseline_memory_mb}.",
            "",
            "Month-of-games list (limit=50, embedded assignments) by data size:",
            "",
            "| games | req/s | p50 ms | p99 ms | SQL/req | baseline req/s | ratio "
            "| time per request vs smallest |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        ordered = sorted(r.scaling.items(), key=lambda kv: SCALES[kv[0]])
        first = ordered[0][1][0].rps if ordered else 0
        for scale, (o, b, n) in ordered:
            lines.append(
                f"| {scale} | {fmt(o.rps)} | {fmt(o.p50_ms, 2)} | {fmt(o.p99_ms, 2)} | {n} "
                f"| {fmt(b.rps) if b else '—'} | {fmt(o.rps / b.rps, 2) if b and b.rps else '—'} "
                f"| {fmt(first / o.rps, 2) if o.rps else '—'}x |"
            )
        lines.append("")
    if args.compare is not None:
        lines += compare(args.compare, results)
    return "\n".join(lines) + "\n"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--db", default="sqlite,postgresql", help="comma list: sqlite,postgresql")
    p.add_argument("--scale", default="100k", choices=sorted(SCALES), help="full mix at")
    p.add_argument(
        "--scaling", default="10k,100k", help="month-list scaling sizes (comma list; 1m ok)"
    )
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--flow-concurrency", type=int, default=8)
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    p.add_argument(
        "--pg-prefix",
        default="refdesk_bench_",
        help="PostgreSQL database name before the scale (two checkouts benching at once)",
    )
    p.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument(
        "--no-token-cache",
        action="store_true",
        help="turn the principal cache off (REFDESK_TOKEN_CACHE_SIZE=0): the 'before' figures",
    )
    p.add_argument(
        "--compare", type=Path, default=None, help="an earlier report: add a before/after table"
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.no_token_cache:  # the in-process capture reads it from the environment
        os.environ["REFDESK_TOKEN_CACHE_SIZE"] = "0"
    if not have_wrk():
        raise SystemExit("wrk is required (Debian/Ubuntu: apt-get install wrk)")
    args.data_dir = args.data_dir.resolve()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    scales = [s for s in args.scaling.split(",") if s]
    for s in scales:
        if s not in SCALES:
            raise SystemExit(f"unknown scale {s!r}; use one of {', '.join(SCALES)}")
    started = time.monotonic()
    results: list[DbResult] = []
    for db in [d for d in args.db.split(",") if d]:
        result = run_scale(args, db, args.scale, True, None)
        for scale in scales:
            if scale != args.scale:
                run_scale(args, db, scale, False, result)
        results.append(result)
    facts = machine_facts(args.redis_url)
    facts["total run time"] = f"{time.monotonic() - started:.0f} s"
    text = report(args, results, facts)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    path = args.out / f"{stamp}-{platform.node() or 'machine'}.md"
    path.write_text(text)
    (args.data_dir / "last.json").write_text(json.dumps({"report": str(path)}))
    print(text)
    print(f"written: {path}")
