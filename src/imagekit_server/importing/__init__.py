"""``imagekit-server import``: bring an existing library in (docs/import.md).

A source (local folder tree, S3 bucket, ImageKit-API server) lists ``ImportFile``s; the runner
fetches each version's bytes and stores them through ``files.ingest.ingest_upload``, the same
code path as an upload (probing, validation, naming, atomic commit), into the target data
directory and database.
"""
