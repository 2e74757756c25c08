"""The wire side of ``notification_preferences`` (refdesk extension on users): its field in
the update body and its reader. The rules of the stored map are in ``events/preferences.py``."""

from __future__ import annotations

from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.events.mail_queue import OPTIONAL_KINDS
from refdesk.server.fields import INVALID, is_blank, read_bool
from refdesk.server.inputs import Field

PREFERENCES = "notification_preferences"
PREFERENCES_FIELD = Field(
    PREFERENCES,
    "object",
    description=(
        "(ext) E-mail notifications, kind -> boolean (partial: kinds not sent keep their "
        f"value; null: all on). Kinds: {', '.join(OPTIONAL_KINDS)}. Only the person may "
        "change it, on their own user."
    ),
)


def read_preferences(data: dict[str, Any], errors: ErrorCollector) -> Any:
    """``notification_preferences``: null/blank (all on again) or an object of optional mail
    kinds to booleans; unknown kinds and non-booleans are reported under
    ``notification_preferences[kind]``."""
    value = data[PREFERENCES]
    if is_blank(value):
        return None
    if not isinstance(value, dict):
        errors.add(PREFERENCES, "is invalid")
        return INVALID
    found: dict[str, bool] = {}
    valid = True
    for kind, flag in value.items():
        key = f"{PREFERENCES}[{kind}]"
        if kind not in OPTIONAL_KINDS:
            errors.add(key, "is not included in the list")
            valid = False
            continue
        read = read_bool(flag, key, errors)
        if read is INVALID:
            valid = False
        else:
            found[str(kind)] = read
    return found if valid else INVALID
