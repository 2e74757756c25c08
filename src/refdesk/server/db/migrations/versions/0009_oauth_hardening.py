"""refresh-token families; idempotency records that hold no readable secret

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 13:45:00

``refresh_tokens.family`` names the authorization grant a refresh token was rotated from, so
the reuse of a rotated token can revoke the whole family (RFC 9700 §4.14.2). Existing tokens
all come from an authorization code: their family is named after it (``code<id>``; new
families are 32 random hex characters, so the two never collide), or after the token itself
when the code's row is gone.

``idempotency_records`` are now written with a keyed hash of the Idempotency-Key and a sealed
body. Rows written before hold the raw key and the plain body (client secrets included): they
are deleted. They are a 24-hour replay cache: a retry of a request made before the upgrade
executes again instead of being replayed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.table("idempotency_records").delete())
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family", sa.String(length=32), nullable=True))
    tokens = sa.table(
        "refresh_tokens",
        sa.column("id", sa.BigInteger()),
        sa.column("authorization_code_id", sa.BigInteger()),
        sa.column("family", sa.String()),
    )
    op.execute(
        tokens.update()
        .where(tokens.c.authorization_code_id.is_not(None))
        .values(family=sa.literal("code") + sa.cast(tokens.c.authorization_code_id, sa.String()))
    )
    op.execute(
        tokens.update()
        .where(tokens.c.family.is_(None))
        .values(family=sa.literal("token") + sa.cast(tokens.c.id, sa.String()))
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.alter_column("family", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index(batch_op.f("ix_refresh_tokens_family"), ["family"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_family"))
        batch_op.drop_column("family")
