"""Self-hosted ImageKit-compatible media server."""
