"""forms

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 07:35:46.738875
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "form_templates",
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=90), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("mappings", sa.JSON(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_form_templates_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_templates")),
    )
    with op.batch_alter_table("form_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_templates_site_id"), ["site_id"], unique=False)

    op.create_table(
        "form_submissions",
        sa.Column(
            "template_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("game_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("webview_salt", sa.String(length=64), nullable=False),
        sa.Column("webview_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_form_submissions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["game_id"],
            ["games.id"],
            name=op.f("fk_form_submissions_game_id_games"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["form_templates.id"],
            name=op.f("fk_form_submissions_template_id_form_templates"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint("webview_hash", name=op.f("uq_form_submissions_webview_hash")),
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_submissions_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_form_submissions_game_id"), ["game_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_form_submissions_template_id"), ["template_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submissions_template_id"))
        batch_op.drop_index(batch_op.f("ix_form_submissions_game_id"))
        batch_op.drop_index(batch_op.f("ix_form_submissions_author_id"))

    op.drop_table("form_submissions")
    with op.batch_alter_table("form_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_templates_site_id"))

    op.drop_table("form_templates")
