"""The extension job runners of one process: ``IMAGEKIT_EXTENSION_WORKERS`` threads, each a
``JobRunner`` claiming EXTENSION jobs only (folder jobs keep their own runner), so slow
providers never hold up folder moves and the concurrency of extension work is bounded. A job
that raised is retried a lease later (its attempts are counted: extensions/jobs.py)."""

from __future__ import annotations

from imagekit_server.context import ServerContext
from imagekit_server.extensions.jobs import JOB_TYPE, run_extension_job
from imagekit_server.jobs.runner import JobRunner


class ExtensionWorkers:
    def __init__(self, context: ServerContext) -> None:
        self.runners = [
            JobRunner(
                context,
                job_types=frozenset({JOB_TYPE}),
                work=run_extension_job,
                name=f"extension-jobs-{index}",
                # a job gives up after a few attempts (extensions/jobs.py): a lease apart, so
                # that budget outlasts a short outage of the database or blob store
                first_retry_seconds=context.settings.job_lease_seconds,
            )
            for index in range(context.settings.extension_workers)
        ]
        self.started = False

    def start(self) -> None:
        for runner in self.runners:
            runner.start()
        self.started = True

    def wake(self) -> None:
        for runner in self.runners:
            runner.wake()

    def stop(self) -> None:
        for runner in self.runners:
            runner.stop()


def extension_workers(context: ServerContext) -> ExtensionWorkers:
    found: ExtensionWorkers = context.component(ExtensionWorkers, lambda: ExtensionWorkers(context))
    return found
