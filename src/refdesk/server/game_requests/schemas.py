"""Typed inputs of game requests (contract §16.6): asking, approving, listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, MAX_INT, is_blank, read_int, read_str
from refdesk.server.game_requests.models import REQUEST_STATUSES
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page


@dataclass(frozen=True, kw_only=True)
class RequestInput(Input):
    """A request for a slot of a game. The rules report its problems in three groups:
    ``game_id`` before the game is loaded, ``user_id`` (assignors and managers only) before
    the official is looked up, then ``position_id`` and ``comment``.

    ``user_sent`` is the ``user_id`` as text, compared by officials' requests with their own
    id (asking for someone else is a 403, whatever the value)."""

    game_id: int | None = None
    user_id: int | None = None
    user_sent: str | None = None
    position_id: int | None = None
    comment: str | Unset | None = UNSET


REQUEST_BODY = Body(
    "Game request",
    [
        Field("game_id", "id", required=True),
        Field("user_id", "id", "For someone else (assignors, managers); default: the caller"),
        Field("position_id", "id", "A slot of this position; default: any vacant slot"),
        Field("comment", max_length=500),
    ],
    root="game_request",
)


def parse_request(data: dict[str, Any]) -> RequestInput:
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    if is_blank(data.get("game_id")):
        errors.add("game_id", "can't be blank")
    else:
        game = read_int(data["game_id"], "game_id", errors, 1, MAX_INT)
        if game is not INVALID:
            values["game_id"] = game
    if not is_blank(data.get("user_id")):
        values["user_sent"] = str(data["user_id"])
        user = read_int(data["user_id"], "user_id", errors, 1, MAX_INT)
        if user is not INVALID:
            values["user_id"] = user
    if not is_blank(data.get("position_id")):
        position = read_int(data["position_id"], "position_id", errors, 1, MAX_INT)
        if position is not INVALID:
            values["position_id"] = position
    if "comment" in data:
        comment = read_str(data["comment"], "comment", errors, 500)
        if comment is not INVALID:
            values["comment"] = comment
    return RequestInput(problems=problems_of(errors), **values)


@dataclass(frozen=True, kw_only=True)
class ApprovalInput(Input):
    """Approving: the vacant slot to give (default: the requested position's first)."""

    assignment_id: int | None = None


APPROVAL_BODY = Body(
    "Game request approval",
    [Field("assignment_id", "id", "A vacant slot of the game; default: the first that fits")],
    root="game_request",
)
DECLINE_BODY = Body("Game request decline", [], root="game_request")


def parse_approval(data: dict[str, Any]) -> ApprovalInput:
    errors = ErrorCollector()
    slot: int | None = None
    if not is_blank(data.get("assignment_id")):
        wanted = read_int(data["assignment_id"], "assignment_id", errors, 1, MAX_INT)
        slot = None if wanted is INVALID else wanted
    return ApprovalInput(assignment_id=slot, problems=problems_of(errors))


@dataclass(frozen=True, kw_only=True)
class RequestQuery(Input):
    """``page``/``limit`` and the ``search[...]`` filters of a site's requests."""

    page: PageRequest
    status: str | None = None
    game_id: int | None = None
    user_id: int | None = None


def parse_request_query(query: dict[str, Any]) -> RequestQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    values: dict[str, Any] = {}
    search = query.get("search")
    if isinstance(search, dict):
        status = search.get("status")
        if not is_blank(status):
            if status not in REQUEST_STATUSES:
                errors.add("search[status]", "is not included in the list")
            else:
                values["status"] = status
        for name in ("game_id", "user_id"):
            if not is_blank(search.get(name)):
                value = read_int(search[name], f"search[{name}]", errors, 1, MAX_INT)
                if value is not INVALID:
                    values[name] = value
    return RequestQuery(page=page, problems=problems_of(errors), **values)
