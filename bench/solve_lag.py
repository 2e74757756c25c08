"""``python -m bench solve-lag [--size 500] [--seconds 20]``: what an auto-assign solve in a
thread costs the event loop beside it — as in the server, where ``jobs.py`` runs ``solve()``
through ``asyncio.to_thread`` next to the API.

An asyncio task sleeps 1 ms, over and over, and times a fixed piece of Python work (about a
millisecond) after each sleep: first for 3 s with nothing else running, then while the solve
runs, grouped by the solve's phase (its progress reports). *Loop lag* is how much later than
asked the sleep ends: the time the loop waited for the interpreter lock. CP-SAT releases the
lock; the Python parts (preparing, the polish) hold it unless they let go."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import defaultdict
from collections.abc import Callable

from bench.autoassign_season import season
from refdesk.server.autoassign.instance import Options
from refdesk.server.autoassign.solver import solve

Samples = dict[str, list[tuple[float, float]]]


def work() -> float:
    began = time.perf_counter()
    total = 0
    for i in range(20_000):
        total += i * i
    return time.perf_counter() - began


async def sample(samples: Samples, phase: list[str], stop: Callable[[], bool]) -> None:
    while not stop():
        began = time.perf_counter()
        await asyncio.sleep(0.001)
        lag = time.perf_counter() - began - 0.001
        samples[phase[0]].append((work(), lag))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(size: int, seconds: float) -> Samples:
    instance = season(size, 1)
    options = Options(time_limit_seconds=seconds, workers=2, seed=0)
    phase = ["idle"]

    def progress(name: str, fraction: float) -> None:
        phase[0] = name

    samples: Samples = defaultdict(list)
    end = time.perf_counter() + 3
    await sample(samples, phase, lambda: time.perf_counter() > end)
    task = asyncio.ensure_future(asyncio.to_thread(solve, instance, options, progress))
    await sample(samples, phase, task.done)
    await task
    return samples


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench solve-lag")
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    samples = asyncio.run(measure(args.size, args.seconds))
    print(f"solve of the {args.size}-slot bench season, {args.seconds:g} s limit, 2 workers")
    print(
        "| phase | samples | work median ms | work p95 ms | loop lag median ms | loop lag p95 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, rows in samples.items():
        spent = [1000 * w for w, _ in rows]
        lags = [1000 * lag for _, lag in rows]
        print(
            f"| {name} | {len(rows)} | {statistics.median(spent):.2f} | "
            f"{percentile(spent, 0.95):.2f} | {statistics.median(lags):.2f} | "
            f"{percentile(lags, 0.95):.2f} |"
        )
