"""unique rules: one slot per official and game, conflicts, abilities, pending game requests

The rules were checked before the insert/update only, so concurrent requests could both pass
the check (issue 9, hole 3). Each rule becomes a unique index. Rows that already break a rule
are resolved first, deterministically, keeping the earliest row:

* an official holding several slots of one game keeps the first slot (by ``sort_order``, then
  id); the others are vacated (as an unassign does, ``lock_version`` + 1);
* duplicate official conflicts and duplicate ability entries: the lowest id is kept, the
  others are deleted (they are identical in effect; for abilities the kept entry's
  ``allowed`` wins);
* several pending requests of one official for the same game and position: the lowest id
  stays pending, the others become ``withdrawn``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 13:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CONFLICT_TARGET = "coalesce({t}.team_id, {t}.league_id, {t}.venue_id, {t}.other_user_id)"
PENDING = sa.text("status = 'pending'")


def _resolve_existing_duplicates() -> None:
    op.execute(
        sa.text(
            "UPDATE assignments SET official_id = NULL, accepted = :no, declined = :no, "
            "decline_reason = NULL, lock_version = lock_version + 1 "
            "WHERE official_id IS NOT NULL AND EXISTS ("
            " SELECT 1 FROM assignments AS keep"
            " WHERE keep.game_id = assignments.game_id"
            " AND keep.official_id = assignments.official_id"
            " AND (keep.sort_order < assignments.sort_order"
            "  OR (keep.sort_order = assignments.sort_order AND keep.id < assignments.id)))"
        ).bindparams(no=False)
    )
    op.execute(
        "DELETE FROM official_conflicts WHERE EXISTS ("
        " SELECT 1 FROM official_conflicts AS keep"
        " WHERE keep.user_id = official_conflicts.user_id"
        " AND keep.kind = official_conflicts.kind"
        f" AND {CONFLICT_TARGET.format(t='keep')}"
        f" = {CONFLICT_TARGET.format(t='official_conflicts')}"
        " AND keep.id < official_conflicts.id)"
    )
    op.execute(
        "DELETE FROM abilities WHERE EXISTS ("
        " SELECT 1 FROM abilities AS keep"
        " WHERE keep.user_id = abilities.user_id"
        " AND keep.age_group_id = abilities.age_group_id"
        " AND coalesce(keep.position_id, 0) = coalesce(abilities.position_id, 0)"
        " AND keep.id < abilities.id)"
    )
    op.execute(
        "UPDATE game_requests SET status = 'withdrawn' "
        "WHERE status = 'pending' AND EXISTS ("
        " SELECT 1 FROM game_requests AS keep"
        " WHERE keep.status = 'pending'"
        " AND keep.user_id = game_requests.user_id"
        " AND keep.game_id = game_requests.game_id"
        " AND coalesce(keep.position_id, 0) = coalesce(game_requests.position_id, 0)"
        " AND keep.id < game_requests.id)"
    )


def upgrade() -> None:
    _resolve_existing_duplicates()
    # Each new unique index starts with the columns of the plain index it replaces.
    op.drop_index("ix_assignments_official", table_name="assignments")
    op.create_index(
        "uq_assignments_official_game", "assignments", ["official_id", "game_id"], unique=True
    )
    op.drop_index("ix_official_conflicts_user_kind", table_name="official_conflicts")
    op.create_index(
        "uq_official_conflicts_target",
        "official_conflicts",
        ["user_id", "kind", sa.text("coalesce(team_id, league_id, venue_id, other_user_id)")],
        unique=True,
    )
    op.drop_index("ix_abilities_user", table_name="abilities")
    op.create_index(
        "uq_abilities_entry",
        "abilities",
        ["user_id", "age_group_id", sa.text("coalesce(position_id, 0)")],
        unique=True,
    )
    op.create_index(
        "uq_game_requests_pending",
        "game_requests",
        ["user_id", "game_id", sa.text("coalesce(position_id, 0)")],
        unique=True,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("uq_game_requests_pending", table_name="game_requests")
    op.drop_index("uq_abilities_entry", table_name="abilities")
    op.create_index("ix_abilities_user", "abilities", ["user_id", "age_group_id"])
    op.drop_index("uq_official_conflicts_target", table_name="official_conflicts")
    op.create_index("ix_official_conflicts_user_kind", "official_conflicts", ["user_id", "kind"])
    op.drop_index("uq_assignments_official_game", table_name="assignments")
    op.create_index("ix_assignments_official", "assignments", ["official_id", "game_id"])
