"""Search: the ``searchQuery`` language compiled to SQL, and the file index it runs on."""

from __future__ import annotations

from imagekit_server.search.indexing import reindex_file

__all__ = ["reindex_file"]
