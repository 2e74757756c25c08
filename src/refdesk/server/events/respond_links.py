"""Accept/decline links that work from a mail client (refdesk extension).

A link is ``<base>/respond/<token>``; the token names the action, the slot, the official,
the slot's ``lock_version`` when the mail was written and an expiry (the game's start), and
carries an HMAC-SHA256 of all of that with the server pepper (``runtime.hasher``), so it
cannot be forged or altered. Nothing is stored: a link is *used* as soon as the slot changes
(answering it bumps ``lock_version``, so both links of one e-mail stop working together,
and so does a reassignment), and it *expires* when the game starts.

Opening the link only shows the game (mail scanners prefetch links); the confirm button
POSTs, and the answer goes through ``assignments.service.respond`` acting as that official,
with the link's ``lock_version``, so every rule of the API applies (the decline cut-off,
the official's access to the site, events).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.assignments import service as assignments
from refdesk.server.assignments.models import Assignment
from refdesk.server.assignments.schemas import MAX_REASON, parse_accept, parse_decline
from refdesk.server.auth.principal import Principal
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.db.base import utcnow
from refdesk.server.events.links import base_url
from refdesk.server.events.mail_facts import GameFacts, SlotFacts, load_games, load_slots
from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User

PATH = "/respond"
ACTIONS = {"accept": "a", "decline": "d"}
_CODES = {code: action for action, code in ACTIONS.items()}
TOKEN = re.compile(r"^([ad])-(\d{1,19})-(\d{1,19})-(\d{1,19})-(\d{1,12})-([0-9a-f]{64})$")


@dataclass(frozen=True)
class Claims:
    action: str  # accept | decline
    assignment_id: int
    user_id: int
    lock_version: int
    expires: int  # Unix seconds

    def payload(self) -> str:
        code = ACTIONS[self.action]
        return f"{code}-{self.assignment_id}-{self.user_id}-{self.lock_version}-{self.expires}"


def _signature(hasher: SecretHasher, payload: str) -> str:
    return hasher.hash(f"respond-link:{payload}")


def make_token(hasher: SecretHasher, claims: Claims) -> str:
    payload = claims.payload()
    return f"{payload}-{_signature(hasher, payload)}"


def read_token(hasher: SecretHasher, token: str) -> Claims | None:
    """The claims of an untampered token (expired or not), else None."""
    match = TOKEN.match(token)
    if match is None:
        return None
    code, assignment_id, user_id, lock_version, expires, signature = match.groups()
    claims = Claims(_CODES[code], int(assignment_id), int(user_id), int(lock_version), int(expires))
    if not hmac.compare_digest(_signature(hasher, claims.payload()), signature):
        return None
    return claims


def respond_links(runtime: Runtime, slot: SlotFacts, game: GameFacts) -> dict[str, str]:
    """``{"accept": url, "decline": url}`` for the official holding ``slot``, valid until
    the game starts."""
    assert slot.official_id is not None
    expires = int(game.start_time.timestamp())
    base = base_url(runtime)
    return {
        action: f"{base}{PATH}/"
        + make_token(
            runtime.hasher, Claims(action, slot.id, slot.official_id, slot.lock_version, expires)
        )
        for action in ACTIONS
    }


@dataclass(frozen=True)
class LinkView:
    """What the page shows. ``state``: ``open`` (the form), ``expired``, ``used`` (answered,
    or the slot changed since the mail), ``done`` (just answered)."""

    state: str
    claims: Claims
    game: GameFacts | None = None
    slot: SlotFacts | None = None
    official_name: str = ""

    @property
    def max_reason(self) -> int:
        return MAX_REASON


async def open_link(
    session: AsyncSession, runtime: Runtime, token: str, now: datetime | None = None
) -> LinkView | None:
    """The page for ``token``; None for a malformed or forged token."""
    claims = read_token(runtime.hasher, token)
    if claims is None:
        return None
    now = now or utcnow()
    if claims.expires <= int(now.timestamp()):
        return LinkView("expired", claims)
    slot = await session.get(Assignment, claims.assignment_id)
    if (
        slot is None
        or slot.official_id != claims.user_id
        or slot.lock_version != claims.lock_version
    ):
        return LinkView("used", claims)
    facts = (await load_slots(session, slot_ids=[slot.id]))[0]
    game = (await load_games(session, runtime, [slot.game_id])).get(slot.game_id)
    return LinkView("open", claims, game, facts, facts.official_name or "")


async def _acting_official(session: AsyncSession, claims: Claims) -> Principal | None:
    """The official named by the link, acting as itself (its account must be active; its
    profile in the site is checked by the service like for any API call)."""
    user = await session.get(User, claims.user_id)
    if user is None:
        return None
    account = await session.get(Account, user.account_id)
    if account is None or not account.active:
        return None
    return Principal(
        account_id=account.id,
        operator=False,
        scopes=frozenset({"read", "write"}),
        token_id=0,
        application_id=0,
        expires_at=datetime.fromtimestamp(claims.expires, UTC),
    )


async def use_link(
    session: AsyncSession, runtime: Runtime, token: str, reason: str | None
) -> LinkView | None:
    """Answer the slot as the link says; the assignments service's errors (403, 409 for a
    slot that changed meanwhile, 422 for the cut-off) propagate to the caller."""
    view = await open_link(session, runtime, token)
    if view is None or view.state != "open":
        return view
    claims = view.claims
    principal = await _acting_official(session, claims)
    if principal is None:
        return LinkView("used", claims)
    body: dict[str, object] = {"lock_version": claims.lock_version}
    if claims.action == "accept":
        inp = parse_accept(body)
    else:
        if reason is not None and reason.strip():
            body["reason"] = reason
        inp = parse_decline(body)
    await assignments.respond(session, principal, claims.assignment_id, inp)
    return LinkView("done", claims, view.game, view.slot, view.official_name)
