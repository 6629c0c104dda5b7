"""Verifies webhook deliveries with the official 5.x ``client.webhooks.unwrap``.

Runs in the 5.x environment: ``python official_v5_webhooks.py unwrap`` reads
``{"deliveries": [{"body", "headers", "secret"}]}`` on stdin and prints, per delivery, the
event's type and the 5.x model it parsed into, or the error ``unwrap`` raised.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

official: Any = importlib.import_module("imagekitio")


def unwrap(delivery: dict[str, Any]) -> dict[str, Any]:
    client = official.ImageKit(private_key="unused", base_url="http://127.0.0.1:9")
    try:
        event = client.webhooks.unwrap(
            delivery["body"], headers=delivery["headers"], key=delivery["secret"]
        )
    except Exception as exc:  # the verifier's own exception types are what we report
        return {"error": type(exc).__name__, "message": str(exc)}
    return {"type": event.type, "model": type(event).__name__, "id": event.id}


def main() -> None:
    config = json.load(sys.stdin)
    assert sys.argv[1] == "unwrap"
    json.dump([unwrap(delivery) for delivery in config["deliveries"]], sys.stdout)


if __name__ == "__main__":
    main()
