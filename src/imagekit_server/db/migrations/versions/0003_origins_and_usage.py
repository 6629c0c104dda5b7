"""origins, URL endpoints, origin cache, bandwidth usage

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 20:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "origins",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("secrets", sa.JSON(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_origins_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_origins")),
    )
    op.create_index("ix_origins_account", "origins", ["account_id"])
    op.create_table(
        "url_endpoints",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=False),
        sa.Column("url_prefix", sa.String(length=100), nullable=False),
        sa.Column("origin_ids", sa.JSON(), nullable=False),
        sa.Column("url_rewriter", sa.JSON(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_url_endpoints_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_url_endpoints")),
        sa.UniqueConstraint("account_id", "url_prefix", name="uq_url_endpoints_account_prefix"),
    )
    op.create_table(
        "origin_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("endpoint_id", sa.String(length=24), nullable=False),
        sa.Column("origin_id", sa.String(length=24), nullable=False),
        sa.Column("path", sa.String(length=2048), nullable=False),
        sa.Column("blob_key", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(length=128), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("origin_etag", sa.String(length=255), nullable=True),
        sa.Column("origin_last_modified", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("validated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_origin_cache")),
    )
    op.create_index(
        "ix_origin_cache_account_validated", "origin_cache", ["account_id", "validated_at"]
    )
    op.create_table(
        "bandwidth_usage",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "day", name=op.f("pk_bandwidth_usage")),
    )


def downgrade() -> None:
    op.drop_table("bandwidth_usage")
    op.drop_index("ix_origin_cache_account_validated", table_name="origin_cache")
    op.drop_table("origin_cache")
    op.drop_table("url_endpoints")
    op.drop_index("ix_origins_account", table_name="origins")
    op.drop_table("origins")
