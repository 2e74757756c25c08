"""Typed inputs of the assignment endpoints (contract §16.4, §16.5).

Parsing never raises. The rules of §16.4 report their problems in stages (``lock_version``
before the 409 compare, a missing official alone, …), so each problem is recorded under the
wire name the client used and the service raises them stage by stage with
:meth:`Input.errors_of`; :meth:`Input.errors` still holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import (
    INVALID,
    MAX_INT,
    is_blank,
    read_bool,
    read_int,
    read_lock_version,
    read_money,
)
from refdesk.server.fields import read_str as _read_str
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageQuery, PageRequest, parse_page, parse_page_query

MAX_REASON = 500
OFFICIAL_FIELDS = ("user_id", "official_id")
CANT_BE_BLANK = "can't be blank"


def _official_field(data: dict[str, Any]) -> str | None:
    return next((name for name in OFFICIAL_FIELDS if name in data), None)


def _read_official(data: dict[str, Any], field: str, errors: ErrorCollector) -> int | None:
    value = read_int(data[field], field, errors, 1, MAX_INT)
    return None if value is INVALID else int(value)


def _read_accepted(data: dict[str, Any], errors: ErrorCollector) -> bool:
    if "accepted" in data and not is_blank(data["accepted"]):
        return read_bool(data["accepted"], "accepted", errors) is True
    return False


def _read_reason(
    data: dict[str, Any], names: tuple[str, str], errors: ErrorCollector
) -> tuple[str | None, str | Unset | None]:
    """The first of ``names`` sent and its value (UNSET when none is sent or it is invalid)."""
    for name in names:
        if name in data:
            value = _read_str(data[name], name, errors, MAX_REASON)
            return name, UNSET if value is INVALID else value
    return None, UNSET


OFFICIAL = Field(
    "user_id", "id", "User id of the official (required)", aliases=("official_id",), nullable=False
)
ACCEPTED = Field("accepted", "boolean", "Record acceptance on the official's behalf (ext)")
LOCK_VERSION = Field("lock_version", "integer", "Optimistic lock (§12)")
REASON = Field(
    "reason", "string", "Why (max 500)", max_length=MAX_REASON, aliases=("decline_reason",)
)


# --- assign ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AssignInput(Input):
    """Put an official on a slot (``/assign``) or on a game's first vacant slot."""

    official_field: str = "user_id"
    """The name the official was sent under (``user_id`` or ``official_id``), for messages."""
    official_id: int | None = None
    """None when blank, absent or invalid (see ``problems``)."""
    accepted: bool = False
    lock_version: int | None = None
    position_id: int | None = None

    @property
    def official_blank(self) -> bool:
        return (self.official_field, CANT_BE_BLANK) in self.problems


ASSIGN_BODY = Body(
    "Assign",
    [OFFICIAL, ACCEPTED, LOCK_VERSION],
    root="assignment",
    description="Put an official on the slot (§16.4), plain or wrapped in `assignment`",
)
ASSIGN_TO_GAME_BODY = Body(
    "AssignToGame",
    [
        OFFICIAL,
        Field("position_id", "id", "Only a vacant slot of this position"),
        ACCEPTED,
    ],
    root="assignment",
    description="Put an official on the game's first vacant slot (§16.4)",
)


def _parse_official(data: dict[str, Any], errors: ErrorCollector) -> tuple[str, int | None]:
    field = _official_field(data)
    if field is None or is_blank(data.get(field)):
        errors.add(field or "user_id", CANT_BE_BLANK)
        return field or "user_id", None
    return field, _read_official(data, field, errors)


def parse_assign(data: dict[str, Any]) -> AssignInput:
    errors = ErrorCollector()
    lock_version = read_lock_version(data, errors)
    field, official = _parse_official(data, errors)
    accepted = _read_accepted(data, errors)
    return AssignInput(
        official_field=field,
        official_id=official,
        accepted=accepted,
        lock_version=lock_version,
        problems=problems_of(errors),
    )


def parse_assign_to_game(data: dict[str, Any]) -> AssignInput:
    errors = ErrorCollector()
    field, official = _parse_official(data, errors)
    position: int | None = None
    if not is_blank(data.get("position_id")):
        value = read_int(data["position_id"], "position_id", errors, 1, MAX_INT)
        position = None if value is INVALID else int(value)
    accepted = _read_accepted(data, errors)
    return AssignInput(
        official_field=field,
        official_id=official,
        accepted=accepted,
        position_id=position,
        problems=problems_of(errors),
    )


# --- unassign, accept, decline, confirm ------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UnassignInput(Input):
    lock_version: int | None = None


UNASSIGN_BODY = Body("Unassign", [LOCK_VERSION], root="assignment")


def parse_unassign(data: dict[str, Any]) -> UnassignInput:
    errors = ErrorCollector()
    lock_version = read_lock_version(data, errors)
    return UnassignInput(lock_version=lock_version, problems=problems_of(errors))


@dataclass(frozen=True, kw_only=True)
class RespondInput(Input):
    """Accept (``accept`` True) or decline (False) a slot; None: the compatibility form's
    ``status`` was not A or D (its problem is in ``problems``)."""

    accept: bool | None
    reason: str | None = None
    reason_field: str | None = None
    """The name the reason was sent under (``reason`` or ``decline_reason``)."""
    lock_version: int | None = None


