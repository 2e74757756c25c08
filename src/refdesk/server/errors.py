"""Framework-free domain errors. Services raise these; ``api/errors.py`` maps them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service may raise on purpose."""

    code = "bad_request"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message

    default_message = "The request could not be processed"


class BadRequest(DomainError):
    code = "bad_request"
    default_message = "The request could not be understood"


class NotFound(DomainError):
    code = "not_found"
    default_message = "The requested resource was not found"


class Forbidden(DomainError):
    code = "forbidden"
    default_message = "You are not allowed to perform this action"


class PaymentRequired(DomainError):
    code = "payment_required"
    default_message = "The subscription of this site is not active"

    def __init__(self, site_id: int, message: str | None = None) -> None:
        super().__init__(message)
        self.site_id = site_id


class Conflict(DomainError):
    """Stale ``lock_version``: carries the value currently stored."""

    code = "stale_lock_version"
    default_message = "The record was changed by someone else; reload it and try again"

    def __init__(self, current_lock_version: int) -> None:
        super().__init__()
        self.current_lock_version = current_lock_version


class ValidationFailed(DomainError):
    """Field -> messages, in the order the fields were checked (contract §4.5)."""

    code = "validation_failed"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(validation_message(errors))

    @classmethod
    def one(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})


class ServiceUnavailable(DomainError):
    code = "service_unavailable"
    default_message = "The service is temporarily unavailable; try again later"


def humanise(key: str) -> str:
    """``home_team_name`` -> ``Home team name``; bracketed or dotted keys stay verbatim."""
    if "[" in key or key.startswith("."):
        return key
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def validation_message(errors: dict[str, list[str]]) -> str:
    entries: list[str] = []
    for key, messages in errors.items():
        for message in messages:
            entries.append(message if key == "base" else f"{humanise(key)} {message}")
    return "Validation failed: " + ", ".join(entries)


class ErrorCollector:
    """Collects field errors in check order; ``raise_if_any`` raises one ValidationFailed."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


class RateLimited(DomainError):
    """A throttle refused the attempt: ``retry_after`` seconds until it admits again."""

    code = "rate_limited"
    default_message = "Too many requests; try again later"

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
