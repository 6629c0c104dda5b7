"""Renditions: a file version rendered through a chain, below HTTP (docs/architecture.md).

Chain parsing (``chain``), named expansion (``named_lookup``), the file and layer lookups
(``file_lookup``), the variant key and the render (``variants``), the in-memory caches
(``hot_cache``) and the derived blobs (``derived_cache``, ``derived_ledger``,
``derived_budget``, ``variant_purge``). The URL endpoint (``delivery``) and the upload path
(``files/post_transformations.py``) both go through it.
"""
