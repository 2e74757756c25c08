"""``python -m bench events``: what events cost and how fast they go out.

1. **Delivery throughput**: ``N`` events recorded in one transaction for one site with one
   ``*`` subscription; one in-process ``Worker`` (default concurrency) dispatches and delivers
   them to a loopback receiver process (``bench/receiver.py``). Events/s = N / time until
   every delivery succeeded (dispatch included).
2. **Recording cost** (in-process, no HTTP): the same write transaction (insert one
   availability row) with and without a ``record()`` of its event, run alternately.
3. **Write flow with and without a subscription**: ``refdesk serve --insecure-http`` (SQLite:
   the in-process worker; PostgreSQL: plus one ``refdesk worker`` process) under
   ``POST /users/{id}/availability`` from concurrent clients, first with no subscription, then
   with a ``*`` subscription to the loopback receiver, alternated twice; ratio of req/s.
   Whatever events the write flow emits are then delivered by the worker while the writes
   run (the events/request column says how many the flow records).
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench.generate import bench_settings, recreate_database
from bench.load import Figures, run_flows
from bench.run import ROOT, base_env, free_port, machine_facts, process, refdesk_env
from refdesk.server.accounts.models import Account
from refdesk.server.auth.service import create_application, issue_tokens
from refdesk.server.availability.models import Availability
from refdesk.server.config import Settings
from refdesk.server.db.migrate import upgrade
from refdesk.server.events.models import Event, WebhookDelivery
from refdesk.server.events.record import record
from refdesk.server.events.worker import Worker
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.webhooks.models import WebhookSubscription
from refdesk.server.webhooks.secrets import new_signing_secret, seal_secret

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/refdesk_bench_events"


def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


async def setup(runtime: Runtime) -> tuple[int, int, str]:
    """A site, an official with a token; returns (site id, user id, token)."""
    async with runtime.db.transaction() as session:
        account = Account(
            login="bench@example.org",
            email="bench@example.org",
            first_name="Bench",
            last_name="Official",
        )
        site = Site(name="Bench site", timezone="America/New_York", subscription_status="active")
        session.add_all([account, site])
        await session.flush()
        user = User(
            site_id=site.id,
            account_id=account.id,
            first_name="Bench",
            last_name="Official",
            email_addresses=["bench@example.org"],
            official=True,
        )
        session.add(user)
        await session.flush()
        app = await create_application(session, runtime.hasher, account.id, "bench")
        body = await issue_tokens(session, runtime, app.application, account.id, {"read", "write"})
        return site.id, user.id, str(body["access_token"])


async def subscribe(runtime: Runtime, site_id: int, url: str) -> None:
    async with runtime.db.transaction() as session:
        sub = WebhookSubscription(
            site_id=site_id, target_url=url, event_types=["*"], secret_sealed=b""
        )
        session.add(sub)
        await session.flush()
        sub.secret_sealed = seal_secret(runtime.hasher, sub.id, new_signing_secret())


async def count(runtime: Runtime, model: type[Event] | type[WebhookDelivery], **where: str) -> int:
    async with runtime.db.session() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await session.scalar(query) or 0)


async def delivery_rate(runtime: Runtime, site_id: int, events: int) -> tuple[float, float]:
    """(events/s delivered, seconds) for ``events`` new events."""
    async with runtime.db.transaction() as session:
        for n in range(events):
            record(
                session,
                topic="game.updated",
                site_id=site_id,
                resource_type="game",
                resource_id=n + 1,
                game_id=n + 1,
                data={"changes": ["venue"]},
            )
    done_before = await count(runtime, WebhookDelivery, status="succeeded")
    worker = Worker(runtime, "bench")
    started = time.perf_counter()
    try:
        while await count(runtime, WebhookDelivery, status="succeeded") - done_before < events:
            if not (await worker.run_once()).busy:
                await asyncio.sleep(0.01)
    finally:
        await worker.aclose()
    seconds = time.perf_counter() - started
    return events / seconds, seconds


async def raw_post_rate(url: str, posts: int, concurrency: int) -> float:
    """POSTs/s of a bare httpx client to the same receiver: the ceiling on this machine."""
    body = b"x" * 400
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient() as client:

        async def one() -> None:
            async with gate:
                await client.post(url, content=body)

        await asyncio.gather(*(one() for _ in range(100)))
        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(posts)))
        return posts / (time.perf_counter() - started)


async def recording_cost(
    runtime: Runtime, site_id: int, user_id: int, rounds: int
) -> tuple[float, float]:
    """Mean ms of one write transaction without and with a recorded event."""
    totals = {False: 0.0, True: 0.0}
    day = date(2027, 1, 1)
    for n in range(rounds):
        for with_event in (False, True) if n % 2 == 0 else (True, False):
            started = time.perf_counter()
            async with runtime.db.transaction() as session:
                entry = Availability(
                    user_id=user_id,
                    date=day + timedelta(days=n % 300),
                    all_day=True,
                )
                session.add(entry)
                await session.flush()
                if with_event:
                    record(
                        session,
                        topic="availability.changed",
                        site_id=site_id,
                        resource_type="availability",
                        resource_id=entry.id,
                        data={"action": "created", "user_id": user_id, "date": "2027-01-01"},
                    )
            totals[with_event] += time.perf_counter() - started
    return totals[False] / rounds * 1000, totals[True] / rounds * 1000


async def write_flow(base: str, user_id: int, token: str, args: argparse.Namespace) -> Figures:
    url = f"{base}/api/v2/users/{user_id}/availability"
    headers = {"Authorization": f"Bearer {token}"}

    async def step(client: httpx.AsyncClient, n: int) -> bool:
        day = date(2027, 1, 1) + timedelta(days=n % 365)
        body = {"date": day.isoformat(), "start_time": "8am", "end_time": "9am"}
        response = await client.post(url, json=body, headers=headers)
        return response.status_code == 201

    return await run_flows(args.seconds, args.concurrency, list(range(10**7)), step)


class Receiver:
    """The receiver process on a free port."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bench.receiver", str(self.port)],
                cwd=ROOT,
                env=base_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/count", timeout=1)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the receiver did not start") from None
                time.sleep(0.1)

    def count(self) -> int:
        return int(httpx.get(f"http://127.0.0.1:{self.port}/count", timeout=5).text)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


