"""autoassign_site_caps: a site's default caps per official for the auto-assign (issue 14)

Revision ID: 0015_autoassign_site_caps
Revises: 0014_autoassign
Create Date: 2026-12-05 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_autoassign_site_caps"
down_revision = "0014_autoassign"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auto_assign_max_games_per_day", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("auto_assign_max_games_per_week", sa.Integer(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("auto_assign_max_games_per_week")
        batch_op.drop_column("auto_assign_max_games_per_day")
