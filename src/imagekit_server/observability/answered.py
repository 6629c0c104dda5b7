"""The requests answered since the last flush, kept as cheaply as Python allows: a request
extends one flat list with its fields (one C call, no object of its own), and ``drain`` cuts
the list into columns by slicing. The access log and the metrics then work on whole columns
(observability/access_log.py, observability/metrics.py), mostly in C: a cache hit answers in
tens of microseconds, so even a microsecond of Python per request would cost percent of the
throughput (bench/README.md, "Cost of the access log and metrics")."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any, NamedTuple

from starlette.types import Scope

# What was asked, from the ASGI scope: method, raw path, raw query, client (host, port).
Asked = tuple[str, bytes, bytes, "tuple[str, int | str] | None"]
# What the access line shows of a request besides its time, id and duration: what was asked,
# status, body bytes, cache layer, account. One tuple, so the access log looks its text up in
# one step (it repeats under load).
Request = tuple[Asked, int, int, str, str]

# ``asked(scope)`` in one C call; raises KeyError where the server leaves out the optional
# ``raw_path`` or ``client`` (granian and uvicorn give both): then ``asked_slowly``.
asked: Callable[[Scope], Asked] = itemgetter("method", "raw_path", "query_string", "client")


def asked_slowly(scope: Scope) -> Asked:
    raw_path: Any = scope.get("raw_path") or scope["path"].encode()
    return (scope["method"], raw_path, scope["query_string"], scope.get("client"))


# The order of a request's fields in ``Pending`` (and of the columns below).
FIELDS = 8


class Answered(NamedTuple):
    """Columns: entry ``i`` of each list is request ``i``, in the order they were answered."""

    ended: list[float]  # time.perf_counter() when it was answered
    ids: list[bytes]  # request ids
    millis: list[float]  # time to answer, in milliseconds
    requests: list[Request]
    statuses: list[int]  # (also in ``requests``: the metrics count these columns)
    sent: list[int]  # body bytes
    caches: list[str]  # the cache layer that answered a variant, or "-"
    routes: list[str]  # route class (observability/observer.py)


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
        return Answered._make([items[field::FIELDS] for field in range(FIELDS)])
