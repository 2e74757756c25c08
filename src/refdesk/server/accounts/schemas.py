"""Typed inputs of the account endpoints (contract §15.1–15.3): the account update, an
application's create/update, the query of the account's sites and users. Parsing never raises:
problems travel in ``problems``; the services check access first (§5), then report them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from refdesk.server.auth.passwords import MAX_LENGTH, MIN_LENGTH, password_errors
from refdesk.server.auth.principal import SCOPE_ORDER, scope_string
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_bool, read_email, read_str
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page

# -- the account (§15.1) -----------------------------------------------------------------

ACCOUNT_BODY = Body(
    "AccountUpdate",
    (
        Field("first_name", max_length=90, nullable=False),
        Field("last_name", max_length=90, nullable=False),
        Field("login", max_length=90, nullable=False, description="Needs current_password"),
        Field("email", "email", nullable=False, description="Needs current_password"),
        Field(
            "password",
            max_length=MAX_LENGTH,
            nullable=False,
            description=f"New password ({MIN_LENGTH}-{MAX_LENGTH} characters); "
            "needs current_password",
        ),
        Field("current_password", description="Required to change login, email or password"),
    ),
    root="account",
)
_NAMES = ("first_name", "last_name")


@dataclass(frozen=True, kw_only=True)
class AccountUpdate(Input):
    """A partial update of the acting account; ``UNSET`` = not sent (or invalid: see
    ``problems``). ``login`` and ``email`` are lower-cased."""

    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    login: str | Unset = UNSET
    email: str | Unset = UNSET
    password: str | Unset = UNSET
    current_password: str | None = None

    def changes(self) -> dict[str, str]:
        """The sent, valid column values (the password is hashed by the service)."""
        values = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "login": self.login,
            "email": self.email,
        }
        return {key: value for key, value in values.items() if not isinstance(value, Unset)}


def _valid(value: Any) -> Any:
    return UNSET if value is INVALID else value


def parse_account_update(data: dict[str, Any]) -> AccountUpdate:
    """Read the fields of :data:`ACCOUNT_BODY` that were sent, in the table's order."""
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    for name in _NAMES:
        if name in data:
            values[name] = _valid(read_str(data[name], name, errors, 90, required=True))
    if "login" in data:
        login = read_str(data["login"], "login", errors, 90, required=True)
        values["login"] = UNSET if login is INVALID else login.lower()
    if "email" in data:
        email = read_email(data["email"], "email", errors, required=True)
        values["email"] = UNSET if email is INVALID else email.lower()
    if "password" in data:
        problems = password_errors(data["password"])
        for problem in problems:
            errors.add("password", problem)
        if not problems:
            values["password"] = str(data["password"])
    current = data.get("current_password")
    return AccountUpdate(
        **values,
        current_password=current if isinstance(current, str) and current else None,
        problems=problems_of(errors),
    )


# -- the account's sites and users (§15.2) -----------------------------------------------

STATUS_FILTERS = ("active", "inactive", "all")


@dataclass(frozen=True, kw_only=True)
class ProfilesQuery(Input):
    """``page``, ``limit`` and ``search[status]`` of ``/current_account/sites|users``."""

    page: PageRequest
    status: str = "all"


def parse_profiles_query(query: dict[str, Any]) -> ProfilesQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    search = query.get("search")
    status = search.get("status") if isinstance(search, dict) else None
    if status in (None, ""):
        status = "all"
    elif status not in STATUS_FILTERS:
        errors.add("search[status]", "is not included in the list")
        status = "all"
    return ProfilesQuery(page=page, status=str(status), problems=problems_of(errors))


# -- applications (§15.3, §6.1) ----------------------------------------------------------

OOB = "urn:ietf:wg:oauth:2.0:oob"
DEFAULT_SCOPES = "read write"
MAX_REDIRECT_URIS = 20
MAX_URI_LENGTH = 2000
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob"})
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")

