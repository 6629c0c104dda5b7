"""The requests answered since the last flush, kept as cheaply as Python allows: a request
extends one flat list with its fields (one C call, no object of its own), and ``drain`` cuts
the list into columns by slicing. The access log and the metrics then work on whole columns
(observability/access_log.py, observability/metrics.py), mostly in C: a cache hit answers in
tens of microseconds, so even a microsecond of Python per request would cost percent of the
throughput (bench/README.md, "Cost of the access log and metrics")."""

from __future__ import annotations

from collections.abc import Iterator
from operator import sub
from typing import Any, NamedTuple

from starlette.types import Scope

from imagekit_server.observability.request_context import NO_VALUE

# What the access line shows of a request besides its time, id and duration: method, raw
# path, raw query, client host, status, body bytes, cache layer, account. One flat tuple, so
# the access log looks its text up in one step (it repeats under load); made of objects that
# live on (the server's method, the account's id) where possible, because hashing and
# comparing fresh objects is most of that step's cost.
Request = tuple[str, bytes, bytes, str, int, int, str, str]


def asked_slowly(scope: Scope) -> tuple[str, bytes, bytes, str]:
    """Method, raw path, raw query and client host ("-" when the server gives none)."""
    raw_path: Any = scope.get("raw_path") or scope["path"].encode()
    client = scope.get("client")
    host = client[0] if client else NO_VALUE
    return (scope["method"], raw_path, scope["query_string"], host)


# A request's fields in ``Pending``, flat: ended, started, request id, then the ``Request``
# fields (method, raw path, query, client host, status, bytes, cache layer, account), then the
# route class unless the list is of one route. No tuple of a request's own is kept (fewer
# bytecodes on the hot path); ``zip`` makes the access log's keys in C as it reads them
# (observability/access_log.py). Measured neutral overall (bench/README.md, "Fifth pass").
FIELDS = 12


class Answered(NamedTuple):
    """Columns: entry ``i`` of each list is request ``i``, in the order they were answered."""

    ended: list[float]  # time.perf_counter() when it was answered
    ids: list[bytes]  # request ids
    methods: list[str]
    raw_paths: list[bytes]
    queries: list[bytes]
    hosts: list[str]  # the client's, or "-"
    statuses: list[int]
    sent: list[int]  # body bytes
    caches: list[str]  # the cache layer that answered a variant, or "-"
    accounts: list[str]  # the account acted for, or "-"
    routes: list[str]  # route class (observability/observer.py)
    taken: list[float]  # seconds to answer (``ended - started``, subtracted in C here)

    def requests(self) -> Iterator[Request]:
        """What each line shows besides its time, id and duration, made as it is read."""
        return zip(
            self.methods,
            self.raw_paths,
            self.queries,
            self.hosts,
            self.statuses,
            self.sent,
            self.caches,
            self.accounts,
            strict=True,
        )


class Pending:
    """The flat list requests extend, ``FIELDS`` items each (``FIELDS - 1`` in a list of
    one ``route``), in ``Answered``'s order: ``add`` is the list's own ``extend`` (no Python
    frame per request). Only the event loop touches it (requests finish there, and the flush
    task drains it). The observer keeps delivery requests apart from the rest, so the
    metrics count the hot path's batch as one route in a few C passes
    (observability/metrics.py)."""

    __slots__ = ("_items", "_route", "add")

    def __init__(self, route: str | None = None) -> None:
        self._items: list[object] = []
        self._route = route
        self.add = self._items.extend

    def drain(self) -> Answered | None:
        items = self._items[:]
        if not items:
            return None
        self._items.clear()
        fields = FIELDS if self._route is None else FIELDS - 1
        ended, started, *rest = [items[field::fields] for field in range(fields)]
        if self._route is not None:
            rest.append([self._route] * len(ended))
        return Answered._make([ended, *rest, list(map(sub, ended, started))])
