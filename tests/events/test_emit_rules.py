"""The pure rules behind the events: which topics a slot's or a game's before/after give."""

from __future__ import annotations

from typing import Any

import pytest

from refdesk.server.assignments.slot_events import SlotState, slot_events
from refdesk.server.games.changes import update_events

VACANT = SlotState(None, False, False)
PENDING = SlotState(7, False, False)
ACCEPTED = SlotState(7, True, False)
DECLINED = SlotState(7, False, True)
OTHER = SlotState(8, False, False)
OTHER_ACCEPTED = SlotState(8, True, False)


def _changed(action: str, user: int | None, previous: int | None = None) -> tuple[str, Any]:
    return (
        "game.official.changed",
        {"action": action, "user_id": user, "previous_user_id": previous},
    )


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (VACANT, VACANT, []),
        (PENDING, PENDING, []),
        (ACCEPTED, ACCEPTED, []),
        (DECLINED, DECLINED, []),  # a new reason alone
        (VACANT, PENDING, [_changed("assigned", 7)]),
        (VACANT, ACCEPTED, [("assignment.accepted", {"user_id": 7}), _changed("assigned", 7)]),
        (PENDING, OTHER, [_changed("replaced", 8, 7)]),
        (
            ACCEPTED,
            OTHER_ACCEPTED,
            [("assignment.accepted", {"user_id": 8}), _changed("replaced", 8, 7)],
        ),
        (ACCEPTED, VACANT, [_changed("unassigned", None, 7)]),
        (PENDING, ACCEPTED, [("assignment.accepted", {"user_id": 7}), _changed("accepted", 7)]),
        (DECLINED, ACCEPTED, [("assignment.accepted", {"user_id": 7}), _changed("accepted", 7)]),
        (
            ACCEPTED,
            DECLINED,
            [("assignment.declined", {"user_id": 7, "reason": "Sick"}), _changed("declined", 7)],
        ),
        (ACCEPTED, PENDING, [_changed("assigned", 7)]),
        (DECLINED, PENDING, [_changed("assigned", 7)]),
    ],
)
def test_slot_events(before: SlotState, after: SlotState, expected: list[Any]) -> None:
    assert slot_events(before, after, "Sick") == expected


def _game(**fields: Any) -> dict[str, Any]:
    base = {"status": "A", "cancelled": False, "subvenue": None, "published": True}
    return {**base, **fields}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (_game(), _game(), []),
        (_game(), _game(published=False), [("game.updated", {"changes": ["published"]})]),
        (_game(), _game(status="X", cancelled=True), [("game.cancelled", {"status": "X"})]),
        (
            _game(),
            _game(status="C", cancelled=True, subvenue="F2"),
            [("game.cancelled", {"status": "C"}), ("game.updated", {"changes": ["subvenue"]})],
        ),
        (
            _game(status="X", cancelled=True),
            _game(status="C", cancelled=True),
            [("game.updated", {"changes": ["status"]})],
        ),
        (
            _game(status="C", cancelled=True),
            _game(),
            [("game.updated", {"changes": ["status", "cancelled"]})],
        ),
    ],
)
def test_game_events(before: dict[str, Any], after: dict[str, Any], expected: list[Any]) -> None:
    assert update_events(before, after) == expected
