"""Typed inputs of the OAuth endpoints: the token and revocation requests (§6.3, §6.5) and the
authorization request and its forms (§6.4).

OAuth answers the first problem found (RFC 6749 §5.2), in an order that interleaves parameter
checks with database checks. Parsing therefore never raises and never judges: each parameter
keeps what was sent (a string, ``None`` when absent or empty, or :data:`MALFORMED` when it was
not a string), and the service reads it with :func:`text`, which raises ``invalid_request``
at the point of the check, exactly where the answer has always been decided.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from refdesk.server.auth.errors import invalid_request


class Malformed(enum.Enum):
    """The type of :data:`MALFORMED`: a parameter sent with a type other than a string."""

    MALFORMED = "MALFORMED"


MALFORMED: Final = Malformed.MALFORMED

Param = str | None | Malformed
ScopeParam = str | tuple[str, ...] | None | Malformed


def param(data: Mapping[str, Any], name: str) -> Param:
    """A single string parameter as sent: absent or empty is ``None``; any other type is
    :data:`MALFORMED`."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        return MALFORMED
    return value or None


def text(value: Param, name: str) -> str | None:
    """The parameter's value; a malformed one is ``invalid_request``, now."""
    if value is MALFORMED:
        raise invalid_request(f"The {name} parameter is malformed")
    return value


def scope_param(value: Any) -> ScopeParam:
    """``scope`` as a space-separated string or a JSON array of strings (§6.3)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return MALFORMED


@dataclass(frozen=True)
class ClientAuthInput:
    """Client authentication as presented: the ``Authorization`` header (HTTP Basic, decoded by
    the service) and the body's ``client_id``/``client_secret``."""

    authorization: str | None
    client_id: Param
    client_secret: Param


@dataclass(frozen=True)
class TokenInput:
    """``POST /oauth/token``."""

    client: ClientAuthInput
    grant_type: Param
    scope: ScopeParam = None
    code: Param = None
    redirect_uri: Param = None
    code_verifier: Param = None
    refresh_token: Param = None


@dataclass(frozen=True)
class RevokeInput:
    """``POST /oauth/revoke`` (RFC 7009)."""

    client: ClientAuthInput
    token: Param
    token_type_hint: Param


def parse_client_auth(authorization: str | None, data: Mapping[str, Any]) -> ClientAuthInput:
    return ClientAuthInput(authorization, param(data, "client_id"), param(data, "client_secret"))


def parse_token_request(authorization: str | None, data: Mapping[str, Any]) -> TokenInput:
    return TokenInput(
        client=parse_client_auth(authorization, data),
        grant_type=param(data, "grant_type"),
        scope=scope_param(data.get("scope")),
        code=param(data, "code"),
        redirect_uri=param(data, "redirect_uri"),
        code_verifier=param(data, "code_verifier"),
        refresh_token=param(data, "refresh_token"),
    )


def parse_revoke_request(authorization: str | None, data: Mapping[str, Any]) -> RevokeInput:
    return RevokeInput(
        client=parse_client_auth(authorization, data),
        token=param(data, "token"),
        token_type_hint=param(data, "token_type_hint"),
    )


# -- the authorization endpoint ----------------------------------------------------------

FORWARDED_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _text(data: Mapping[str, Any], name: str) -> str | None:
    """Lenient reading of the authorization request: empty is ``None``, a non-string is
    ``""`` (it then fails the parameter's own check), a ``scope`` array is joined."""
    value = data.get(name)
    if isinstance(value, list) and name == "scope" and all(isinstance(v, str) for v in value):
        return " ".join(value)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class AuthorizeInput:
    """The authorization request's parameters (query string, or the forms' hidden fields)."""

    client_id: str | None = None
    redirect_uri: str | None = None
    response_type: str | None = None
    scope: str | None = None
    state: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    # What the login and consent forms carry forward (the non-empty ones).
    forwarded: Mapping[str, str] = field(default_factory=dict)


def parse_authorize(data: Mapping[str, Any]) -> AuthorizeInput:
    values = {name: _text(data, name) for name in FORWARDED_PARAMS}
    return AuthorizeInput(
        client_id=values["client_id"],
        redirect_uri=values["redirect_uri"],
        response_type=values["response_type"],
        scope=values["scope"],
        state=values["state"],
        code_challenge=values["code_challenge"],
        code_challenge_method=values["code_challenge_method"],
        forwarded={name: value for name, value in values.items() if value},
    )


@dataclass(frozen=True)
class AuthorizeForm:
    """A submission to ``POST /oauth/authorize``: the login form (``login`` + ``password``)
    or the consent form (``decision``), both carrying the request and the CSRF token.

    ``decision`` is ``None`` when not sent and ``""`` when sent as anything but a string."""

    request: AuthorizeInput
    csrf_token: str | None
    decision: str | None
    login_sent: bool
    login: str | None
    password: str | None

    @property
    def is_login(self) -> bool:
        return self.decision is None and self.login_sent


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_authorize_form(data: Mapping[str, Any]) -> AuthorizeForm:
    decision = data.get("decision")
    return AuthorizeForm(
        request=parse_authorize(data),
        csrf_token=_str_or_none(data.get("csrf_token")),
        decision=None if decision is None else (decision if isinstance(decision, str) else ""),
        login_sent="login" in data,
        login=_str_or_none(data.get("login")),
        password=_str_or_none(data.get("password")),
    )
