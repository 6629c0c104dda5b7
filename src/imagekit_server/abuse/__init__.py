"""Defences against one client taking the server for itself: per-client rate limits
(``rate_limits``, ``guard``) and a bounded render queue (``render_queue``).
See docs/operations.md, "Rate limits and load shedding"."""
