"""named transformations can be disabled; saved extensions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("named_transformations") as batch:
        batch.add_column(
            sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "saved_extensions",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_saved_extensions_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_extensions")),
    )
    op.create_index("ix_saved_extensions_account", "saved_extensions", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_saved_extensions_account", table_name="saved_extensions")
    op.drop_table("saved_extensions")
    with op.batch_alter_table("named_transformations") as batch:
        batch.drop_column("enabled")
