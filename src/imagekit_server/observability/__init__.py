"""What an operator sees of a running server: request ids, the access log, structured logs,
Prometheus metrics and the readiness check (docs/operations.md).

The delivery hot path answers a cached image in tens of microseconds, so nothing here formats
or writes per request: a request leaves a small record and a few in-memory counts, and the
access log and metrics are written from them in batches (``access_log``, ``metrics``).
"""
