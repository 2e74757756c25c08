"""Load generation: wrk (Lua ``done`` hook prints the figures) for the single-request
scenarios, a bounded asyncio/httpx loop for the two-step write flows."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.scenarios import Request

REQUEST_LUA = r"""
wrk.method = os.getenv("BENCH_METHOD")
local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then wrk.body = body end
"""
DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,' ..
    '"socket_errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Figures:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # socket errors + non-2xx/3xx

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    base_url: str, req: Request, seconds: int, connections: int, threads: int = 1, lua: str = ""
) -> Figures:
    """``lua``: a script that makes the requests (default: ``req``'s method and body)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write((lua or REQUEST_LUA) + DONE_LUA)
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    for key, value in req.headers.items():
        args += ["-H", f"{key}: {value}"]
    args.append(base_url + req.path.replace("[", "%5B").replace("]", "%5D"))
    env = {"BENCH_METHOD": req.method, "BENCH_BODY": req.body.decode(), "PATH": "/usr/bin:/bin"}
    try:
        out = subprocess.run(
            args, capture_output=True, text=True, env=env, timeout=seconds + 60, check=True
        ).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next(x for x in out.splitlines() if x.startswith("BENCHJSON "))
    data = json.loads(line.removeprefix("BENCHJSON "))
    return Figures(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=data["socket_errors"] + data["non2xx"],
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run_flows(
    seconds: float,
    concurrency: int,
    items: list[int],
    step: object,
) -> Figures:
    """Run ``await step(client, item)`` (returns ok: bool) for fresh items until time or items
    run out; each flow's latency is measured."""
    assert callable(step)
    pool = iter(items)
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    start = time.monotonic()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            item = next(pool, None)
            if item is None:
                return
            t0 = time.perf_counter()
            ok = await step(client, item)
            latencies.append((time.perf_counter() - t0) * 1000)
            if not ok:
                errors += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    elapsed = time.monotonic() - start
    return Figures(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        p99_ms=percentile(latencies, 99),
        errors=errors,
    )
