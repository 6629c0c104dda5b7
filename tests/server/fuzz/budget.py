"""How long the fuzz tests run: short in CI, as long as asked with ``FUZZ_EXAMPLES``.

``FUZZ_EXAMPLES=N`` (``make fuzz`` sets it) makes every fuzz test try N examples instead of its
own small default; docs/security.md, "Fuzzing".
"""

from __future__ import annotations

import os


def examples(default: int) -> int:
    asked = os.environ.get("FUZZ_EXAMPLES", "")
    return int(asked) if asked.isdigit() and int(asked) > 0 else default
