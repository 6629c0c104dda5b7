"""named transformations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 20:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "named_transformations",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("transformation", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_named_transformations_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_named_transformations")),
        sa.UniqueConstraint("account_id", "name", name="uq_named_transformations_account_name"),
    )


def downgrade() -> None:
    op.drop_table("named_transformations")
