"""games and assignments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 07:24:53.617058
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "games",
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("explicit_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("venue_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("subvenue", sa.String(length=90), nullable=True),
        sa.Column(
            "age_group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "home_team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "away_team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "game_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("gender_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "pattern_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "assignor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("status", sa.String(length=1), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("user_defined_id", sa.String(length=90), nullable=True),
        sa.Column("external_id", sa.String(length=90), nullable=True),
        sa.Column("public_note", sa.Text(), nullable=True),
        sa.Column("private_note", sa.Text(), nullable=True),
        sa.Column("paid_via", sa.String(length=90), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["age_group_id"],
            ["age_groups.id"],
            name=op.f("fk_games_age_group_id_age_groups"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["assignor_id"],
            ["users.id"],
            name=op.f("fk_games_assignor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["away_team_id"],
            ["teams.id"],
            name=op.f("fk_games_away_team_id_teams"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["game_type_id"],
            ["game_types.id"],
            name=op.f("fk_games_game_type_id_game_types"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["gender_id"],
            ["genders.id"],
            name=op.f("fk_games_gender_id_genders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["home_team_id"],
            ["teams.id"],
            name=op.f("fk_games_home_team_id_teams"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["league_id"],
            ["leagues.id"],
            name=op.f("fk_games_league_id_leagues"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pattern_id"],
            ["patterns.id"],
            name=op.f("fk_games_pattern_id_patterns"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_games_site_id_sites"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_games_venue_id_venues"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_games")),
    )
    with op.batch_alter_table("games", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_games_age_group_id"), ["age_group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_games_away_team_id"), ["away_team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_games_game_type_id"), ["game_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_games_gender_id"), ["gender_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_games_home_team_id"), ["home_team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_games_league_id"), ["league_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_games_pattern_id"), ["pattern_id"], unique=False)
        batch_op.create_index("ix_games_site_local_date", ["site_id", "local_date"], unique=False)
        batch_op.create_index("ix_games_site_start", ["site_id", "start_time", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_games_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("game_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "position_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column(
            "official_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("decline_reason", sa.String(length=500), nullable=True),
        sa.Column("fee", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["game_id"], ["games.id"], name=op.f("fk_assignments_game_id_games"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["users.id"],
            name=op.f("fk_assignments_official_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["positions.id"],
            name=op.f("fk_assignments_position_id_positions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_game_sort", ["game_id", "sort_order"], unique=False)
        batch_op.create_index("ix_assignments_official", ["official_id", "game_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assignments_position_id"), ["position_id"], unique=False
        )
    # Game ids chosen by the site are unique per site, case-insensitively (when not null).
    op.create_index(
        "uq_games_site_user_defined_id",
        "games",
        ["site_id", sa.text("lower(user_defined_id)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_games_site_user_defined_id", table_name="games")

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_position_id"))
        batch_op.drop_index("ix_assignments_official")
        batch_op.drop_index("ix_assignments_game_sort")

    op.drop_table("assignments")
    with op.batch_alter_table("games", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_games_venue_id"))
        batch_op.drop_index("ix_games_site_start")
        batch_op.drop_index("ix_games_site_local_date")
        batch_op.drop_index(batch_op.f("ix_games_pattern_id"))
        batch_op.drop_index(batch_op.f("ix_games_league_id"))
        batch_op.drop_index(batch_op.f("ix_games_home_team_id"))
        batch_op.drop_index(batch_op.f("ix_games_gender_id"))
        batch_op.drop_index(batch_op.f("ix_games_game_type_id"))
        batch_op.drop_index(batch_op.f("ix_games_away_team_id"))
        batch_op.drop_index(batch_op.f("ix_games_age_group_id"))

    op.drop_table("games")
