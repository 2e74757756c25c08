"""A service's refusal, said in a sentence for a page, and the ids a page reads from its path.

The pages call the same services as the API; what the API answers as an error body a page
shows as one sentence: the stale-page message for a ``Conflict`` (a ``lock_version`` that
moved), "there is no such …" for a ``NotFound``, the field errors of a ``ValidationFailed``
joined, or the refusal's own message — after a prefix that says nothing was changed.
"""

from __future__ import annotations

from collections.abc import Callable

from refdesk.server.errors import Conflict, DomainError, NotFound, ValidationFailed, humanise
from refdesk.server.sites.access import MAX_ID


def path_id(raw: str) -> int | None:
    """A path's id, when it is one (digits, in the id range)."""
    if not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def field_errors(exc: DomainError, subject: Callable[[str], str] = humanise) -> str:
    """A validation failure's field errors in one sentence; any other refusal's message."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        return "; ".join(
            message if key == "base" else f"{subject(key)} {message}"
            for key, messages in exc.errors.items()
            for message in messages
        )
    return exc.message


def refusal_text(
    exc: DomainError,
    *,
    prefix: str,
    stale: str,
    missing: str,
    subject: Callable[[str], str] = humanise,
) -> str:
    """``stale`` for a conflict, else ``prefix`` + the reason (``missing`` names what is not
    found, e.g. "such slot"), as one sentence."""
    if isinstance(exc, Conflict):
        return stale
    if isinstance(exc, NotFound):
        return f"{prefix}there is no {missing}."
    text = field_errors(exc, subject) if isinstance(exc, ValidationFailed) else exc.message
    text = text[:1].lower() + text[1:] if not text[:2].isupper() else text
    return prefix + text.rstrip(".") + "."
