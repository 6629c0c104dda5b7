"""pHash bands: the 64-bit perceptual hash of each image split into four indexed 16-bit bands,
for near-duplicate search (similarity/)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phash_bands",
        sa.Column("file_id", sa.String(length=24), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("phash", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["files.id"],
            name=op.f("fk_phash_bands_file_id_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("file_id", "band", name=op.f("pk_phash_bands")),
    )
    op.create_index(
        "ix_phash_bands_account_band_value", "phash_bands", ["account_id", "band", "value"]
    )
    op.create_table(
        "phash_index_state",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("indexed_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_phash_index_state")),
    )


def downgrade() -> None:
    op.drop_table("phash_index_state")
    op.drop_index("ix_phash_bands_account_band_value", table_name="phash_bands")
    op.drop_table("phash_bands")
