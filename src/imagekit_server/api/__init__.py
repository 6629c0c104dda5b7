"""The management API (``/v1/...``) and the upload API (``/api/v1/files/upload``)."""
