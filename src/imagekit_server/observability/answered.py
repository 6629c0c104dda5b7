"""The requests answered since the last flush, kept as cheaply as Python allows: a request
extends one flat list with its fields (one C call, no object of its own), and ``drain`` cuts
the list into columns by slicing. The access log and the metrics then work on whole columns
(observability/access_log.py, observability/metrics.py), mostly in C: a cache hit answers in
tens of microseconds, so even a microsecond of Python per request would cost percent of the
throughput (bench/README.md, "Cost of the access log and metrics")."""

from __future__ import annotations

from operator import sub
from typing import NamedTuple

# The order of a request's fields in ``Pending`` (and of the columns below).
FIELDS = 12


class Answered(NamedTuple):
    """Columns: entry ``i`` of each list is request ``i``, in the order they were answered."""

    started: list[float]  # time.perf_counter() when the request came
    ended: list[float]  # ... and when it was answered
    ids: list[bytes]  # request ids
    methods: list[str]
    paths: list[bytes]  # raw paths, as sent
    queries: list[bytes]  # raw query strings, as sent
    statuses: list[int]
    sent: list[int]  # body bytes
    caches: list[str]  # the cache layer that answered a variant, or "-"
    accounts: list[str]  # or "-"
    clients: list[tuple[str, int] | None]  # the ASGI scope's client
    routes: list[str]  # route class (observability/observer.py)
    seconds: list[float]  # time to answer: ended - started


class Pending:
    """The flat list requests extend, ``FIELDS`` items each, in ``Answered``'s order:
    ``add`` is the list's own ``extend`` (no Python frame per request). Only the event loop
    touches it (requests finish there, and the flush task drains it)."""

    __slots__ = ("_items", "add")

    def __init__(self) -> None:
        self._items: list[object] = []
        self.add = self._items.extend

    def drain(self) -> Answered | None:
        items = self._items[:]
        if not items:
            return None
        self._items.clear()
        columns = [items[field::FIELDS] for field in range(FIELDS)]
        return Answered._make([*columns, list(map(sub, columns[1], columns[0]))])
