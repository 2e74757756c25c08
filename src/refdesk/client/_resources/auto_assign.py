"""Auto-assign (refdesk extension, issue 14): ask the server for a proposal that fills a
site's vacant slots in a range of local dates, wait while it is solved in the background,
then apply it (every unchanged slot is assigned; changed ones are reported) or discard it.

    proposal = client.auto_assign.create(7, "2026-10-01", "2026-10-31")
    proposal = client.auto_assign.wait(proposal, progress=lambda p: print(p["status"]))
    for fill in proposal["fills"]: ...
    for empty in proposal["empty_slots"]: print(empty["summary"], empty["ruled_out"])
    client.auto_assign.apply(proposal)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from refdesk.client._core import Call, no_content, single
from refdesk.client._errors import RefdeskError
from refdesk.client._hal import Resource
from refdesk.client._resources._base import AsyncNamespace, SyncNamespace, path_id

FINISHED = ("done", "failed")
Progress = Callable[[Resource], None]
Proposal = Resource | int | str


def _base(site_id: int | str) -> str:
    return f"sites/{path_id(site_id)}/auto_assign"


def _url(site_id: int | str | None, proposal: Proposal, suffix: str = "") -> str:
    """The proposal's own link (a Resource), else the path from the site and the id."""
    if isinstance(proposal, Resource):
        href = proposal.link("self")
        if href:
            return href.removesuffix(".json") + suffix
        proposal = proposal.id or 0
    if site_id is None:
        raise RefdeskError("site_id is needed to name a proposal by its id")
    return f"{_base(site_id)}/{path_id(proposal)}{suffix}"


def _day(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else value


def _create(
    site_id: int | str,
    start_date: date | str,
    end_date: date | str,
    options: dict[str, Any],
    idempotency_key: str | None,
) -> Call:
    body = {"start_date": _day(start_date), "end_date": _day(end_date)}
    body.update({k: v for k, v in options.items() if v is not None})
    return Call("POST", _base(site_id), json=body, idempotency_key=idempotency_key)


class AutoAssign(SyncNamespace):
    """``client.auto_assign``: proposals (``status`` queued/solving/done/failed, ``fills``,
    ``empty_slots`` with ``ruled_out`` reasons, ``objective``, ``bound_filled``)."""

    def create(
        self,
        site_id: int | str,
        start_date: date | str,
        end_date: date | str,
        *,
        replan_pending: bool | None = None,
        fairness_weight: int | None = None,
        travel_weight: int | None = None,
        max_games_per_day: int | None = None,
        max_games_per_week: int | None = None,
        time_limit_seconds: float | None = None,
        travel_speed_kmh: float | None = None,
        travel_buffer_minutes: int | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        """Ask for a proposal (answered at once, ``status`` queued)."""
        options = {
            "replan_pending": replan_pending,
            "fairness_weight": fairness_weight,
            "travel_weight": travel_weight,
            "max_games_per_day": max_games_per_day,
            "max_games_per_week": max_games_per_week,
            "time_limit_seconds": time_limit_seconds,
            "travel_speed_kmh": travel_speed_kmh,
            "travel_buffer_minutes": travel_buffer_minutes,
        }
        call = _create(site_id, start_date, end_date, options, idempotency_key)
        return self._client._run(single(call))

    def get(self, proposal: Proposal, site_id: int | str | None = None) -> Resource:
        return self._client._run(single(Call("GET", _url(site_id, proposal))))

    def wait(
        self,
        proposal: Proposal,
        site_id: int | str | None = None,
        *,
        progress: Progress | None = None,
        interval: float = 0.5,
        max_seconds: float | None = None,
    ) -> Resource:
        """Poll until the proposal is ``done`` or ``failed``; ``progress`` sees every answer."""
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        while True:
            current = self.get(proposal, site_id)
            if progress is not None:
                progress(current)
            if current.get("status") in FINISHED:
                return current
            if deadline is not None and time.monotonic() > deadline:
                raise RefdeskError(f"the proposal is still {current.get('status')}")
            time.sleep(interval)
            proposal = current

    def apply(self, proposal: Proposal, site_id: int | str | None = None) -> Resource:
        """Assign the proposal's fills; ``applied`` says which were applied and skipped."""
        return self._client._run(single(Call("POST", _url(site_id, proposal, "/apply"))))

    def discard(self, proposal: Proposal, site_id: int | str | None = None) -> None:
        self._client._run(no_content(Call("DELETE", _url(site_id, proposal))))


class AsyncAutoAssign(AsyncNamespace):
    """``client.auto_assign`` of an ``AsyncClient``; same methods as :class:`AutoAssign`."""

    async def create(
        self,
        site_id: int | str,
        start_date: date | str,
        end_date: date | str,
        *,
        replan_pending: bool | None = None,
        fairness_weight: int | None = None,
        travel_weight: int | None = None,
        max_games_per_day: int | None = None,
        max_games_per_week: int | None = None,
        time_limit_seconds: float | None = None,
        travel_speed_kmh: float | None = None,
        travel_buffer_minutes: int | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        options = {
            "replan_pending": replan_pending,
            "fairness_weight": fairness_weight,
            "travel_weight": travel_weight,
            "max_games_per_day": max_games_per_day,
            "max_games_per_week": max_games_per_week,
            "time_limit_seconds": time_limit_seconds,
            "travel_speed_kmh": travel_speed_kmh,
            "travel_buffer_minutes": travel_buffer_minutes,
        }
        call = _create(site_id, start_date, end_date, options, idempotency_key)
        return await self._client._run(single(call))

    async def get(self, proposal: Proposal, site_id: int | str | None = None) -> Resource:
        return await self._client._run(single(Call("GET", _url(site_id, proposal))))

    async def wait(
        self,
        proposal: Proposal,
        site_id: int | str | None = None,
        *,
        progress: Progress | None = None,
        interval: float = 0.5,
        max_seconds: float | None = None,
    ) -> Resource:
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        while True:
            current = await self.get(proposal, site_id)
            if progress is not None:
                progress(current)
            if current.get("status") in FINISHED:
                return current
            if deadline is not None and time.monotonic() > deadline:
                raise RefdeskError(f"the proposal is still {current.get('status')}")
            await asyncio.sleep(interval)
            proposal = current

    async def apply(self, proposal: Proposal, site_id: int | str | None = None) -> Resource:
        return await self._client._run(single(Call("POST", _url(site_id, proposal, "/apply"))))

    async def discard(self, proposal: Proposal, site_id: int | str | None = None) -> None:
        await self._client._run(no_content(Call("DELETE", _url(site_id, proposal))))
