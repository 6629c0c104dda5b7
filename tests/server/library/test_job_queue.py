"""The bulk-job queue's leases on SQLite and PostgreSQL: one claimant per job, takeover only
after expiry, and a stale owner can neither record progress nor complete."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from imagekit_server.accounts import ensure_account
from imagekit_server.db.engine import create_engine, write_transaction
from imagekit_server.db.migrate import upgrade_to_head
from imagekit_server.jobs import queue


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(database_url)
    upgrade_to_head(engine)
    ensure_account(engine, "queue")
    with write_transaction(engine) as conn:
        conn.execute(sa.text("DELETE FROM bulk_jobs WHERE account_id = 'queue'"))
    yield engine
    engine.dispose()


def _submit(engine: sa.Engine) -> str:
    with write_transaction(engine) as conn:
        return queue.submit(conn, "queue", "MOVE_FOLDER", {"source": "/a"})


def test_each_job_is_claimed_once(engine: sa.Engine) -> None:
    submitted = {_submit(engine) for _ in range(3)}
    owners = [f"owner{index}" for index in range(8)]
    with ThreadPoolExecutor(max_workers=len(owners)) as pool:
        claims = list(pool.map(lambda owner: queue.claim_next(engine, owner, 60), owners))
    claimed = [job.id for job in claims if job is not None]
    assert sorted(claimed) == sorted(submitted)
    assert queue.claim_next(engine, "late", 60) is None


def test_expired_leases_are_taken_over_and_stale_owners_refused(engine: sa.Engine) -> None:
    job_id = _submit(engine)
    first = queue.claim_next(engine, "first", 0.2)
    assert first is not None and first.id == job_id
    assert queue.claim_next(engine, "second", 60) is None
    assert queue.renew(engine, job_id, "first", 0.2)
    time.sleep(0.3)
    second = queue.claim_next(engine, "second", 60)
    assert second is not None and second.id == job_id
    assert not queue.renew(engine, job_id, "first", 60)
    with pytest.raises(queue.LeaseLost), write_transaction(engine) as conn:
        queue.record_progress(conn, job_id, "first", {"after": "x"})
    with write_transaction(engine) as conn:
        queue.record_progress(conn, job_id, "second", {"after": "y"})
    with pytest.raises(queue.LeaseLost), write_transaction(engine) as conn:
        queue.complete(conn, job_id, "first", {})
    with write_transaction(engine) as conn:
        queue.complete(conn, job_id, "second", {"purgeRequestId": "p" * 24})
    status = queue.job_status(engine, "queue", job_id)
    assert status == {
        "jobId": job_id,
        "type": "MOVE_FOLDER",
        "status": "Completed",
        "purgeRequestId": "p" * 24,
    }
    assert queue.claim_next(engine, "third", 60) is None


def test_released_jobs_resume_from_their_cursor(engine: sa.Engine) -> None:
    job_id = _submit(engine)
    job = queue.claim_next(engine, "first", 60)
    assert job is not None
    with write_transaction(engine) as conn:
        queue.record_progress(conn, job_id, "first", {"phase": "files", "after": "abc"})
    queue.release(engine, job_id, "first")
    resumed = queue.claim_next(engine, "second", 60)
    assert resumed is not None and resumed.progress == {"phase": "files", "after": "abc"}
