"""SDK-over-HTTP tests against a real server process."""