_APPLICATION_FIELDS = (
    Field("confidential", "boolean", description="Fixed at create (default true)"),
    Field(
        "redirect_uris",
        "array",
        description=f"Up to {MAX_REDIRECT_URIS} URIs (https, loopback http, a private-use "
        f"scheme or {OOB}); a space-separated string is accepted too",
        items={"type": "string", "maxLength": MAX_URI_LENGTH},
    ),
    Field(
        "scopes",
        description="Space-separated subset of read write bank (default read write); "
        "bank needs a token with bank",
    ),
)
APPLICATION_CREATE_BODY = Body(
    "ApplicationCreate",
    (Field("name", max_length=90, required=True), *_APPLICATION_FIELDS),
    root="application",
)
APPLICATION_UPDATE_BODY = Body(
    "ApplicationUpdate",
    (Field("name", max_length=90, nullable=False), *_APPLICATION_FIELDS),
    root="application",
)


def _valid_redirect_uri(uri: str) -> bool:
    if uri == OOB:
        return True
    if any(c.isspace() for c in uri) or "#" in uri:
        return False
    try:
        parts = urlsplit(uri)
        hostname = parts.hostname
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if not scheme or not _SCHEME.match(scheme) or scheme in FORBIDDEN_SCHEMES:
        return False
    if scheme == "https":
        return bool(hostname)
    if scheme == "http":
        return hostname in LOOPBACK_HOSTS
    # A private-use scheme of a native application (RFC 8252 §7.1), e.g. com.example.app:/cb
    return bool(uri.partition(":")[2])


def read_redirect_uris(value: Any, errors: ErrorCollector) -> Any:
    field = "redirect_uris"
    if is_blank(value):
        return []
    items: list[Any]
    if isinstance(value, str):
        items = value.split()
    elif isinstance(value, list):
        items = value
    else:
        errors.add(field, "is invalid")
        return INVALID
    if len(items) > MAX_REDIRECT_URIS:
        errors.add(field, "is invalid")
        return INVALID
    uris: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            errors.add(field, "is invalid")
            return INVALID
        uri = item.strip()
        if len(uri) > MAX_URI_LENGTH:
            errors.add(field, f"is too long (maximum is {MAX_URI_LENGTH} characters)")
            return INVALID
        if not _valid_redirect_uri(uri):
            errors.add(field, "is invalid")
            return INVALID
        if uri not in uris:
            uris.append(uri)
    return uris


def read_scopes(value: Any, errors: ErrorCollector) -> Any:
    field = "scopes"
    if is_blank(value) or value == []:
        return DEFAULT_SCOPES
    if isinstance(value, str):
        items = value.split()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [p for v in value for p in v.split()]
    else:
        errors.add(field, "is invalid")
        return INVALID
    if any(item not in SCOPE_ORDER for item in items):
        errors.add(field, "is not included in the list")
        return INVALID
    return scope_string(set(items)) or DEFAULT_SCOPES


def mentions_bank(value: Any) -> bool:
    """Whether a (not yet validated) ``scopes`` value or stored scope string includes ``bank``;
    writing such an application needs a token with ``bank`` (§6.6)."""
    if isinstance(value, str):
        return "bank" in value.split()
    if isinstance(value, list):
        return any(mentions_bank(v) for v in value)
    return False


@dataclass(frozen=True, kw_only=True)
class ApplicationInput(Input):
    """An application's create (``name`` required) or update; ``UNSET`` = not sent (or
    invalid). ``requests_bank``: the ``scopes`` sent mention ``bank``, valid or not (§6.6)."""

    name: str | Unset = UNSET
    confidential: bool | Unset = UNSET
    redirect_uris: list[str] | Unset = UNSET
    scopes: str | Unset = UNSET
    requests_bank: bool = False


def parse_application(data: dict[str, Any], *, creating: bool) -> ApplicationInput:
    """Read the fields of the application bodies (only those sent, except ``name`` on create)."""
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    if creating or "name" in data:
        values["name"] = _valid(read_str(data.get("name"), "name", errors, 90, required=True))
    if "confidential" in data and not is_blank(data["confidential"]):
        values["confidential"] = _valid(read_bool(data["confidential"], "confidential", errors))
    if "redirect_uris" in data:
        values["redirect_uris"] = _valid(read_redirect_uris(data["redirect_uris"], errors))
    if "scopes" in data:
        values["scopes"] = _valid(read_scopes(data["scopes"], errors))
    return ApplicationInput(
        **values, requests_bank=mentions_bank(data.get("scopes")), problems=problems_of(errors)
    )
