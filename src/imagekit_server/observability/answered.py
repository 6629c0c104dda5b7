"""The requests answered since the last flush, kept as cheaply as Python allows: a request
extends one flat list with its fields (one C call, no object of its own), and ``drain`` cuts
the list into columns by slicing. The access log and the metrics then work on whole columns
(observability/access_log.py, observability/metrics.py), mostly in C: a cache hit answers in
tens of microseconds, so even a microsecond of Python per request would cost percent of the
throughput (bench/README.md, "Cost of the access log and metrics")."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter, sub
from typing import Any, NamedTuple

from starlette.types import Scope

from imagekit_server.observability.request_context import NO_VALUE

# What was asked, from the ASGI scope: raw path, raw query, client (host, port). ASGI allows a
# None client: taking its host then raises TypeError, and ``asked_slowly`` runs.
Asked = tuple[bytes, bytes, tuple[str, int | str]]
# What the access line shows of a request besides its time, id and duration: method, raw
# path, raw query, client host, status, body bytes, cache layer, account. One flat tuple, so
# the access log looks its text up in one step (it repeats under load); flat and made of
# objects that live on (the connection's host, the account's id) where possible, because
# hashing and comparing fresh objects is most of that step's cost.
Request = tuple[str, bytes, bytes, str, int, int, str, str]

# ``asked(scope)`` in one C call; raises KeyError where the server leaves out the optional
# ``raw_path`` or ``client`` (granian and uvicorn give both): then ``asked_slowly``. The
# method is not in it: the delivery path has its lasting copy (delivery/fast_path.py).
asked: Callable[[Scope], Asked] = itemgetter("raw_path", "query_string", "client")


def asked_slowly(scope: Scope) -> tuple[str, bytes, bytes, str]:
    """Method, raw path, raw query and client host ("-" when the server gives none)."""
    raw_path: Any = scope.get("raw_path") or scope["path"].encode()
    client = scope.get("client")
    host = client[0] if client else NO_VALUE
    return (scope["method"], raw_path, scope["query_string"], host)


# A request's fields in ``Pending``: ended, started, then ``Answered``'s from ``ids`` on.
FIELDS = 8


class Answered(NamedTuple):
    """Columns: entry ``i`` of each list is request ``i``, in the order they were answered."""

    ended: list[float]  # time.perf_counter() when it was answered
    ids: list[bytes]  # request ids
    requests: list[Request]
    statuses: list[int]  # (also in ``requests``: the metrics count these columns)
    sent: list[int]  # body bytes
    caches: list[str]  # the cache layer that answered a variant, or "-"
    routes: list[str]  # route class (observability/observer.py)
    taken: list[float]  # seconds to answer (``ended - started``, subtracted in C here)


class Pending:
    """The flat list requests extend, ``FIELDS`` items each, in ``Answered``'s order:
    ``add`` is the list's own ``extend`` (no Python frame per request). Only the event loop
    touches it (requests finish there, and the flush task drains it). The observer keeps
    delivery requests apart from the rest, so the metrics count the hot path's batch as
    one route in a few C passes (observability/metrics.py)."""

    __slots__ = ("_items", "add")

    def __init__(self) -> None:
        self._items: list[object] = []
        self.add = self._items.extend

    def drain(self) -> Answered | None:
        items = self._items[:]
        if not items:
            return None
        self._items.clear()
        ended, started, *rest = [items[field::FIELDS] for field in range(FIELDS)]
        return Answered._make([ended, *rest, list(map(sub, ended, started))])
