"""The auto-assign request (issue 14): parsed into a typed input, never raising."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_bool, read_date, read_int, read_number
from refdesk.server.inputs import Body, Field, Input, problems_of
from refdesk.server.sites.schemas import AUTO_ASSIGN_CAPS

MAX_WEIGHT = 1000
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_PER_DAY, MAX_PER_WEEK = AUTO_ASSIGN_CAPS
SPEED_KMH = (5, 200)
MAX_BUFFER_MINUTES = 240


@dataclass(frozen=True, kw_only=True)
class CreateInput(Input):
    start_date: date | None = None
    end_date: date | None = None
    replan_pending: bool = False
    fairness_weight: int | None = None
    travel_weight: int | None = None
    max_games_per_day: int | None = None
    max_games_per_week: int | None = None
    time_limit_seconds: float | None = None
    travel_speed_kmh: float | None = None
    travel_buffer_minutes: int | None = None

    def options(
        self, default_time_limit: float, site_caps: tuple[int | None, int | None] = (None, None)
    ) -> dict[str, Any]:
        """The options as stored with the proposal (defaults filled in: the caps per day and
        week from the site's ``auto_assign_max_games_per_day/week`` when not sent)."""
        per_day, per_week = site_caps
        return {
            "replan_pending": self.replan_pending,
            "fairness_weight": self.fairness_weight,
            "travel_weight": self.travel_weight,
            "max_games_per_day": self.max_games_per_day or per_day,
            "max_games_per_week": self.max_games_per_week or per_week,
            "time_limit_seconds": self.time_limit_seconds or default_time_limit,
            "travel_speed_kmh": self.travel_speed_kmh,
            "travel_buffer_minutes": self.travel_buffer_minutes,
        }


W, D = MAX_WEIGHT, MAX_PER_DAY
CREATE_BODY = Body(
    "AutoAssign",
    [
        Field("start_date", "date", "First local date of the range", required=True),
        Field("end_date", "date", "Last local date of the range (inclusive)", required=True),
        Field("replan_pending", "boolean", "Also move pending (not accepted) slots"),
        Field("fairness_weight", "integer", "Weight of balancing games", minimum=0, maximum=W),
        Field("travel_weight", "integer", "Weight of travel", minimum=0, maximum=W),
        Field(
            "max_games_per_day",
            "integer",
            "Cap per official a day (default: the site's auto_assign_max_games_per_day)",
            minimum=1,
            maximum=D,
        ),
        Field(
            "max_games_per_week",
            "integer",
            "Cap per official a week (default: the site's auto_assign_max_games_per_week)",
            minimum=1,
            maximum=MAX_PER_WEEK,
        ),
        Field("time_limit_seconds", "number", "The solver's time limit", minimum=1),
        Field(
            "travel_speed_kmh",
            "number",
            "Straight-line travel speed between venues (default 50)",
            minimum=SPEED_KMH[0],
            maximum=SPEED_KMH[1],
        ),
        Field(
            "travel_buffer_minutes",
            "integer",
            "Minutes added between games at different venues (default 15)",
            minimum=0,
            maximum=MAX_BUFFER_MINUTES,
        ),
    ],
    root="auto_assign",
    description="Fill the site's vacant slots in a range of local dates (refdesk extension)",
)


def _optional_int(
    data: dict[str, Any], name: str, errors: ErrorCollector, low: int, high: int
) -> int | None:
    if is_blank(data.get(name)):
        return None
    value = read_int(data[name], name, errors, low, high)
    return None if value is INVALID else int(value)


def _date(data: dict[str, Any], name: str, errors: ErrorCollector, today: date) -> date | None:
    if is_blank(data.get(name)):
        errors.add(name, "can't be blank")
        return None
    value = read_date(data[name], name, errors, today)
    if value is INVALID:
        return None
    if not FIRST_DAY <= value <= LAST_DAY:  # the weeks and months around it must exist
        errors.add(name, "is not a valid date")
        return None
    return value  # type: ignore[no-any-return]


def parse_create(
    data: dict[str, Any], today: date, max_days: int, max_time_limit: float
) -> CreateInput:
    errors = ErrorCollector()
    start = _date(data, "start_date", errors, today)
    end = _date(data, "end_date", errors, today)
    if start is not None and end is not None:
        if end < start:
            errors.add("end_date", "must be on or after the start date")
        elif (end - start).days + 1 > max_days:
            errors.add("end_date", f"must be at most {max_days} days after the start date")
    replan = False
    if not is_blank(data.get("replan_pending")):
        replan = read_bool(data["replan_pending"], "replan_pending", errors) is True
    fairness = _optional_int(data, "fairness_weight", errors, 0, MAX_WEIGHT)
    travel = _optional_int(data, "travel_weight", errors, 0, MAX_WEIGHT)
    per_day = _optional_int(data, "max_games_per_day", errors, 1, MAX_PER_DAY)
    per_week = _optional_int(data, "max_games_per_week", errors, 1, MAX_PER_WEEK)
    limit: float | None = None
    if not is_blank(data.get("time_limit_seconds")):
        value = read_number(
            data["time_limit_seconds"], "time_limit_seconds", errors, 1, max_time_limit
        )
        limit = None if value is INVALID else float(value)
    speed: float | None = None
    if not is_blank(data.get("travel_speed_kmh")):
        value = read_number(data["travel_speed_kmh"], "travel_speed_kmh", errors, *SPEED_KMH)
        speed = None if value is INVALID else float(value)
    buffer = _optional_int(data, "travel_buffer_minutes", errors, 0, MAX_BUFFER_MINUTES)
    return CreateInput(
        start_date=start,
        end_date=end,
        replan_pending=replan,
        fairness_weight=fairness,
        travel_weight=travel,
        max_games_per_day=per_day,
        max_games_per_week=per_week,
        time_limit_seconds=limit,
        travel_speed_kmh=speed,
        travel_buffer_minutes=buffer,
        problems=problems_of(errors),
    )
