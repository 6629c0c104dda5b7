"""Conformance: official ImageKit SDKs and ImageKit's OpenAPI description against our server.

- ``test_official_v4.py`` / ``test_official_v5.py`` run ``scripts/official_v4.py`` and
  ``scripts/official_v5.py`` in virtualenvs under ``.venv-compat/`` that hold the official
  ``imagekitio`` 4.2.0 and the newest 5.x from PyPI (built on first use, then reused; delete
  ``.venv-compat/imagekitio-5`` to pick up a newer 5.x release).
- ``test_openapi_fuzz.py`` fuzzes every operation of ``tests/data/imagekit-openapi-v1.yaml``
  with schemathesis; ``IMAGEKIT_FUZZ_EXAMPLES=300`` makes a deeper run.
"""
