"""video: render leases (one process renders each rendition) and probed durations

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "video_render_leases",
        sa.Column("blob_key", sa.String(length=512), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("blob_key", name=op.f("pk_video_render_leases")),
    )
    # Seconds, probed on upload: searchQuery videoDuration and sort DURATION.
    with op.batch_alter_table("files") as batch:
        batch.add_column(sa.Column("duration", sa.Float(), nullable=True))
    with op.batch_alter_table("file_versions") as batch:
        batch.add_column(sa.Column("duration", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("file_versions") as batch:
        batch.drop_column("duration")
    with op.batch_alter_table("files") as batch:
        batch.drop_column("duration")
    op.drop_table("video_render_leases")
