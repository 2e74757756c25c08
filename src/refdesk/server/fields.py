"""Input encodings of contract §11, reporting problems in the fixed vocabulary of §4.5.

Each reader takes the raw value and an :class:`ErrorCollector`; it returns the converted value,
or :data:`INVALID` after recording the message under the field name the client used.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any, Final

from refdesk.server.errors import ErrorCollector

INVALID: Final = object()
TRUE_WORDS = frozenset({"true", "1", "y", "yes", "t"})
FALSE_WORDS = frozenset({"false", "0", "n", "no", "f"})
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_DATE_FORMS = (re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$"),)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_OUT_DATE = re.compile(r"^([A-Za-z]{3}) (\d{1,2}) (\d{4})$")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_bool(value: Any, field: str, errors: ErrorCollector) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    errors.add(field, "is not a valid boolean")
    return INVALID


MIN_INT = -(2**63)
MAX_INT = 2**63 - 1  # every integer column is 64-bit; nothing outside fits anywhere
_INT_TEXT = re.compile(r"\s*([+-]?)0*([0-9]+)\s*")
_FRACTION_TEXT = re.compile(r"\s*[+-]?([0-9]+\.[0-9]*|\.[0-9]+)\s*")


def int_from_text(text: str) -> int | None:
    """A decimal integer string as an int; beyond 20 digits, ±2**64 (outside every range we
    check, and a 5,000-digit string never reaches Python's int-conversion limit); None if
    the text is no integer."""
    m = _INT_TEXT.fullmatch(text)
    if m is None:
        return None
    digits = m.group(2)
    number = int(digits) if len(digits) <= 20 else 2**64
    return -number if m.group(1) == "-" else number


def read_int(
    value: Any,
    field: str,
    errors: ErrorCollector,
    minimum: int | None = None,
    maximum: int | None = None,
) -> Any:
    """A JSON integer (or integral float) or a decimal string within ``[minimum, maximum]``,
    by default the 64-bit range."""
    number: int | None
    if isinstance(value, bool):
        errors.add(field, "is not a number")
        return INVALID
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            errors.add(field, "must be an integer")
            return INVALID
        number = int(value)
    elif isinstance(value, str) and (number := int_from_text(value)) is not None:
        pass
    elif isinstance(value, str) and _FRACTION_TEXT.fullmatch(value):
        errors.add(field, "must be an integer")
        return INVALID
    else:
        errors.add(field, "is not a number")
        return INVALID
    low = MIN_INT if minimum is None else minimum
    high = MAX_INT if maximum is None else maximum
    if number < low:
        errors.add(field, f"must be greater than or equal to {low}")
        return INVALID
    if number > high:
        errors.add(field, f"must be less than or equal to {high}")
        return INVALID
    return number


def read_str(
    value: Any,
    field: str,
    errors: ErrorCollector,
    max_length: int,
    *,
    required: bool = False,
) -> Any:
    """Trimmed string; ``None`` when blank and optional; ``can't be blank`` when required."""
    if value is None or (isinstance(value, (dict, list)) and not value):
        if required:
            errors.add(field, "can't be blank")
            return INVALID
        return None
    if isinstance(value, (dict, list, bool)):
        errors.add(field, "is invalid")
        return INVALID
    text = str(value).strip()
    if not text:
        if required:
            errors.add(field, "can't be blank")
            return INVALID
        return None
    if len(text) > max_length:
        errors.add(field, f"is too long (maximum is {max_length} characters)")
        return INVALID
    return text


def read_email(value: Any, field: str, errors: ErrorCollector, *, required: bool = False) -> Any:
    text = read_str(value, field, errors, 100, required=required)
    if text is INVALID or text is None:
        return text
    if not EMAIL_RE.match(text):
        errors.add(field, "is invalid")
        return INVALID
    return text


def read_date(value: Any, field: str, errors: ErrorCollector, today: date | None = None) -> Any:
    """Every date form of §11.4; ``today``/``tomorrow``/``yesterday`` relative to ``today``."""
    if not isinstance(value, str):
        errors.add(field, "is not a valid date")
        return INVALID
    text = value.strip()
    word = text.lower()
    base = today or date.today()
    relative = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in relative:
        return base + timedelta(days=relative[word])
    try:
        for form in _DATE_FORMS:
            m = form.match(text)
            if m:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _US_DATE.match(text)
        if m:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        m = _OUT_DATE.match(text)
        if m and m.group(1).lower() in MONTHS:
            return date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
    except ValueError:
        pass
    errors.add(field, "is not a valid date")
    return INVALID


def read_datetime(value: Any, field: str, errors: ErrorCollector) -> Any:
    """An ISO 8601 date-time as a UTC instant (naive means UTC). One whose UTC time falls
    off the calendar (``0001-01-01T00:00+05:00``) becomes its first or last instant."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)
            try:
                return moment.astimezone(UTC)
            except OverflowError:
                edge = datetime.min if moment.year == 1 else datetime.max
                return edge.replace(tzinfo=UTC)
    errors.add(field, "is not a valid date")
    return INVALID


def read_number(
    value: Any, field: str, errors: ErrorCollector, minimum: float, maximum: float
) -> Any:
    """A JSON number or decimal string within ``[minimum, maximum]``."""
    number: float
    if isinstance(value, bool):
        errors.add(field, "is not a number")
        return INVALID
    if isinstance(value, (int, float)) or (isinstance(value, str) and _DECIMAL.fullmatch(value)):
        number = float(value)
    else:
        errors.add(field, "is not a number")
        return INVALID
    if number < minimum:
        errors.add(field, f"must be greater than or equal to {minimum:g}")
        return INVALID
    if number > maximum:
        errors.add(field, f"must be less than or equal to {maximum:g}")
        return INVALID
    return number


def read_money(value: Any, field: str, errors: ErrorCollector) -> Any:
    """A non-negative amount with at most two fraction digits, as a Decimal."""
    from decimal import Decimal, InvalidOperation

    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        errors.add(field, "is not a number")
        return INVALID
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add(field, "is not a number")
        return INVALID
    if not amount.is_finite():
        errors.add(field, "is not a number")
        return INVALID
    if amount < 0:
        errors.add(field, "must be greater than or equal to 0")
        return INVALID
    if amount > Decimal("99999999.99"):
        errors.add(field, "must be less than or equal to 99999999.99")
        return INVALID
    if amount != amount.quantize(Decimal("0.01")):
        errors.add(field, "is invalid")
        return INVALID
    return amount.quantize(Decimal("0.01"))


_DECIMAL = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*")
_TIME_12 = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)$", re.IGNORECASE)
_TIME_24 = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_time(text: str) -> time_of_day | None:
    """§11.5: ``9:00 AM``, ``9am``, ``9:00:00 PM``, ``a.m.``/``p.m.``, ``15:30``, ``09:00:00``."""
    text = text.strip()
    m = _TIME_12.match(text)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        second = int(m.group(3) or 0)
        if not 1 <= hour <= 12 or minute > 59 or second > 59:
            return None
        hour = hour % 12 + (12 if m.group(4).lower().startswith("p") else 0)
        return time_of_day(hour, minute)
    m = _TIME_24.match(text)
    if m:
        hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        return time_of_day(hour, minute)
    return None


def read_time(value: Any, field: str, errors: ErrorCollector) -> Any:
    parsed = parse_time(value) if isinstance(value, str) else None
    if parsed is None:
        errors.add(field, "is not a valid time")
        return INVALID
    return parsed


def read_lock_version(data: dict[str, Any], errors: ErrorCollector) -> int | None:
    """The client's ``lock_version`` of §12: None when absent, null or ``""``; otherwise an
    integer (a non-integer is recorded under ``lock_version`` and read as None)."""
    if data.get("lock_version") in (None, ""):
        return None
    value = read_int(data["lock_version"], "lock_version", errors)
    return None if value is INVALID else int(value)
