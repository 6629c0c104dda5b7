"""Process-level helpers below every feature: the process lease, the blobs of originals (keys
naming the process that wrote them, intents, ``blobs``) and start-up recovery
(``process_lease``, ``blob_intents``, ``leftovers``), the upload spool (``spool``), request
coalescing (``single_flight``), the server process's tuning
(``memory_tuning``, ``stop_signals``) and the background upkeep thread (``periodic_flush``).
See docs/architecture.md."""
