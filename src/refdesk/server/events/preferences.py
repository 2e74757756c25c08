"""A person's e-mail preferences (``users.notification_preferences``, refdesk extension).

Stored as the kinds the person set (``{"reminder": false}``); a kind not named is on, and
null means everything on. Only the kinds of ``mail_queue.OPTIONAL_KINDS`` can be switched
off: messages, invitations and password resets are always sent.
"""

from __future__ import annotations

from collections.abc import Mapping

from refdesk.server.events.mail_queue import OPTIONAL_KINDS


def wants(stored: Mapping[str, bool] | None, kind: str) -> bool:
    if kind not in OPTIONAL_KINDS or not stored:
        return True
    return stored.get(kind, True) is not False


def effective(stored: Mapping[str, bool] | None) -> dict[str, bool]:
    """Every optional kind with its value, in the order of ``OPTIONAL_KINDS``."""
    return {kind: wants(stored, kind) for kind in OPTIONAL_KINDS}


def merged(stored: Mapping[str, bool] | None, changes: Mapping[str, bool]) -> dict[str, bool]:
    """The stored map after a partial update (kinds not sent keep their value)."""
    return {**effective(stored), **{k: bool(v) for k, v in changes.items()}}
