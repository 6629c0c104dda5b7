"""append file_id to the tag and metadata value indexes so search lookups are index-only

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 21:50:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# (index, table, its columns before this revision)
_INDEXES = [
    ("ix_file_tags_account_tag", "file_tags", ["account_id", "tag"]),
    ("ix_fsv_lookup", "file_search_values", ["account_id", "namespace", "key", "text_value"]),
    ("ix_fsv_number", "file_search_values", ["account_id", "namespace", "key", "number_value"]),
]


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [*columns, "file_id"], unique=False)


def downgrade() -> None:
    for name, table, columns in _INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False)
