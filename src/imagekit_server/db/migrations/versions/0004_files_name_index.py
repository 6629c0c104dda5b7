"""index files (account_id, name) for searchQuery name prefixes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 20:45:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_files_account_name",
        "files",
        ["account_id", "name"],
        unique=False,
        postgresql_ops={"name": "varchar_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_files_account_name", table_name="files")
