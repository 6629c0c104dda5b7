"""ImageKit Python SDK (4.x-compatible)."""
