"""The request headers a cache hit decodes: the ones a variant's choice and answer read, and no
others (a browser's dozen other headers cost microseconds a hit to decode)."""

from __future__ import annotations

from starlette.requests import Request

from imagekit_server.delivery.transformed import variant_headers

BROWSER = [
    (b"host", b"img.example.com"),
    (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36"),
    (b"accept", b"image/avif,image/webp,image/*,*/*;q=0.8"),
    (b"accept-language", b"en-US,en;q=0.9"),
    (b"sec-ch-ua-platform", b'"Linux"'),
    (b"cookie", b"session=abc"),
    (b"if-none-match", b'"0123abcd"'),
    (b"sec-ch-dpr", b"2"),
    (b"sec-ch-width", b"800"),
    (b"range", b"bytes=0-99"),
    (b"if-range", b'"0123abcd"'),
    (b"if-modified-since", b"Sat, 05 Dec 2026 07:00:00 GMT"),
    (b"width", b"640"),
    (b"dpr", b"1.5"),
    (b"accept", b"image/webp,\xe9"),  # repeated: the last one wins, latin-1 as sent
]


def test_only_the_variant_headers_are_decoded_and_the_last_value_wins() -> None:
    headers = variant_headers(Request({"type": "http", "headers": BROWSER}))
    assert headers == {
        "accept": "image/webp,\xe9",
        "if-none-match": '"0123abcd"',
        "sec-ch-dpr": "2",
        "sec-ch-width": "800",
        "range": "bytes=0-99",
        "if-range": '"0123abcd"',
        "if-modified-since": "Sat, 05 Dec 2026 07:00:00 GMT",
        "width": "640",
        "dpr": "1.5",
    }
