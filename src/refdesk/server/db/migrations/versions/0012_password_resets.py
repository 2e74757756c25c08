"""password reset: account_invitations also holds password-reset links (``purpose``)

An invitation and a password reset are the same thing: a one-time, expiring link, stored as an
HMAC, at which the account's owner sets a password. One table and one piece of code
(``accounts/account_links.py``) serve both; ``purpose`` tells them apart. Existing rows are
invitations.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_invitations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=16), server_default="invitation", nullable=False)
        )


def downgrade() -> None:
    op.execute("DELETE FROM account_invitations WHERE purpose <> 'invitation'")
    with op.batch_alter_table("account_invitations", schema=None) as batch_op:
        batch_op.drop_column("purpose")
