"""Solving proposals off the request path.

``create`` commits a ``queued`` proposal and, once the response is on its way (a Starlette
background task, after the commit), :meth:`SolveJobs.start` runs it as an asyncio task in the
server process: claim (``queued`` → ``solving``, one atomic UPDATE, a random claim token),
load the instance (on the event loop, a fixed number of queries), run CP-SAT in a thread
(``asyncio.to_thread``), save ``done`` with the result or ``failed`` with the error — only
when the claim still holds, so a discarded or re-claimed proposal is never overwritten.

At shutdown the server cancels its solves and puts their proposals back in the queue
(:meth:`SolveJobs.cancel`); the next start solves them. A proposal never stays stuck: one
``solving`` for longer than its time limit plus
:data:`GRACE_SECONDS` lost its solver (the process stopped) and one ``queued`` for longer
than the grace was never started; both are re-queued and started when the server starts
(``recover``) and when someone reads them (``service.read``). After
:data:`MAX_ATTEMPTS` runs such a proposal is ``failed`` instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from refdesk.server.autoassign.instance import Options, Proposal, Weights
from refdesk.server.autoassign.loader import Loaded, load_instance
from refdesk.server.autoassign.models import DONE, FAILED, QUEUED, SOLVING, AutoAssignProposal
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site

log = logging.getLogger("refdesk.autoassign")
GRACE_SECONDS = 120.0
MAX_ATTEMPTS = 3
EXTRAS_KEY = "autoassign_jobs"


def options_of(stored: dict[str, Any], workers: int) -> Options:
    base = Weights()
    fairness = stored.get("fairness_weight")
    travel = stored.get("travel_weight")
    weights = Weights(
        fairness=base.fairness if fairness is None else int(fairness),
        travel=base.travel if travel is None else int(travel),
    )
    defaults = Options()
    speed, buffer = stored.get("travel_speed_kmh"), stored.get("travel_buffer_minutes")
    return Options(
        weights=weights,
        travel_speed_kmh=defaults.travel_speed_kmh if speed is None else float(speed),
        travel_buffer_minutes=defaults.travel_buffer_minutes if buffer is None else int(buffer),
        max_per_day=stored.get("max_games_per_day"),
        max_per_week=stored.get("max_games_per_week"),
        time_limit_seconds=float(stored.get("time_limit_seconds") or 10.0),
        workers=workers,
    )


def result_of(loaded: Loaded, proposal: Proposal, load_seconds: float) -> dict[str, Any]:
    """The proposal as stored: plain JSON, with what the representation shows of each slot."""
    names = loaded.names

    def slot_fields(slot_id: int) -> dict[str, Any]:
        info = loaded.slots.get(slot_id)
        if info is None:
            return {"assignment_id": slot_id}
        return {
            "assignment_id": slot_id,
            "game_id": info.game_id,
            "position": info.position,
            "local_date": info.local_date.isoformat(),
            "start_time": info.start.isoformat(),
        }

    fills = []
    for fill in proposal.fills:
        item = slot_fields(fill.slot_id)
        item.update(
            {
                "official_id": fill.official_id,
                "official_name": names.get(fill.official_id, ""),
                "lock_version": fill.lock_version,
                "previous_official_id": fill.previous_official_id,
            }
        )
        info = loaded.slots.get(fill.slot_id)
        if info is not None and info.declined_by is not None:
            item["previous_official_id"] = info.declined_by  # never proposed again (DL)
        fills.append(item)
    empty = []
    for slot in proposal.empty:
        item = slot_fields(slot.slot_id)
        item.update(
            {
                "lock_version": slot.lock_version,
                "summary": slot.summary,
                "ruled_out": [
                    {
                        "official_id": r.official_id,
                        "official_name": names.get(r.official_id, ""),
                        "code": r.code,
                        "reason": r.reason,
                    }
                    for r in slot.ruled_out
                ],
            }
        )
        empty.append(item)
    return {
        "solver_status": proposal.status,
        "fills": fills,
        "empty_slots": empty,
        "objective": asdict(proposal.objective),
        "bound_filled": proposal.bound_filled,
        "open_slots": loaded.vacant,
        "officials": len(loaded.instance.officials),
        "timings": {
            "load_seconds": round(load_seconds, 3),
            "solve_seconds": round(proposal.solve_seconds, 3),
        },
    }


class SolveJobs:
    """The proposals this process is solving, and their progress (phase, fraction)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.tasks: set[asyncio.Task[None]] = set()
        self.progress: dict[int, tuple[str, float]] = {}
        self.claims: dict[int, str] = {}
        """Proposal id → claim token of the solves running in this process."""

    def start(self, proposal_id: int) -> None:
        task = asyncio.get_running_loop().create_task(self.run(proposal_id))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def launch(self, proposal_id: int) -> None:
        """:meth:`start` as a coroutine (a Starlette background task runs it on the loop)."""
        self.start(proposal_id)

    async def drain(self) -> None:
        """Wait for every solve this process started (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def cancel(self) -> None:
        """Stop this process's solves (shutdown) and put their proposals back in the queue,
        so the next start solves them at once (``recover``) instead of after the grace."""
        claims = dict(self.claims)
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*list(self.tasks), return_exceptions=True)
        await self.release(claims)

    async def release(self, claims: dict[int, str]) -> None:
        if not claims:
            return
        try:
            async with self.runtime.db.transaction() as session:
                for proposal_id, claim in claims.items():
                    await session.execute(
                        update(AutoAssignProposal)
                        .where(
                            AutoAssignProposal.id == proposal_id,
                            AutoAssignProposal.claim == claim,
                            AutoAssignProposal.status == SOLVING,
                        )
                        .values(status=QUEUED, claim=None, started_at=None, updated=utcnow())
                    )
        except Exception as exc:  # the database is gone: the grace recovers them later
            log.warning("auto-assign proposals not re-queued: %s", type(exc).__name__)

    async def run(self, proposal_id: int) -> None:
        claim = uuid.uuid4().hex
        db = self.runtime.db
        try:
            async with db.transaction() as session:
                claimed = await session.execute(
                    update(AutoAssignProposal)
                    .where(
                        AutoAssignProposal.id == proposal_id, AutoAssignProposal.status == QUEUED
                    )
                    .values(
                        status=SOLVING,
                        claim=claim,
                        started_at=utcnow(),
                        attempts=AutoAssignProposal.attempts + 1,
                        updated=utcnow(),
                    )
                )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return
            self.claims[proposal_id] = claim
            values = await self._solve(proposal_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("auto-assign proposal %s failed: %s", proposal_id, type(exc).__name__)
            values = {"status": FAILED, "error": f"The solver failed ({type(exc).__name__})"}
        finally:
            self.progress.pop(proposal_id, None)
            self.claims.pop(proposal_id, None)
        try:
            async with db.transaction() as session:
                await session.execute(
                    update(AutoAssignProposal)
                    .where(
                        AutoAssignProposal.id == proposal_id,
                        AutoAssignProposal.claim == claim,
                        AutoAssignProposal.status == SOLVING,
                    )
                    .values(**values, finished_at=utcnow(), updated=utcnow())
                )
        except Exception as exc:
            log.error("auto-assign proposal %s not saved: %s", proposal_id, type(exc).__name__)

    async def _solve(self, proposal_id: int) -> dict[str, Any]:
        began = time.perf_counter()
        async with self.runtime.db.session() as session:
            proposal = await session.get(AutoAssignProposal, proposal_id)
            site = await session.get(Site, proposal.site_id) if proposal else None
            if proposal is None or site is None:
                return {"status": FAILED, "error": "The proposal is gone"}
            stored = dict(proposal.options)
            loaded = await load_instance(
                session,
                site,
                proposal.start_date,
                proposal.end_date,
                replan_pending=bool(stored.get("replan_pending")),
            )
        load_seconds = time.perf_counter() - began
        options = options_of(stored, self.runtime.settings.autoassign_workers)
        from refdesk.server.autoassign.solver import solve  # the CP-SAT model (h/solver)

        def progress(phase: str, fraction: float) -> None:
            self.progress[proposal_id] = (phase, fraction)

        result = await asyncio.to_thread(solve, loaded.instance, options, progress)
        return {"status": DONE, "result": result_of(loaded, result, load_seconds), "error": None}


def jobs_of(runtime: Runtime) -> SolveJobs:
    jobs = runtime.extras.get(EXTRAS_KEY)
    if jobs is None:
        jobs = runtime.extras[EXTRAS_KEY] = SolveJobs(runtime)
    assert isinstance(jobs, SolveJobs)
    return jobs


def stuck(proposal: AutoAssignProposal, now: datetime) -> bool:
    """Lost its solver (``solving`` past its time limit and the grace) or never started."""
    if proposal.status == QUEUED:
        return proposal.created < now - timedelta(seconds=GRACE_SECONDS)
    if proposal.status == SOLVING and proposal.started_at is not None:
        limit = float(proposal.options.get("time_limit_seconds") or 0)
        return proposal.started_at < now - timedelta(seconds=limit + GRACE_SECONDS)
    return False


async def requeue(runtime: Runtime, proposal: AutoAssignProposal) -> bool:
    """Re-queue a stuck proposal (or fail it after MAX_ATTEMPTS); True when re-queued."""
    give_up = proposal.attempts >= MAX_ATTEMPTS
    values: dict[str, Any] = (
        {"status": FAILED, "error": "The solve was interrupted too often; create it again"}
        if give_up
        else {"status": QUEUED, "claim": None, "started_at": None}
    )
    async with runtime.db.transaction() as session:
        done = await session.execute(
            update(AutoAssignProposal)
            .where(
                AutoAssignProposal.id == proposal.id,
                AutoAssignProposal.status == proposal.status,
                AutoAssignProposal.attempts == proposal.attempts,
            )
            .values(**values, updated=utcnow())
        )
    return done.rowcount == 1 and not give_up  # type: ignore[attr-defined]


async def recover(runtime: Runtime) -> int:
    """At start-up: re-queue and start every stuck proposal; the number started."""
    now = utcnow()
    async with runtime.db.session() as session:
        waiting = (
            await session.scalars(
                select(AutoAssignProposal).where(AutoAssignProposal.status.in_((QUEUED, SOLVING)))
            )
        ).all()
    started = 0
    for proposal in waiting:
        if not stuck(proposal, now):
            if proposal.status == QUEUED:
                jobs_of(runtime).start(proposal.id)
                started += 1
            continue
        if await requeue(runtime, proposal):
            jobs_of(runtime).start(proposal.id)
            started += 1
    return started
