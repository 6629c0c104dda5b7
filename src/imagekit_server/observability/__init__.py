"""What an operator sees of a running server: request ids, the access log, structured logs,
Prometheus metrics, the readiness check (docs/operations.md), and the usage figures an account
sees (``usage``: bytes delivered per day, storage in use).

The delivery hot path answers a cached image in tens of microseconds, so nothing here formats
or writes per request: a request leaves a small record and a few in-memory counts, and the
access log, metrics and usage are written from them in batches (``access_log``, ``metrics``,
``usage``).
"""