ACCEPT_BODY = Body("Accept", [LOCK_VERSION], root="assignment")
DECLINE_BODY = Body("Decline", [REASON, LOCK_VERSION], root="assignment")
CONFIRM_BODY = Body(
    "Confirm",
    [
        Field(
            "status",
            "string",
            "A (accept) or D (decline), case-insensitive",
            enum=("A", "D"),
            required=True,
        ),
        REASON,
        LOCK_VERSION,
    ],
    root="assignment",
)


def _parse_respond(
    data: dict[str, Any], accept: bool | None, errors: ErrorCollector
) -> RespondInput:
    lock_version = read_lock_version(data, errors)
    if accept is None:
        status = data.get("status")
        if isinstance(status, str) and status.strip().upper() in ("A", "D"):
            accept = status.strip().upper() == "A"
        else:
            errors.add("status", "is not included in the list")
    name, reason = _read_reason(data, ("reason", "decline_reason"), errors)
    return RespondInput(
        accept=accept,
        reason=None if reason is UNSET else reason,
        reason_field=name,
        lock_version=lock_version,
        problems=problems_of(errors),
    )


def parse_accept(data: dict[str, Any]) -> RespondInput:
    errors = ErrorCollector()
    return RespondInput(
        accept=True, lock_version=read_lock_version(data, errors), problems=problems_of(errors)
    )


def parse_decline(data: dict[str, Any]) -> RespondInput:
    return _parse_respond(data, False, ErrorCollector())


def parse_confirm(data: dict[str, Any]) -> RespondInput:
    return _parse_respond(data, None, ErrorCollector())


# --- PUT/PATCH -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EditInput(Input):
    """PUT/PATCH of a slot: UNSET means not sent. The holder may send only the answer."""

    lock_version: int | None = None
    accepted: bool | None = None
    """None when absent, blank or invalid."""
    declined: bool | None = None
    official_field: str | None = None
    official_id: int | Unset | None = UNSET
    """None vacates; UNSET when not sent or invalid."""
    fee: Decimal | Unset | None = UNSET
    reason_field: str | None = None
    decline_reason: str | Unset | None = UNSET
    admin_field: str | None = None
    """The first of ``official_id``, ``user_id``, ``fee`` sent (only assignors may send them)."""

    @property
    def reason_sent(self) -> bool:
        return self.reason_field is not None


EDIT_BODY = Body(
    "AssignmentEdit",
    [
        Field("official_id", "id", "Null vacates (A M)", aliases=("user_id",)),
        Field("accepted", "boolean"),
        Field("declined", "boolean"),
        Field("decline_reason", "string", "Max 500", max_length=MAX_REASON, aliases=("reason",)),
        Field("fee", "money", "Fee override; null = the age group's (A M)"),
        LOCK_VERSION,
    ],
    root="assignment",
    description="Edit a slot (assignors, managers) or answer it (its holder), §16.4",
)


def _read_flag(data: dict[str, Any], name: str, errors: ErrorCollector) -> bool | None:
    if is_blank(data.get(name)):
        return None
    value = read_bool(data[name], name, errors)
    return None if value is INVALID else bool(value)


def parse_edit(data: dict[str, Any]) -> EditInput:
    errors = ErrorCollector()
    lock_version = read_lock_version(data, errors)
    accepted = _read_flag(data, "accepted", errors)
    declined = _read_flag(data, "declined", errors)
    field = _official_field(data)
    official: int | Unset | None = UNSET
    if field is not None:
        official = None if is_blank(data[field]) else _read_official(data, field, errors)
        if official is None and not is_blank(data[field]):
            official = UNSET
    fee: Decimal | Unset | None = UNSET
    if "fee" in data:
        if is_blank(data["fee"]):
            fee = None
        else:
            value = read_money(data["fee"], "fee", errors)
            fee = UNSET if value is INVALID else Decimal(value)
    reason_field, reason = _read_reason(data, ("decline_reason", "reason"), errors)
    return EditInput(
        lock_version=lock_version,
        accepted=accepted,
        declined=declined,
        official_field=field,
        official_id=official,
        fee=fee,
        reason_field=reason_field,
        decline_reason=reason,
        admin_field=next((n for n in ("official_id", "user_id", "fee") if n in data), None),
        problems=problems_of(errors),
    )


# --- queries ---------------------------------------------------------------------------------


SlotsQuery = PageQuery  # a game's slots: only the page
parse_slots_query = parse_page_query


@dataclass(frozen=True, kw_only=True)
class CandidatesQuery(Input):
    """``search[query]``, ``search[ok]``, ``search[group_id]`` and the page (§16.5)."""

    page: PageRequest
    text: str | None = None
    ok: bool | None = None
    group_id: int | None = None


def parse_candidates_query(query: dict[str, Any]) -> CandidatesQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    raw_search = query.get("search")
    search: dict[str, Any] = raw_search if isinstance(raw_search, dict) else {}
    text = search.get("query") if isinstance(search.get("query"), str) else None
    ok: bool | None = None
    if not is_blank(search.get("ok")):
        value = read_bool(search["ok"], "search[ok]", errors)
        ok = None if value is INVALID else bool(value)
    group: int | None = None
    if not is_blank(search.get("group_id")):
        value = read_int(search["group_id"], "search[group_id]", errors, 1, MAX_INT)
        group = None if value is INVALID else int(value)
    return CandidatesQuery(
        page=page,
        text=text.strip() if text else None,
        ok=ok,
        group_id=group,
        problems=problems_of(errors),
    )
