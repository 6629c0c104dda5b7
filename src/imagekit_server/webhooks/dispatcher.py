"""The background thread of each server process that sends due webhook deliveries.

Deliveries are leased from the outbox (webhooks/outbox.py), so with several processes each is
sent by one of them at a time, and one a crashed process held is sent by another once its
lease runs out. A few are sent at once, so one slow receiver does not hold up the others. A
2xx answer delivers; anything else is retried with exponential backoff until
``webhook_max_attempts``; a destination the outgoing-request guard refuses fails at once.
"""

from __future__ import annotations

import logging
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.fetch import DestinationRefused, FetchError, post_json
from imagekit_server.observability.health import metrics_of
from imagekit_server.settings import Settings
from imagekit_server.webhooks import outbox
from imagekit_server.webhooks.endpoints import get_endpoint, request_url_secret
from imagekit_server.webhooks.outbox import Delivery
from imagekit_server.webhooks.signing import signature_headers

log = logging.getLogger("imagekit_server.webhooks")
POLL_SECONDS = 1.0
SENDERS = 4


def retry_delay(settings: Settings, failed_attempts: int) -> float:
    """Seconds before the next attempt after ``failed_attempts`` (>= 1) failures."""
    delay: float = settings.webhook_retry_seconds * 2.0 ** min(failed_attempts - 1, 30)
    delay = min(delay, settings.webhook_retry_max_seconds)
    return delay * random.uniform(0.9, 1.1)


class Dispatcher:
    def __init__(self, context: ServerContext, *, poll_seconds: float = POLL_SECONDS) -> None:
        self.context = context
        self.owner = f"{context.lease.token}-webhooks-{threading.get_native_id()}"
        self.poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._senders = ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook-send")
        self._thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)

    @property
    def lease_seconds(self) -> float:
        # Long enough for every delivery of a batch (two rounds of senders) to time out once.
        return self.context.settings.webhook_timeout_seconds * 2 + 5.0

    def start(self) -> None:
        sa.event.listen(self.context.engine, "checkin", self._on_checkin)
        sa.event.listen(self.context.engine, "rollback", self._on_rollback)
        self._thread.start()

    def _on_checkin(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(outbox.QUEUED_FLAG, False):
            self.wake()

    def _on_rollback(self, conn: sa.Connection) -> None:
        conn.info.pop(outbox.QUEUED_FLAG, None)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        sa.event.remove(self.context.engine, "checkin", self._on_checkin)
        sa.event.remove(self.context.engine, "rollback", self._on_rollback)
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._senders.shutdown(wait=True)
        try:
            outbox.release(self.context.engine, self.owner)
        except Exception:
            log.exception("could not release webhook delivery leases")

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            wait = self.poll_seconds
            try:
                batch = outbox.claim_due(
                    self.context.engine, self.owner, SENDERS * 2, self.lease_seconds
                )
                if not batch:
                    due = outbox.seconds_until_due(self.context.engine)
                    # A retry due before the next poll is sent on time; one leased by another
                    # process is due already, so the poll interval still bounds the wait.
                    if due is not None and due > 0:
                        wait = min(wait, due)
            except Exception:
                log.exception("could not claim webhook deliveries")
                batch = []
            if not batch:
                self._wake.wait(wait)
                continue
            list(self._senders.map(self.send, batch))

    def send(self, delivery: Delivery) -> None:
        """One attempt at ``delivery``; its outcome is recorded whatever happens."""
        settings = self.context.settings
        status: int | None = None
        error: str | None
        retry = True
        try:
            status = self._post(delivery)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except DestinationRefused as exc:
            error, retry = str(exc), False
        except _EndpointGone as exc:
            error, retry = str(exc), False
        except (FetchError, sa.exc.SQLAlchemyError) as exc:
            error = str(exc)
        except Exception as exc:  # a sender thread must never die with its delivery leased
            log.exception("webhook delivery %s failed", delivery.id)
            error = f"internal error: {exc}"
        attempts = delivery.attempts + 1
        retry_in = None
        if error is not None and retry and attempts < settings.webhook_max_attempts:
            retry_in = retry_delay(settings, attempts)
        if settings.metrics:
            result = "success" if error is None else "retry" if retry_in is not None else "failure"
            metrics_of(self.context).webhook_delivered(result)
        if error is not None:
            log.warning(
                "webhook %s (%s) to %s, attempt %d: %s%s",
                delivery.event_id,
                delivery.event_type,
                delivery.url,
                attempts,
                error,
                f"; retrying in {retry_in:.1f}s" if retry_in is not None else "; giving up",
            )
        try:
            outbox.record_attempt(
                self.context.engine,
                delivery,
                self.owner,
                status_code=status,
                error=error,
                retry_in=retry_in,
            )
        except Exception:
            # The lease runs out and the delivery is attempted again.
            log.exception("could not record webhook delivery %s", delivery.id)

    def _post(self, delivery: Delivery) -> int:
        settings = self.context.settings
        headers = signature_headers(self._secret(delivery), delivery.event_id, delivery.payload)
        return post_json(
            delivery.url,
            delivery.payload.encode("utf-8"),
            allowlist=settings.fetch_allowlist,
            timeout=settings.webhook_timeout_seconds,
            headers=headers,
        )

    def _secret(self, delivery: Delivery) -> str:
        engine = self.context.engine
        if delivery.endpoint_id is None:
            return request_url_secret(engine, delivery.account_id)
        endpoint = get_endpoint(engine, delivery.account_id, delivery.endpoint_id)
        if endpoint is None:
            raise _EndpointGone("The webhook endpoint was deleted.")
        return endpoint.secret


class _EndpointGone(Exception):
    pass


def start_dispatcher(context: ServerContext) -> Dispatcher:
    """A started dispatcher, registered as this context's (``outbox.wake`` finds it)."""
    dispatcher = Dispatcher(context)
    context.components[Dispatcher] = dispatcher
    context.components[outbox.Doorbell] = outbox.Doorbell(dispatcher.wake)
    dispatcher.start()
    return dispatcher
