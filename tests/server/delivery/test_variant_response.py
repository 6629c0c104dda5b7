"""``variant_response`` keeps each variant's headers once made (delivery/variant_response.py):
the kept list must never show in another answer, nor be changed by one."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from imagekit_server.delivery.variant_response import BytesResponse, variant_response

MODIFIED = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
LAST_MODIFIED = "Sat, 05 Dec 2026 09:00:00 GMT"


def answer(
    body: bytes = b"0123456789",
    etag: str = '"one"',
    headers: dict[str, str] | None = None,
    method: str = "GET",
    created_at: float | None = None,
) -> BytesResponse:
    return variant_response(
        headers or {},
        method=method,
        body=body,
        content_type="image/png",
        etag=etag,
        modified=MODIFIED,
        last_modified=LAST_MODIFIED,
        vary="Accept",
        created_at=created_at,
    )


def values(response: BytesResponse, name: bytes) -> list[bytes]:
    return [value for key, value in response.headers if key == name]


def test_each_variant_gets_its_own_headers() -> None:
    first, second = answer(), answer(b"abc", '"two"')
    assert values(first, b"etag") == [b'"one"'] and values(first, b"content-length") == [b"10"]
    assert values(second, b"etag") == [b'"two"'] and values(second, b"content-length") == [b"3"]


def test_changing_an_answers_headers_leaves_the_next_answer_alone() -> None:
    first = answer()
    first.headers.append((b"x-request-id", b"abc"))
    first.headers[0] = (b"content-type", b"text/evil")
    again = answer()
    assert values(again, b"x-request-id") == []
    assert values(again, b"content-type") == [b"image/png"]


def test_a_cache_hit_adds_its_age_and_never_a_negative_one() -> None:
    assert values(answer(created_at=time.time() - 42), b"age") in ([b"42"], [b"43"])
    assert values(answer(created_at=time.time() + 60), b"age") == [b"0"]
    assert values(answer(), b"age") == []


def test_a_range_answers_with_one_length_for_its_part() -> None:
    part = answer(headers={"range": "bytes=2-5"})
    assert (part.status, part.body) == (206, b"2345")
    assert values(part, b"content-length") == [b"4"]
    assert values(part, b"content-range") == [b"bytes 2-5/10"]
    whole = answer()
    assert (whole.status, values(whole, b"content-length")) == (200, [b"10"])


def test_head_and_not_modified() -> None:
    head = answer(method="HEAD")
    assert head.head_only and values(head, b"content-length") == [b"10"]
    unchanged = answer(headers={"if-none-match": '"one"'})
    assert unchanged.status == 304 and values(unchanged, b"content-length") == []
    assert values(unchanged, b"etag") == [b'"one"']
    too_far = answer(headers={"range": "bytes=50-"})
    assert too_far.status == 416 and values(too_far, b"content-length") == [b"0"]