class DbFigures:
    def __init__(self, db: str) -> None:
        self.db = db
        self.events_per_s = 0.0
        self.raw_posts_per_s = 0.0
        self.delivery_seconds = 0.0
        self.events = 0
        self.tx_ms = (0.0, 0.0)
        self.flows: list[tuple[str, Figures, float]] = []  # (phase, figures, events/request)
        self.delivered_during_writes = 0


def database_url(db: str, data_dir: Path) -> str:
    if db == "sqlite":
        return f"sqlite+aiosqlite:///{data_dir / 'bench-events.sqlite3'}"
    return PG_URL


def settings_for(url: str, data_dir: Path) -> Settings:
    settings = bench_settings(url, data_dir)
    return settings.model_copy(update={"webhook_allow_http": True, "webhook_allow_private": True})


async def in_process_part(
    db: str, url: str, data_dir: Path, receiver: Receiver, args: argparse.Namespace
) -> tuple[DbFigures, int, int, str]:
    await recreate_database(url)
    await upgrade(url)
    runtime = Runtime.build(settings_for(url, data_dir))
    try:
        site_id, user_id, token = await setup(runtime)
        figures = DbFigures(db)
        figures.tx_ms = await recording_cost(runtime, site_id, user_id, args.rounds)
        await subscribe(runtime, site_id, receiver.url)
        await delivery_rate(runtime, site_id, 200)  # warm-up
        figures.events = args.events
        figures.raw_posts_per_s = await raw_post_rate(receiver.url, args.events, 16)
        figures.events_per_s, figures.delivery_seconds = await delivery_rate(
            runtime, site_id, args.events
        )
        # The write-flow part starts without a subscription.
        async with runtime.db.transaction() as session:
            await session.execute(WebhookSubscription.__table__.delete())
        return figures, site_id, user_id, token
    finally:
        await runtime.db.dispose()


async def flow_phase(
    runtime: Runtime, base: str, user_id: int, token: str, args: argparse.Namespace
) -> tuple[Figures, float]:
    before = await count(runtime, Event)
    figures = await write_flow(base, user_id, token, args)
    recorded = await count(runtime, Event) - before
    return figures, recorded / figures.requests if figures.requests else 0.0


