"""Request ids: generated ones are unique across the pool's blocks; a client's sane id is kept."""

from __future__ import annotations

import re

from imagekit_server.observability.request_context import RequestIds


def test_generated_ids_count_up_across_blocks() -> None:
    ids = RequestIds()
    made = [ids.new() for _ in range(3 * 4096 + 5)]  # three whole blocks and part of a fourth
    assert len(set(made)) == len(made)
    prefix = made[0].split(b"-")[0]
    assert re.fullmatch(rb"[0-9a-f]{12}", prefix)
    counters = [int(made_id.split(b"-")[1], 16) for made_id in made]
    assert counters == list(range(len(made)))
    assert RequestIds().new().split(b"-")[0] != prefix  # another process: another prefix


def test_a_clients_sane_id_is_kept_else_one_is_made() -> None:
    ids = RequestIds()
    assert ids.accept([(b"host", b"x"), (b"x-request-id", b"trace-42")]) == b"trace-42"
    made = ids.accept([(b"x-request-id", b"bad id with spaces")])
    assert made != b"bad id with spaces" and re.fullmatch(rb"[0-9a-f]{12}-[0-9a-f]{4,}", made)
    assert ids.accept([]) != made
