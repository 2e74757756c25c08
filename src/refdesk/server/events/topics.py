"""The topics of contract §19.1 and what each event's ``_links.resource`` names."""

from __future__ import annotations

GAME_CREATED = "game.created"
GAME_UPDATED = "game.updated"
GAME_CANCELLED = "game.cancelled"
GAME_DELETED = "game.deleted"
GAME_OFFICIAL_CHANGED = "game.official.changed"
ASSIGNMENT_ACCEPTED = "assignment.accepted"
ASSIGNMENT_DECLINED = "assignment.declined"
AVAILABILITY_CHANGED = "availability.changed"
GAME_REQUEST_CREATED = "game_request.created"
PING = "ping"

# In the order of §19.1; ``event_types`` may name any of them, or ``*`` for all.
TOPICS: tuple[str, ...] = (
    GAME_CREATED,
    GAME_UPDATED,
    GAME_CANCELLED,
    GAME_DELETED,
    GAME_OFFICIAL_CHANGED,
    ASSIGNMENT_ACCEPTED,
    ASSIGNMENT_DECLINED,
    AVAILABILITY_CHANGED,
    GAME_REQUEST_CREATED,
    PING,
)
ALL = "*"

# ``resource_type`` of an event: the ``resource-type`` of its ``_links.resource`` (§19.1).
RESOURCE_GAME = "game"
RESOURCE_ASSIGNMENT = "assignment"
RESOURCE_AVAILABILITY = "availability"
RESOURCE_GAME_REQUEST = "game-request"
RESOURCE_WEBHOOK_SUBSCRIPTION = "webhook-subscription"

# game.official.changed ``data.action`` values (§19.1).
OFFICIAL_ACTIONS = ("assigned", "replaced", "unassigned", "accepted", "declined", "removed")
