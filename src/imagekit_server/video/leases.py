"""Database leases on video renditions: with many server processes (and hosts), each
rendition is rendered once. The process whose row is in ``video_render_leases`` renders; the
others wait for the blob to appear. A lease expires after the render time limit plus a margin,
so a process that died mid-render is taken over."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from anyio import to_thread

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import write_transaction
from imagekit_server.db.tables import video_render_leases

_MARGIN_SECONDS = 30.0
_POLL_SECONDS = 0.25


def try_claim(context: ServerContext, blob_key: str) -> bool:
    """Blocking. True when this process now holds the lease on ``blob_key``."""
    now = datetime.now(timezone.utc)
    seconds = context.settings.video_render_timeout_seconds + _MARGIN_SECONDS
    row = {
        "blob_key": blob_key,
        "owner": context.lease.token,
        "expires_at": now + timedelta(seconds=seconds),
    }
    table = video_render_leases
    with write_transaction(context.engine) as conn:
        held = conn.execute(
            sa.select(table.c.owner, table.c.expires_at).where(table.c.blob_key == blob_key)
        ).first()
        if held is None:
            conn.execute(table.insert().values(**row))
            return True
        expires = held.expires_at
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=timezone.utc)
        if expires > now and held.owner != context.lease.token:
            return False
        conn.execute(table.update().where(table.c.blob_key == blob_key).values(**row))
        return True


def release(context: ServerContext, blob_key: str) -> None:
    with write_transaction(context.engine) as conn:
        conn.execute(
            video_render_leases.delete().where(
                video_render_leases.c.blob_key == blob_key,
                video_render_leases.c.owner == context.lease.token,
            )
        )


async def claim_or_wait(context: ServerContext, blob_key: str) -> bool:
    """True: render it (lease held). False: another process rendered it (the blob exists)."""
    while True:
        try:
            if await to_thread.run_sync(try_claim, context, blob_key):
                return True
        except sa.exc.IntegrityError:
            pass  # another process inserted the row first (PostgreSQL): it renders
        if await to_thread.run_sync(context.store.exists, blob_key):
            return False
        await asyncio.sleep(_POLL_SECONDS)
