"""The background thread of each server process that claims and runs bulk jobs.

Jobs are claimed through the queue's leases, so with several processes each job runs in one
of them at a time; ``wake`` makes a just-submitted job start without waiting for the next
poll. On shutdown the current job stops between batches and its lease is released, so a
restarted (or another) process resumes it straight away.
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
    ) -> None:
        self.context = context
        self.owner = f"{context.lease.token}-{name}-{threading.get_native_id()}"
        self.poll_seconds = poll_seconds
        self.job_types = job_types
        self.work = work
        self._stopping = threading.Event()
        self._wake = threading.Event()
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
            self._work(job)
        finally:
            heartbeat.set()
            renewer.join()

    def _renew_lease(self, job_id: str, done: threading.Event) -> None:
        """Keep the lease while a batch runs longer than the lease itself."""
        lease = self.context.settings.job_lease_seconds
        while not done.wait(lease / 3):
            try:
                if not queue.renew(self.context.engine, job_id, self.owner, lease):
                    return  # taken over: the running batch will fail with LeaseLost
            except Exception:
                log.exception("could not renew the lease of bulk job %s", job_id)

    def _work(self, job: Job) -> None:
        try:
            if job.type not in self.job_types:
                raise ValueError(f"unknown job type {job.type!r}")
            finished = self.work(self.context, job, self.owner, should_stop=self._stopping.is_set)
        except LeaseLost:
            log.warning("bulk job %s was taken over by another process", job.id)
            return
        except Exception:
            # The lease runs out and the job is retried from its last committed batch.
            log.exception("bulk job %s failed; it will be retried", job.id)
            self._stopping.wait(self.context.settings.job_lease_seconds)
            return
        if not finished:
            queue.release(self.context.engine, job.id, self.owner)
