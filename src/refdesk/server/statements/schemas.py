"""Typed inputs of statements (contract §18.3): the list queries, creating a statement for
a period and recording payment (or voiding)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from refdesk.server.days import Day, read_day_or_none
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import (
    INVALID,
    MAX_INT,
    is_blank,
    read_date,
    read_int,
    read_money,
    read_str,
)
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page

STATUSES = ("unpaid", "partially_paid", "paid", "void")


@dataclass(frozen=True, kw_only=True)
class StatementQuery(Input):
    """``page``/``limit`` and the ``search[...]`` filters (``user_id``: a site's list only);
    relative dates count from the server's date."""

    page: PageRequest
    start_date: date | None = None
    end_date: date | None = None
    status: str | None = None
    user_id: int | None = None


def parse_statement_query(query: dict[str, Any], *, with_user: bool) -> StatementQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    values: dict[str, Any] = {}
    search = query.get("search")
    if isinstance(search, dict):
        for key in ("start_date", "end_date"):
            if not is_blank(search.get(key)):
                day = read_date(search[key], f"search[{key}]", errors)
                if day is not INVALID:
                    values[key] = day
        status = search.get("status")
        if not is_blank(status):
            if status not in STATUSES:
                errors.add("search[status]", "is not included in the list")
            else:
                values["status"] = str(status)
        if with_user and not is_blank(search.get("user_id")):
            user = read_int(search["user_id"], "search[user_id]", errors, 1, MAX_INT)
            if user is not INVALID:
                values["user_id"] = user
    return StatementQuery(page=page, problems=problems_of(errors), **values)


@dataclass(frozen=True, kw_only=True)
class StatementInput(Input):
    """A new statement: the official (``user_id``, checked against the site by the service
    before the other fields are reported) and the period to bill."""

    user_id: int | None = None
    period_start: Day | None = None
    period_end: Day | None = None
    statement_date: Day | None = None  # None: the site's today
    description: str | Unset | None = UNSET


STATEMENT_BODY = Body(
    "Statement",
    [
        Field("user_id", "id", "The official billed", required=True),
        Field("period_start", "date", required=True),
        Field("period_end", "date", required=True),
        Field("statement_date", "date", "Default: the site's today"),
        Field("description", max_length=255),
    ],
    root="statement",
)


def parse_statement(data: dict[str, Any]) -> StatementInput:
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    for key in ("user_id", "period_start", "period_end"):
        if is_blank(data.get(key)):
            errors.add(key, "can't be blank")
        elif key == "user_id":
            user_id = read_int(data[key], key, errors, 1, MAX_INT)
            if user_id is not INVALID:
                values[key] = user_id
        else:
            values[key] = read_day_or_none(data[key], key, errors)
    if not is_blank(data.get("statement_date")):
        values["statement_date"] = read_day_or_none(
            data["statement_date"], "statement_date", errors
        )
    if "description" in data:
        text = read_str(data["description"], "description", errors, 255)
        if text is not INVALID:
            values["description"] = text
    return StatementInput(problems=problems_of(errors), **values)


@dataclass(frozen=True, kw_only=True)
class StatementChange(Input):
    """A partial update: payment, description, date, or ``status: void``."""

    amount_paid: Decimal | Unset = UNSET
    description: str | Unset | None = UNSET
    statement_date: Day | Unset = UNSET
    void: bool = False


STATEMENT_CHANGE_BODY = Body(
    "Statement change",
    [
        Field("amount_paid", "money", "At most the statement's amount"),
        Field("description", max_length=255),
        Field("statement_date", "date"),
        Field("status", enum=("void",), description="Only void"),
    ],
    root="statement",
)


def parse_statement_change(data: dict[str, Any]) -> StatementChange:
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    if "amount_paid" in data:
        paid = read_money(data["amount_paid"], "amount_paid", errors)
        if paid is not INVALID:
            values["amount_paid"] = paid
    if "description" in data:
        text = read_str(data["description"], "description", errors, 255)
        if text is not INVALID:
            values["description"] = text
    if "statement_date" in data:
        day = read_day_or_none(data["statement_date"], "statement_date", errors)
        if day is not None:
            values["statement_date"] = day
    if "status" in data:
        if data["status"] != "void":
            errors.add("status", "is not included in the list")
        else:
            values["void"] = True
    return StatementChange(problems=problems_of(errors), **values)
