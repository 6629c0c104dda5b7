"""Durable bulk jobs (copy, move and rename folders): a table-backed queue with leases, the
batched work of each job type, and the runner thread every server process starts."""
