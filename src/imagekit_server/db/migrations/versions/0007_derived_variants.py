"""derived variants: sizes and last use, for the derived cache's budget

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 04:00:00.000000
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
        "derived_variants",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "file_id", "name", name=op.f("pk_derived_variants")),
    )
    op.create_index(
        "ix_derived_variants_account_used", "derived_variants", ["account_id", "last_used_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_derived_variants_account_used", table_name="derived_variants")
    op.drop_table("derived_variants")
