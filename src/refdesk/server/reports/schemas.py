"""Typed inputs of game reports (contract §18.4): the report body and the list queries.

Dates the client sends may be relative ("today", "tomorrow", "yesterday"): they are
``refdesk.server.days.Day`` values, resolved by the service on the site's today.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refdesk.server.days import Day, read_day_or_none
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import (
    INVALID,
    MAX_INT,
    is_blank,
    read_bool,
    read_int,
    read_str,
)
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page

NO_SHOW_STATUSES = (None, "excused", "unexcused")


# --- the report body -------------------------------------------------------------------


@dataclass(frozen=True)
class OfficialEntry:
    """One entry of ``officials``: a slot of the game and who worked it. Each value's parse
    message is kept beside it, because the rules check the entries in order and stop at the
    first slot or official that does not exist (a database check)."""

    assignment_id: int | None
    assignment_problem: str | None = None
    official_id: int | Unset | None = UNSET  # None: sent blank (nobody)
    official_problem: str | None = None
    no_show: bool | Unset = UNSET
    no_show_problem: str | None = None
    no_show_status: str | Unset | None = UNSET
    status_known: bool = True


@dataclass(frozen=True, kw_only=True)
class ReportInput(Input):
    """A game report, created or partially updated. ``officials`` is None when not sent
    (or blank); a malformed list is the problem ``officials: is invalid``, reported after
    the report's own fields."""

    misconduct: bool | Unset = UNSET
    home_team_score: int | Unset | None = UNSET
    away_team_score: int | Unset | None = UNSET
    text: str | Unset | None = UNSET
    officials: tuple[OfficialEntry, ...] | None = None

    def changes(self) -> dict[str, Any]:
        return self.values_sent("misconduct", "home_team_score", "away_team_score", "text")


OFFICIAL_ITEM = {
    "type": "object",
    "properties": {
        "assignment_id": {"type": "integer"},
        "official_id": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        "no_show": {"type": "boolean"},
        "no_show_status": {"enum": ["excused", "unexcused", None]},
    },
}
REPORT_BODY = Body(
    "Game report",
    [
        Field("misconduct", "boolean", "Blank means false"),
        Field("home_team_score", "integer", minimum=0, maximum=999),
        Field("away_team_score", "integer", minimum=0, maximum=999),
        Field("text", max_length=20000),
        Field("officials", "array", "Who worked each slot of the game", items=OFFICIAL_ITEM),
    ],
    root="game_report",
)


def _one_message(read: Any, value: Any) -> tuple[Any, str | None]:
    errors = ErrorCollector()
    result = read(value, "officials", errors)
    messages = errors.errors.get("officials", [])
    return result, (messages[0] if messages else None)


def _read_entry(entry: dict[str, Any]) -> OfficialEntry:
    slot, slot_problem = _one_message(
        lambda v, f, e: read_int(v, f, e, 1, MAX_INT), entry.get("assignment_id")
    )
    values: dict[str, Any] = {
        "assignment_id": None if slot is INVALID else slot,
        "assignment_problem": slot_problem,
    }
    if "official_id" in entry:
        if is_blank(entry["official_id"]):
            values["official_id"] = None
        else:
            worker, problem = _one_message(
                lambda v, f, e: read_int(v, f, e, 1, MAX_INT), entry["official_id"]
            )
            values["official_id"] = None if worker is INVALID else worker
            values["official_problem"] = problem
    if "no_show" in entry:
        flag, problem = _one_message(read_bool, entry["no_show"])
        values["no_show_problem"] = problem
        if flag is not INVALID:
            values["no_show"] = flag
    if "no_show_status" in entry:
        status = entry["no_show_status"] or None
        values["no_show_status"] = status if status in NO_SHOW_STATUSES else None
        values["status_known"] = status in NO_SHOW_STATUSES
    return OfficialEntry(**values)


def parse_report(data: dict[str, Any]) -> ReportInput:
    """The fields of a report body; what is not sent stays UNSET."""
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    if "misconduct" in data:
        flag = (
            read_bool(data["misconduct"], "misconduct", errors)
            if not is_blank(data["misconduct"])
            else False
        )
        if flag is not INVALID:
            values["misconduct"] = flag
    for key in ("home_team_score", "away_team_score"):
        if key in data:
            if is_blank(data[key]):
                values[key] = None
            else:
                score = read_int(data[key], key, errors, 0, 999)
                if score is not INVALID:
                    values[key] = score
    if "text" in data:
        text = read_str(data["text"], "text", errors, 20000)
        if text is not INVALID:
            values["text"] = text
    entries = data.get("officials")
    if entries not in (None, ""):
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            errors.add("officials", "is invalid")
        else:
            values["officials"] = tuple(_read_entry(e) for e in entries)
    return ReportInput(problems=problems_of(errors), **values)


# --- the list queries ------------------------------------------------------------------


def read_game_filters(search: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """``search[start_date]``/``search[end_date]`` (relative days kept relative) and
    ``search[game_id]``: the filters of the lists of a game's paperwork (reports, forms)."""
    values: dict[str, Any] = {}
    for key in ("start_date", "end_date"):
        if not is_blank(search.get(key)):
            values[key] = read_day_or_none(search[key], f"search[{key}]", errors)
    if not is_blank(search.get("game_id")):
        game = read_int(search["game_id"], "search[game_id]", errors, 1, MAX_INT)
        if game is not INVALID:
            values["game_id"] = game
    return values


@dataclass(frozen=True, kw_only=True)
class ReportQuery(Input):
    """``page``/``limit`` and the ``search[...]`` filters of a site's reports."""

    page: PageRequest
    start_date: Day | None = None
    end_date: Day | None = None
    game_id: int | None = None
    misconduct: bool | None = None


def parse_report_query(query: dict[str, Any], *, filters: bool = True) -> ReportQuery:
    """A list query; ``filters=False`` (a game's reports) reads the page only."""
    errors = ErrorCollector()
    page = parse_page(query, errors)
    values: dict[str, Any] = {}
    search = query.get("search")
    if filters and isinstance(search, dict):
        values.update(read_game_filters(search, errors))
        if not is_blank(search.get("misconduct")):
            flag = read_bool(search["misconduct"], "search[misconduct]", errors)
            if flag is not INVALID:
                values["misconduct"] = flag
    return ReportQuery(page=page, problems=problems_of(errors), **values)
