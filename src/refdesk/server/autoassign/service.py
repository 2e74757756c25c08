"""Auto-assign rules: who may ask, the proposal's life (queued → solving → done/failed),
apply and discard. Assignors and managers only (they assign, contract §7.3); a proposal of
another site under this site's path is 404.

Apply is one transaction. Every fill goes through :func:`assignments.service.assign` — the
manual assign, with its rules and its ``game.official.changed`` event — with the
``lock_version`` the proposal saw: a slot changed since (or whose official may no longer
hold it) is skipped and reported, the other fills are applied. A proposal is applied once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments import service as assignments
from refdesk.server.assignments.schemas import parse_assign
from refdesk.server.auth.principal import Principal
from refdesk.server.autoassign.jobs import requeue, stuck
from refdesk.server.autoassign.models import DONE, QUEUED, AutoAssignProposal
from refdesk.server.autoassign.schemas import CreateInput
from refdesk.server.db.base import utcnow
from refdesk.server.errors import Conflict, NotFound, ValidationFailed
from refdesk.server.runtime import Runtime
from refdesk.server.sites.access import Membership, check_id, site_membership
from refdesk.server.sites.rules import site_today

ACTION = "auto-assign officials"


async def member_for(session: AsyncSession, principal: Principal, site_id: int) -> Membership:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers, ACTION)
    return member


def today_of(member: Membership) -> date:
    """The site's date today (for ``today``/``tomorrow`` in the range)."""
    return site_today(member.site).date()


async def create(
    session: AsyncSession, member: Membership, inp: CreateInput, default_time_limit: float
) -> AutoAssignProposal:
    inp.raise_if_invalid()
    assert inp.start_date is not None and inp.end_date is not None
    proposal = AutoAssignProposal(
        site_id=member.site.id,
        created_by_id=member.user.id if member.user is not None else None,
        status=QUEUED,
        options=inp.options(
            default_time_limit,
            (member.site.auto_assign_max_games_per_day, member.site.auto_assign_max_games_per_week),
        ),
        start_date=inp.start_date,
        end_date=inp.end_date,
        attempts=0,
    )
    session.add(proposal)
    await session.flush()
    return proposal


async def load(
    session: AsyncSession,
    principal: Principal,
    site_id: int,
    proposal_id: int,
    *,
    for_update: bool = False,
) -> tuple[AutoAssignProposal, Membership]:
    member = await member_for(session, principal, site_id)
    check_id(proposal_id)
    statement = select(AutoAssignProposal).where(
        AutoAssignProposal.id == proposal_id, AutoAssignProposal.site_id == member.site.id
    )
    if for_update:
        statement = statement.with_for_update()
    proposal = await session.scalar(statement)
    if proposal is None:
        raise NotFound()
    return proposal, member


async def read(
    session: AsyncSession, runtime: Runtime, principal: Principal, site_id: int, proposal_id: int
) -> tuple[AutoAssignProposal, Membership, bool]:
    """The proposal; True when it was stuck and has been re-queued (the caller starts it)."""
    proposal, member = await load(session, principal, site_id, proposal_id)
    restart = stuck(proposal, utcnow()) and await requeue(runtime, proposal)
    if restart:
        await session.refresh(proposal)
    return proposal, member, restart


async def apply(
    session: AsyncSession, principal: Principal, site_id: int, proposal_id: int
) -> tuple[AutoAssignProposal, Membership]:
    proposal, member = await load(session, principal, site_id, proposal_id, for_update=True)
    if proposal.applied_at is not None:
        raise ValidationFailed({"base": ["the proposal has already been applied"]})
    if proposal.status != DONE or proposal.result is None:
        raise ValidationFailed({"base": [f"the proposal is {proposal.status}, not done"]})
    applied: list[int] = []
    skipped: list[dict[str, Any]] = []
    for fill in proposal.result.get("fills", []):
        slot_id = int(fill["assignment_id"])
        official_id = int(fill["official_id"])
        reason = await _apply_one(session, principal, slot_id, official_id, fill)
        if reason is None:
            applied.append(slot_id)
        else:
            skipped.append({"assignment_id": slot_id, "official_id": official_id, **reason})
    proposal.applied_at = utcnow()
    proposal.applied = {"applied": applied, "skipped": skipped}
    await session.flush()
    return proposal, member


async def _apply_one(
    session: AsyncSession,
    principal: Principal,
    slot_id: int,
    official_id: int,
    fill: dict[str, Any],
) -> dict[str, Any] | None:
    """Assign one fill; None when done, else why it was skipped (nothing written)."""
    body = {"user_id": official_id, "lock_version": int(fill["lock_version"])}
    try:
        await assignments.assign(session, principal, slot_id, parse_assign(body))
    except (Conflict, ValidationFailed) as exc:
        if not session.in_transaction():
            # A write lost a race (the unique index, the conditional UPDATE) and the rule
            # rolled the transaction back: nothing of this apply is kept; it may be retried.
            raise ValidationFailed(
                {"base": ["a slot changed while applying; nothing was applied, apply again"]}
            ) from None
        if isinstance(exc, Conflict):
            return {
                "code": "stale_lock_version",
                "reason": "The slot was changed since the proposal; it was left as it is",
                "lock_version": exc.current_lock_version,
            }
        return {"code": "validation_failed", "reason": exc.message}
    except NotFound:
        return {"code": "not_found", "reason": "The slot no longer exists"}
    return None


async def discard(
    session: AsyncSession, principal: Principal, site_id: int, proposal_id: int
) -> None:
    proposal, _ = await load(session, principal, site_id, proposal_id, for_update=True)
    await session.delete(proposal)
    await session.flush()
