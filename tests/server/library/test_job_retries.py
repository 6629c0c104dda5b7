"""A bulk job that fails is retried after a short delay that doubles with each failure (up to
a lease), and it does not hold up the jobs queued behind it. A failure used to park the
runner's thread for a whole lease, after which the failed job, the oldest, was claimed first
again: one job that kept failing stopped every other job of the process for good."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from imagekit_server.context import ServerContext, open_context
from imagekit_server.db.engine import write_transaction
from imagekit_server.jobs import queue
from imagekit_server.jobs.queue import Job
from imagekit_server.jobs.runner import JobRunner, retry_delay
from imagekit_server.settings import Settings
from tests.server.eventually import eventually

ACCOUNT = "job-retries"
JOB_TYPE = "TEST_JOB"


@pytest.fixture
def context(database_url: str, tmp_path: Path) -> Iterator[ServerContext]:
    opened = open_context(
        Settings(data_dir=tmp_path, database_url=database_url, imagekit_id=ACCOUNT)
    )
    with write_transaction(opened.engine) as conn:
        conn.execute(sa.text("DELETE FROM bulk_jobs WHERE account_id = :a"), {"a": ACCOUNT})
    yield opened
    opened.close()


def _submit(context: ServerContext, name: str) -> str:
    with write_transaction(context.engine) as conn:
        return queue.submit(conn, ACCOUNT, JOB_TYPE, {"name": name})


def _completed(context: ServerContext, *job_ids: str) -> bool:
    statuses = [queue.job_status(context.engine, ACCOUNT, job_id) for job_id in job_ids]
    return all(status and status["status"] == queue.COMPLETED for status in statuses)


def _work(attempts: Counter[str], failing: Callable[[str, int], bool]) -> Callable[..., bool]:
    """Runs a job named in its params: raises while ``failing(name, attempt)``."""

    def work(context: ServerContext, job: Job, owner: str, **_: object) -> bool:
        name = job.params["name"]
        attempts[name] += 1
        if failing(name, attempts[name]):
            raise RuntimeError(f"{name} failed")
        with write_transaction(context.engine) as conn:
            queue.complete(conn, job.id, owner, {})
        return True

    return work


def test_a_failing_job_neither_blocks_the_queue_nor_waits_a_lease(context: ServerContext) -> None:
    attempts: Counter[str] = Counter()
    broken = _submit(context, "broken")  # the oldest: claimed first every time it is due
    flaky = _submit(context, "flaky")  # fails once
    fine = _submit(context, "fine")

    def failing(name: str, attempt: int) -> bool:
        return name == "broken" or (name == "flaky" and attempt == 1)

    work = _work(attempts, failing)
    runner = JobRunner(
        context, poll_seconds=0.05, job_types=frozenset({JOB_TYPE}), work=work, name="retries"
    )
    runner.start()
    try:
        # the lease is 30 s: each of these comes within seconds only if nothing waits for it
        assert eventually(lambda: _completed(context, fine, flaky), timeout=8)
        assert eventually(lambda: attempts["broken"] >= 3, timeout=8)  # after 1 s, then 2 s
    finally:
        runner.stop()
    assert attempts["fine"] == 1 and attempts["flaky"] == 2
    assert not _completed(context, broken)  # still Pending: retried while it keeps failing


def test_the_delay_doubles_up_to_a_lease() -> None:
    assert [retry_delay(failures, 30.0) for failures in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert retry_delay(3, 2.5) == 2.5
    assert [retry_delay(failures, 30.0, first=30.0) for failures in (1, 2, 9)] == [30, 30, 30]
