"""What a write changed about bearer tokens, noted on the session and announced after commit.

A service that changes what a token may do (revokes it, cuts its application's scopes,
deactivates an account) notes the change on its session with one of the helpers below; the
commit site (``Database.commit``) hands the notes to the principal cache
(``auth/token_bus.py``), which drops the affected entries in this process and, with a shared
store, in every other process — after the commit, before the response is sent.

A change is a small tuple: ``("token", token_id)``, ``("grant", account_id, application_id)``
(every token of one account through one application), ``("application", application_id)``,
``("account", account_id)`` (tokens acting as the account or issued by its applications),
``("all",)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

Change = tuple[str, ...]
KEY = "refdesk.token_changes"
KINDS = {"token": 1, "grant": 2, "application": 1, "account": 1, "all": 0}


def _note(session: AsyncSession, change: Change) -> None:
    noted: set[Change] = session.info.setdefault(KEY, set())
    noted.add(change)


def token(session: AsyncSession, token_id: int) -> None:
    _note(session, ("token", str(token_id)))


def grant(session: AsyncSession, account_id: int, application_id: int) -> None:
    _note(session, ("grant", str(account_id), str(application_id)))


def application(session: AsyncSession, application_id: int) -> None:
    _note(session, ("application", str(application_id)))


def account(session: AsyncSession, account_id: int) -> None:
    _note(session, ("account", str(account_id)))


def taken(session: AsyncSession) -> set[Change]:
    """The session's notes, removed (a session may commit more than once)."""
    noted: set[Change] = session.info.pop(KEY, set())
    return noted


def encode(changes: Iterable[Change]) -> str:
    return " ".join(":".join(change) for change in sorted(changes))


def decode(text: str) -> list[Change]:
    """The changes of a message; anything unreadable becomes ``("all",)`` (drop everything)."""
    changes: list[Change] = []
    for word in text.split():
        kind, *ids = word.split(":")
        if KINDS.get(kind) != len(ids) or not all(i.isdigit() for i in ids):
            return [("all",)]
        changes.append((kind, *ids))
    return changes
