"""Typed inputs of the user endpoints (contract §17.1, §17.5): create, update, activate,
the user lists' query. Parsing never raises; the services check access first (§5)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import (
    INVALID,
    MAX_INT,
    is_blank,
    read_bool,
    read_date,
    read_email,
    read_int,
    read_lock_version,
    read_str,
)
from refdesk.server.inputs import UNSET, Body, Field, Input, Problems, Unset, problems_of
from refdesk.server.paging import PageQuery, parse_page, parse_page_query
from refdesk.server.users.preferences import PREFERENCES, PREFERENCES_FIELD, read_preferences

ROLE_FLAGS = ("official", "assignor", "manager", "observer")
PHONE_FLAGS = ("home_phone_is_public", "work_phone_is_public", "mobile_phone_is_public")
PRIVATE_STRINGS = ("street1", "street2", "city", "state", "postal_code")
LIMITS = ("max_games_per_day", "max_games_per_week", "max_games_per_month")
# Fields only an assignor may write (§7.3, §7.4).
ASSIGNOR_ONLY = (*ROLE_FLAGS, "active", "grade", *LIMITS)
NAMES = ("first_name", "last_name")
OPTIONAL_STRINGS = ("mi", "home_phone", "work_phone", "mobile_phone", *PRIVATE_STRINGS, "grade")
FLAGS = (*PHONE_FLAGS, *ROLE_FLAGS, "active")
PASSWORD_FIELDS = ("password", "password_confirmation")

_STRINGS = [Field(n, max_length=90, required=False, nullable=False) for n in NAMES] + [
    Field(n, max_length=90, aliases=("postal",) if n == "postal_code" else ())
    for n in OPTIONAL_STRINGS
]
_CHANGE_FIELDS = (
    *_STRINGS,
    Field("date_of_birth", "date"),
    *(Field(n, "boolean", nullable=False) for n in FLAGS),
    *(Field(n, "integer", minimum=1, maximum=100) for n in LIMITS),
    Field("email", "email", description="Primary e-mail (or send email_addresses)"),
    Field("email2", "email", description="Secondary e-mail"),
    Field(
        "email_addresses", "array", description="One or two e-mail addresses",
        items={"type": "string", "format": "email", "maxLength": 100},
    ),
)  # fmt: skip
LOCK_VERSION = Field("lock_version", "integer", description="Optimistic lock (§12)")

SEND_INVITATION = Field(
    "send_authorization_email",
    "boolean",
    description="true: e-mail the account an invitation to set its password (if it has none)",
)

USER_CREATE_BODY = Body(
    "UserCreate",
    (
        *_CHANGE_FIELDS,
        Field("password", description="Instance operators only"),
        Field("password_confirmation"),
        SEND_INVITATION,
    ),
    root="user",
)
USER_UPDATE_BODY = Body(
    "UserUpdate", (*_CHANGE_FIELDS, PREFERENCES_FIELD, LOCK_VERSION, SEND_INVITATION), root="user"
)
USER_ACTIVE_BODY = Body("UserActivation", (LOCK_VERSION,), root="user")
_KNOWN = frozenset(
    name
    for body in (USER_CREATE_BODY, USER_UPDATE_BODY)
    for field in body.fields
    for name in (field.name, *field.aliases)
)


@dataclass(frozen=True, kw_only=True)
class UserChanges(Input):
    """The validated fields of a user create/update; ``UNSET`` = not sent (or invalid).
    ``sent`` holds every known wire field the client sent, valid or not."""

    sent: frozenset[str] = frozenset()
    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    mi: str | Unset | None = UNSET
    home_phone: str | Unset | None = UNSET
    work_phone: str | Unset | None = UNSET
    mobile_phone: str | Unset | None = UNSET
    street1: str | Unset | None = UNSET
    street2: str | Unset | None = UNSET
    city: str | Unset | None = UNSET
    state: str | Unset | None = UNSET
    postal_code: str | Unset | None = UNSET
    grade: str | Unset | None = UNSET
    date_of_birth: date | Unset | None = UNSET
    home_phone_is_public: bool | Unset = UNSET
    work_phone_is_public: bool | Unset = UNSET
    mobile_phone_is_public: bool | Unset = UNSET
    official: bool | Unset = UNSET
    assignor: bool | Unset = UNSET
    manager: bool | Unset = UNSET
    observer: bool | Unset = UNSET
    active: bool | Unset = UNSET
    max_games_per_day: int | Unset | None = UNSET
    max_games_per_week: int | Unset | None = UNSET
    max_games_per_month: int | Unset | None = UNSET
    email_addresses: list[str] | Unset = UNSET
    notification_preferences: dict[str, bool] | Unset | None = UNSET
    # Not a column: true asks for an invitation e-mail (the service checks it last).
    send_authorization_email: bool | Unset = UNSET

    def changes(self) -> dict[str, Any]:
        """The supplied column values, in field order (the partial update to apply)."""
        skip = {"problems", "sent", *_EXTRA_FIELDS}
        return self.values_sent(*(f.name for f in fields(self) if f.name not in skip))

    def supplied(self, name: str) -> bool:
        """Sent on the wire (even if invalid), or set by a caller that built the input."""
        return name in self.sent or getattr(self, name) is not UNSET


@dataclass(frozen=True, kw_only=True)
class UserUpdate(UserChanges):
    """A user update: ``lock_version`` and the refused password fields travel apart, as they
    are answered before the other fields (§12, §17.1)."""

    lock_version: int | None = None
    lock_problems: Problems = ()
    password_problems: Problems = ()


@dataclass(frozen=True, kw_only=True)
class UserCreate(UserChanges):
    """A new user. ``password`` is checked by the service (only operators may set one)."""

    password: object = None
    password_confirmation: object = None

    def missing(self) -> Problems:
        """The required fields neither given nor reported (an input built by a caller rather
        than parsed: parsing reports them itself)."""
        reported = {field for field, _ in self.problems}
        found: Problems = tuple(
            (name, "can't be blank")
            for name in NAMES
            if getattr(self, name) is UNSET and name not in reported
        )
        if self.email_addresses is UNSET and not reported & {"email", "email2", "email_addresses"}:
            found += (("email", "can't be blank"),)
        return found

    @property
    def email_key(self) -> str:
        """The field a taken e-mail is reported on: the one the client sent."""
        return "email_addresses" if "email_addresses" in self.sent else "email"


@dataclass(frozen=True, kw_only=True)
class LockVersion(Input):
    """``activate`` / ``deactivate``: only the optional ``lock_version``."""

    lock_version: int | None = None


_EXTRA_FIELDS = frozenset(
    {"lock_version", "lock_problems", "password_problems", "password", "password_confirmation"}
    | {"send_authorization_email"}
)


def _read_changes(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Validated changes; only supplied fields appear (partial update)."""
    changes: dict[str, Any] = {}

    def keep(field: str, value: Any) -> None:
        if value is not INVALID:
            changes[field] = value

    for name in NAMES:
        if name in data:
            keep(name, read_str(data[name], name, errors, 90, required=True))
    for name in OPTIONAL_STRINGS:
        if name in data:
            keep(name, read_str(data[name], name, errors, 90))
    if "postal" in data and "postal_code" not in data:
        keep("postal_code", read_str(data["postal"], "postal", errors, 90))
    if "date_of_birth" in data:
        if is_blank(data["date_of_birth"]):
            changes["date_of_birth"] = None
        else:
            keep("date_of_birth", read_date(data["date_of_birth"], "date_of_birth", errors))
    for flag in FLAGS:
        if flag in data:
            keep(flag, read_bool(data[flag], flag, errors))
    for name in LIMITS:
        if name in data:
            if is_blank(data[name]):
                changes[name] = None
            else:
                keep(name, read_int(data[name], name, errors, 1, 100))
    emails = _read_emails(data, errors)
    if emails is not None:
        changes["email_addresses"] = emails
    return changes


