"""The background thread of each server process that claims and runs bulk jobs.

Jobs are claimed through the queue's leases, so with several processes each job runs in one
of them at a time; ``wake`` makes a just-submitted job start without waiting for the next
poll. On shutdown the current job stops between batches and its lease is released, so a
restarted (or another) process resumes it straight away. A job that fails stays leased for
``retry_delay`` (1 s, doubling with each failure in a row, up to a lease; a lease each time
for runners whose jobs count their attempts), then resumes from its last committed batch;
meanwhile the runner goes on with the other jobs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from imagekit_server.context import ServerContext
from imagekit_server.jobs import queue
from imagekit_server.jobs.folder_transfer import run_folder_transfer
from imagekit_server.jobs.queue import Job, LeaseLost

log = logging.getLogger("imagekit_server.jobs")
POLL_SECONDS = 1.0
FIRST_RETRY_SECONDS = 1.0
_FAILURES_KEPT = 1000  # job ids whose failures in a row a runner remembers
FOLDER_JOB_TYPES = frozenset({"COPY_FOLDER", "MOVE_FOLDER", "RENAME_FOLDER"})

#: Runs a claimed job from its cursor: True when completed, False when stopped early.
JobWork = Callable[..., bool]


class JobRunner:
    def __init__(
        self,
        context: ServerContext,
        *,
        poll_seconds: float = POLL_SECONDS,
        job_types: frozenset[str] = FOLDER_JOB_TYPES,
        work: JobWork = run_folder_transfer,
        name: str = "bulk-jobs",
        first_retry_seconds: float = FIRST_RETRY_SECONDS,
    ) -> None:
        self.context = context
        self.owner = f"{context.lease.token}-{name}-{threading.get_native_id()}"
        self.poll_seconds = poll_seconds
        self.job_types = job_types
        self.work = work
        self.first_retry_seconds = first_retry_seconds
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._failures: dict[str, int] = {}  # job id: failures in a row in this runner
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job = queue.claim_next(
                    self.context.engine,
                    self.owner,
                    self.context.settings.job_lease_seconds,
                    self.job_types,
                )
            except Exception:
                log.exception("could not claim a bulk job")
                job = None
            if job is None:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
                continue
            self._run(job)

    def _run(self, job: Job) -> None:
        heartbeat = threading.Event()
        renewer = threading.Thread(
            target=self._renew_lease, args=(job.id, heartbeat), name="bulk-job-lease", daemon=True
        )
        renewer.start()
        try:
            retry_in = self._work(job)
        finally:
            heartbeat.set()
            renewer.join()
        if retry_in is not None:  # once the renewer is done, or it could extend the lease
            self._hold(job.id, retry_in)

    def _renew_lease(self, job_id: str, done: threading.Event) -> None:
        """Keep the lease while a batch runs longer than the lease itself."""
        lease = self.context.settings.job_lease_seconds
        while not done.wait(lease / 3):
            try:
                if not queue.renew(self.context.engine, job_id, self.owner, lease):
                    return  # taken over: the running batch will fail with LeaseLost
            except Exception:
                log.exception("could not renew the lease of bulk job %s", job_id)

    def _work(self, job: Job) -> float | None:
        """Runs ``job`` from its cursor; when it failed, the seconds before it is retried."""
        try:
            if job.type not in self.job_types:
                raise ValueError(f"unknown job type {job.type!r}")
            finished = self.work(self.context, job, self.owner, should_stop=self._stopping.is_set)
        except LeaseLost:
            log.warning("bulk job %s was taken over by another process", job.id)
            return None
        except Exception:
            if len(self._failures) >= _FAILURES_KEPT:
                self._failures.clear()
            failures = self._failures[job.id] = self._failures.get(job.id, 0) + 1
            lease = self.context.settings.job_lease_seconds
            delay = retry_delay(failures, lease, self.first_retry_seconds)
            log.exception(
                "bulk job %s failed (%d in a row); retried in %g s", job.id, failures, delay
            )
            return delay
        self._failures.pop(job.id, None)
        if not finished:
            queue.release(self.context.engine, job.id, self.owner)
        return None

    def _hold(self, job_id: str, seconds: float) -> None:
        """Keeps a failed job leased for ``seconds``: no runner claims it before then, and this
        one goes on with the other jobs."""
        try:
            queue.renew(self.context.engine, job_id, self.owner, seconds)
        except Exception:  # the database is down too: the lease runs out as it was
            log.exception("could not schedule the retry of bulk job %s", job_id)


def retry_delay(failures: int, lease_seconds: float, first: float = FIRST_RETRY_SECONDS) -> float:
    """Seconds before a job that failed ``failures`` times in a row runs again: ``first``,
    twice that, ... up to a lease (what a job whose process died waits)."""
    return min(lease_seconds, first * (1 << min(failures - 1, 32)))