def run_db(db: str, args: argparse.Namespace) -> DbFigures:
    data_dir = (args.data_dir / f"events-{db}").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url(db, data_dir)
    receiver = Receiver(data_dir / "receiver.log")
    try:
        print(f"== {db}: delivery throughput and recording cost", flush=True)
        figures, site_id, user_id, token = asyncio.run(
            in_process_part(db, url, data_dir, receiver, args)
        )
        port = free_port()
        env = refdesk_env(url, data_dir, None) | {
            "REFDESK_WEBHOOK_ALLOW_HTTP": "true",
            "REFDESK_WEBHOOK_ALLOW_PRIVATE": "true",
        }
        serve = [
            sys.executable, "-m", "refdesk.cli", "serve", "--insecure-http",
            "--host", "127.0.0.1", "--http-port", str(port),
        ]  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        worker: subprocess.Popen[bytes] | None = None
        with process(serve, env, data_dir / "serve.log", f"{base}/healthz"):
            if db == "postgresql":
                with (data_dir / "worker.log").open("wb") as out:
                    worker = subprocess.Popen(
                        [sys.executable, "-m", "refdesk.cli", "worker"],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
            try:
                received = receiver.count()
                figures.flows = asyncio.run(
                    flows(url, data_dir, base, site_id, user_id, token, receiver, args)
                )
                figures.delivered_during_writes = receiver.count() - received
            finally:
                if worker is not None:
                    worker.terminate()
                    worker.wait(timeout=30)
        return figures
    finally:
        receiver.stop()


async def flows(
    url: str,
    data_dir: Path,
    base: str,
    site_id: int,
    user_id: int,
    token: str,
    receiver: Receiver,
    args: argparse.Namespace,
) -> list[tuple[str, Figures, float]]:
    runtime = Runtime.build(settings_for(url, data_dir))
    results: list[tuple[str, Figures, float]] = []
    try:
        print("   write flow: warm-up", flush=True)
        warm = argparse.Namespace(**{**vars(args), "seconds": 2})
        await write_flow(base, user_id, token, warm)
        for round_ in range(2):
            for phase in ("without subscription", "with subscription"):
                async with runtime.db.transaction() as session:
                    await session.execute(WebhookSubscription.__table__.delete())
                if phase == "with subscription":
                    await subscribe(runtime, site_id, receiver.url)
                print(f"   write flow {round_ + 1}: {phase}", flush=True)
                figures, per_request = await flow_phase(runtime, base, user_id, token, args)
                results.append((phase, figures, per_request))
    finally:
        await runtime.db.dispose()
    return results


def combined(rows: list[tuple[str, Figures, float]], phase: str) -> tuple[float, float, float]:
    """(req/s, mean of p50 ms, events/request) over the rounds of one phase."""
    chosen = [(f, e) for p, f, e in rows if p == phase]
    requests = sum(f.requests for f, _ in chosen)
    seconds = sum(f.seconds for f, _ in chosen)
    p50 = sum(f.p50_ms for f, _ in chosen) / len(chosen)
    per_request = sum(e * f.requests for f, e in chosen) / requests if requests else 0.0
    return requests / seconds if seconds else 0.0, p50, per_request


def report(args: argparse.Namespace, results: list[DbFigures], facts: dict[str, str]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"# refdesk events benchmark, {stamp} UTC",
        "",
        f"Command: `python -m bench events {' '.join(sys.argv[2:])}`".rstrip(),
        "",
        "## Machine",
        "",
        "| fact | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in facts.items()],
        "",
        "## Method",
        "",
        *[f"{line}" for line in (__doc__ or "").strip().splitlines()[2:]],
        "",
        f"Write flow: {args.concurrency} concurrent clients, {args.seconds} s per phase, "
        "two rounds of each phase, one `refdesk serve` process.",
        "",
        "## Results",
        "",
        "| db | events delivered/s (one worker) | bare httpx POST/s, same receiver "
        "| write tx ms without event | with event | added per event |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        without, with_ = r.tx_ms
        lines.append(
            f"| {r.db} | {fmt(r.events_per_s)} ({r.events} in {fmt(r.delivery_seconds, 1)} s) "
            f"| {fmt(r.raw_posts_per_s)} | {fmt(without, 3)} | {fmt(with_, 3)} "
            f"| {fmt(with_ - without, 3)} ms |"
        )
    lines += [
        "",
        "| db | write flow | req/s | p50 ms | events/request | ratio with/without |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        base_rps = combined(r.flows, "without subscription")[0]
        for phase in ("without subscription", "with subscription"):
            rps, p50, per_request = combined(r.flows, phase)
            ratio = fmt(rps / base_rps, 2) if base_rps else "—"
            lines.append(
                f"| {r.db} | {phase} | {fmt(rps)} | {fmt(p50, 2)} | {fmt(per_request, 2)} "
                f"| {ratio if phase == 'with subscription' else ''} |"
            )
        lines.append(
            f"| {r.db} | deliveries received during the write flow | "
            f"{r.delivered_during_writes} | | | |"
        )
    return "\n".join(lines) + "\n"


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench events", description=__doc__)
    p.add_argument("--db", default="sqlite,postgresql", help="comma list: sqlite,postgresql")
    p.add_argument("--events", type=int, default=2000, help="events for the delivery rate")
    p.add_argument("--rounds", type=int, default=500, help="transactions per recording case")
    p.add_argument("--seconds", type=int, default=6, help="per write-flow phase")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    p.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return p.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse(argv)
    started = time.monotonic()
    results = [run_db(db, args) for db in args.db.split(",") if db]
    facts = machine_facts(args.redis_url)
    facts["total run time"] = f"{time.monotonic() - started:.0f} s"
    text = report(args, results, facts)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    path = args.out / f"{stamp}-{platform.node() or 'machine'}-events.md"
    path.write_text(text)
    print(text)
    print(f"written: {path}")
