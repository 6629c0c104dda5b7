"""Root test configuration: every module in tests/fixtures/ is a pytest plugin."""

from __future__ import annotations

import pathlib

_FIXTURES = pathlib.Path(__file__).parent / "fixtures"

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}" for path in _FIXTURES.glob("*.py") if path.stem != "__init__"
)