def _read_emails(data: dict[str, Any], errors: ErrorCollector) -> list[str] | None:
    if "email_addresses" in data:
        value = data["email_addresses"]
        if not isinstance(value, list) or not value or len(value) > 2:
            errors.add("email_addresses", "is invalid")
            return None
        result = []
        for item in value:
            email = read_email(item, "email_addresses", errors, required=True)
            if email is INVALID:
                return None
            result.append(email)
        return result
    if "email" in data or "email2" in data:
        primary = read_email(data.get("email"), "email", errors, required=True)
        secondary = read_email(data.get("email2"), "email2", errors)
        if primary is INVALID or secondary is INVALID:
            return None
        return [primary] + ([secondary] if secondary else [])
    return None


def _sent(data: dict[str, Any]) -> frozenset[str]:
    return frozenset(k for k in data if k in _KNOWN)


def _lock_version(data: dict[str, Any]) -> tuple[int | None, Problems]:
    """The client's ``lock_version`` and its problems, kept apart from the other fields'."""
    errors = ErrorCollector()
    lock_version = read_lock_version(data, errors)
    return lock_version, problems_of(errors)


def parse_user_update(data: dict[str, Any]) -> UserUpdate:
    password = ErrorCollector()
    for name in PASSWORD_FIELDS:
        if name in data:
            password.add(name, NOT_YOURS if name == "password" else "is not allowed")
    lock_version, lock_problems = _lock_version(data)
    errors = ErrorCollector()
    changes = _read_changes(data, errors)
    if PREFERENCES in data:
        preferences = read_preferences(data, errors)
        if preferences is not INVALID:
            changes[PREFERENCES] = preferences
    send = _read_send(data, errors)
    return UserUpdate(
        problems=problems_of(errors),
        sent=_sent(data),
        lock_version=lock_version,
        lock_problems=lock_problems,
        password_problems=problems_of(password),
        send_authorization_email=send,
        **changes,
    )


