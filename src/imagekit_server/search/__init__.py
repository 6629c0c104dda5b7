"""Search: the ``searchQuery`` language compiled to SQL, and the file index it runs on.

- ``compile_search`` turns a query into a ``SearchPlan`` (WHERE clauses per asset kind);
- ``sort_columns`` turns the ``sort`` parameter into ORDER BY terms;
- ``reindex_file`` keeps ``file_tags`` and ``file_search_values`` in step with a file;
- ``imagekit_server.search.checks`` evaluates the upload ``checks`` language.
"""

from __future__ import annotations

from imagekit_server.search.compiler import SearchPlan, compile_search
from imagekit_server.search.errors import SearchQueryError
from imagekit_server.search.indexing import reindex_file
from imagekit_server.search.sorting import sort_columns

__all__ = ["SearchPlan", "SearchQueryError", "compile_search", "reindex_file", "sort_columns"]
