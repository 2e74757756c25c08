"""autoassign: proposals of the auto-assign (issue 14)

Revision ID: 0014_autoassign
Revises: 0013_calendar
Create Date: 2026-12-05 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_autoassign"
down_revision = "0013_calendar"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "auto_assign_proposals",
        sa.Column("site_id", ID, nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claim", sa.String(length=36), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied", sa.JSON(), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_auto_assign_proposals_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_auto_assign_proposals_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auto_assign_proposals")),
    )
    op.create_index(
        "ix_auto_assign_proposals_status",
        "auto_assign_proposals",
        ["status", "started_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_auto_assign_proposals_site_id"),
        "auto_assign_proposals",
        ["site_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_auto_assign_proposals_site_id"), table_name="auto_assign_proposals")
    op.drop_index("ix_auto_assign_proposals_status", table_name="auto_assign_proposals")
    op.drop_table("auto_assign_proposals")