def _read_send(data: dict[str, Any], errors: ErrorCollector) -> bool | Unset:
    """``send_authorization_email``: true queues an invitation e-mail (users/service.py)."""
    if "send_authorization_email" not in data:
        return UNSET
    send = read_bool(data["send_authorization_email"], "send_authorization_email", errors)
    return UNSET if send is INVALID else bool(send)


def parse_user_create(data: dict[str, Any]) -> UserCreate:
    """``problems`` in check order: missing names, the fields, a missing e-mail, then
    ``send_authorization_email`` (the service checks the password before that one)."""
    errors = ErrorCollector()
    for name in NAMES:
        if name not in data:
            errors.add(name, "can't be blank")
    changes = _read_changes(data, errors)
    if "email_addresses" not in changes and not any(
        k in data for k in ("email", "email_addresses")
    ):
        errors.add("email", "can't be blank")
    send = _read_send(data, errors)
    return UserCreate(
        problems=problems_of(errors),
        sent=_sent(data),
        password=data.get("password"),
        password_confirmation=data.get("password_confirmation"),
        send_authorization_email=send,
        **changes,
    )


def parse_lock_version(data: dict[str, Any]) -> LockVersion:
    lock_version, problems = _lock_version(data)
    return LockVersion(problems=problems, lock_version=lock_version)


# Only the person (invitation link, PUT current_account) or an operator sets a password: a site
# admin who could choose it would know the password of an account that other sites may later
# share (issue 9 item 1; contract §17.1 `password`).
NOT_YOURS = "can only be set by the account's owner (invitation link) or an instance operator"

# --- the user lists -------------------------------------------------------------------------

USER_FILTER_KEYS = (
    "search[query]",
    "search[status]",
    "search[official]",
    "search[assignor]",
    "search[manager]",
    "search[observer]",
    "search[group_id]",
    "search[site_id]",
)


PagedQuery = PageQuery  # a list without filters (also the officials' lists)
parse_paged_query = parse_page_query


@dataclass(frozen=True, kw_only=True)
class UserListQuery(PagedQuery):
    """``search[...]`` filters of the user lists; None = not filtered."""

    text: str | None = None
    status: Literal["active", "inactive"] | None = None
    official: bool | None = None
    assignor: bool | None = None
    manager: bool | None = None
    observer: bool | None = None
    group_id: int | None = None
    site_id: int | None = None


def parse_user_query(query: dict[str, Any], *, allow_site: bool = False) -> UserListQuery:
    """The page, then the filters; ``search[site_id]`` only on the cross-site list."""
    errors = ErrorCollector()
    page = parse_page(query, errors)
    values: dict[str, Any] = {}
    search = query.get("search")
    if isinstance(search, dict):
        text = search.get("query")
        if isinstance(text, str) and text.strip():
            values["text"] = text.strip()
        status = search.get("status")
        if not is_blank(status):
            if status in ("active", "inactive"):
                values["status"] = status
            elif status != "all":
                errors.add("search[status]", "is not included in the list")
        for role in ROLE_FLAGS:
            value = search.get(role)
            if not is_blank(value):
                flag = read_bool(value, f"search[{role}]", errors)
                if flag is not INVALID:
                    values[role] = flag
        for name, wanted in (("group_id", True), ("site_id", allow_site)):
            value = search.get(name)
            if wanted and not is_blank(value):
                number = read_int(value, f"search[{name}]", errors, 1, MAX_INT)
                if number is not INVALID:
                    values[name] = number
    return UserListQuery(problems=problems_of(errors), page=page, **values)
