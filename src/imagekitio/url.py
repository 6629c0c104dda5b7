"""Delivery URL generation and signing (4.x ``imagekitio.url.Url``).

Behaviour matches ``imagekitio==4.2.0`` byte for byte (``docs/reference/urls.md``), at several times
its speed. The work is table-driven and skips ``urllib.parse`` round-trips where the result is
provably identical: a plain ``http(s)://host/path?query`` URL is split by one regular expression,
an all-text query is quoted in one pass, and the HMAC key schedule is computed once per private
key. Anything unusual (fragments, ``;`` parameters, odd hosts, non-text values) takes the exact
``urllib`` route; ``tests/sdk/test_url_fast_paths.py`` holds each shortcut to the code it replaces.

"Now" for expiring URLs comes from the ``clock`` given to ``Url`` (``time.time`` by default), so
tests freeze time without patching ``datetime``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote, quote_plus, urlparse, urlunparse

from .constants.defaults import Default
from .constants.supported_transform import SUPPORTED_TRANS

__all__ = ["Clock", "Url", "UrlSettings"]

Clock = Callable[[], float]
"""Returns the current Unix time in seconds; ``time.time`` unless a test freezes it."""

_DEFAULT_POSITION: str = Default.DEFAULT_TRANSFORMATION_POSITION.value
_DEFAULT_TIMESTAMP: int = Default.DEFAULT_TIMESTAMP.value
_ENCODE_URI_SAFE: str = Default.IGNORE_CHARACTERS.value
_INVALID_POSITION_MESSAGE = "Invalid transformationPosition parameter"

# `code-` for every mapped key whose value is written as `code-value`; other keys (unknown,
# `raw`, `default_image`) and other values (`-`, booleans, odd types) take the general route.
_SLASH_REWRITE_CODES = frozenset({"oi", "di"})
_PIECE_PREFIXES = {
    key: f"{code}-" for key, code in SUPPORTED_TRANS.items() if code not in {"oi", "di", "raw"}
}
_PLAIN_VALUE_TYPES = frozenset({str, int, float})

# `quote_plus` for ASCII text as one table lookup per character: letters, digits and `_.-~`
# stay, space becomes `+`, everything else `%XX`.
_ALWAYS_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_QUOTE_PLUS_TABLE = [
    chr(code) if chr(code) in _ALWAYS_SAFE else "+" if code == 0x20 else f"%{code:02X}"
    for code in range(128)
]
# A whole query is quoted at once with two control characters standing in for `&` and `=`.
_PAIR_MARK = "\x00"
_KEY_VALUE_MARK = "\x01"
_QUERY_TABLE = [*_QUOTE_PLUS_TABLE]
_QUERY_TABLE[ord(_PAIR_MARK)] = "&"
_QUERY_TABLE[ord(_KEY_VALUE_MARK)] = "="
# The characters transformation strings and paths usually carry, quoted by `str.replace` (faster
# than `translate` on short text); `%` and `+` come first so their own escapes stay intact.
_COMMON_ESCAPES = (
    ("%", "%25"),
    ("+", "%2B"),
    ("&", "%26"),
    ("=", "%3D"),
    (",", "%2C"),
    (":", "%3A"),
    ("/", "%2F"),
    (" ", "+"),
    (_PAIR_MARK, "&"),
    (_KEY_VALUE_MARK, "="),
)
_QUOTED_QUERY = re.compile(r"[A-Za-z0-9_.~%+&=-]*")
# The usual text: safe characters plus the `,` and `:` of transformation strings.
_USUAL_TEXT = re.compile(r"[A-Za-z0-9_.~,:-]*")
_USUAL_QUERY = re.compile(r"[A-Za-z0-9_.~,:\x00\x01-]*")

# A URL that `urlparse` + `urlunparse` give back unchanged: lower-case http(s) scheme, a plain
# host[:port], a path without `;` parameters, no fragment and none of the characters `urlsplit`
# deletes (tab, CR, LF). Group 1 is everything before `?`, group 2 the query.
_PLAIN_URL = re.compile(r"(https?://[A-Za-z0-9._:-]+/[^?#;\t\r\n]*)(?:\?([^#\t\r\n]*))?")
# An endpoint whose `<endpoint>/<path>` URLs are plain whenever the path has none of these.
_URL_DELIMITERS = re.compile(r"[?#;\t\r\n]")
_PLAIN_ENDPOINTS: dict[str, bool] = {}
_PLAIN_ENDPOINTS_LIMIT = 64

# 4.x `camel_to_snake` (docs/reference/sdk.md section 10), applied to top-level option keys only.
_BEFORE_CAPITALISED_WORD = re.compile(r"(.)([A-Z][a-z]+)")
_LOWER_THEN_UPPER = re.compile(r"([a-z0-9])([A-Z])")
_SNAKE_KEYS: dict[str, str] = {}
_SNAKE_KEYS_LIMIT = 1024

# HMAC-SHA1 (RFC 2104) with the inner and outer key blocks hashed once per private key.
_SHA1_BLOCK_SIZE = 64
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))
_HMAC_STATES: dict[str, tuple[hashlib._Hash, hashlib._Hash]] = {}
_HMAC_STATES_LIMIT = 64


class UrlSettings(Protocol):
    """What ``Url`` reads from the client's request object (4.x ``ImageKitRequest``)."""

    @property
    def private_key(self) -> str | None: ...

    @property
    def public_key(self) -> str | None: ...

    @property
    def url_endpoint(self) -> str | None: ...

    @property
    def transformation_position(self) -> str | None: ...

    @property
    def options(self) -> Mapping[str, Any] | None: ...


class Url:
    """Builds (and optionally signs) delivery URLs from ``ImageKit.url()`` options."""

    def __init__(self, request_obj: UrlSettings, clock: Clock = time.time) -> None:
        self.request = request_obj
        self._clock = clock

    def generate_url(self, options: Mapping[str, Any]) -> str:
        """``ImageKit.url(options)``: normalise option keys, merge the client's settings, build."""
        call_options = {
            _SNAKE_KEYS.get(key) or _snake_key(key): value for key, value in options.items()
        }
        attachment = call_options.get("query_parameters", {}).get("ik-attachment")
        if attachment:
            # 4.x lower-cases this value (True -> "true"); copy rather than mutate the caller's.
            call_options["query_parameters"] = {
                **call_options["query_parameters"],
                "ik-attachment": str(attachment).lower(),
            }
        request = self.request
        return self.build_url(
            {
                **(request.options or {}),
                "public_key": request.public_key,
                "private_key": request.private_key,
                "url_endpoint": request.url_endpoint,
                "transformation_position": request.transformation_position or _DEFAULT_POSITION,
                **call_options,
            }
        )

    def build_url(self, options: Mapping[str, Any]) -> str:
        """Build the URL from already merged, snake_case options (docs/reference/urls.md section
        2)."""
        path: str = options.get("path", "").strip("/")
        src: str = options.get("src", "").strip("/")
        url_endpoint: str = options.get("url_endpoint", "").strip("/")
        transformation = self.transformation_to_str(options.get("transformation"))
        position = options.get("transformation_position", _DEFAULT_POSITION)
        if position != "path" and position != "query":
            raise ValueError({"message": _INVALID_POSITION_MESSAGE, "help": ""})
        if not path and not src:
            return ""

        if path:
            if position == "path" and transformation:
                path = f"tr:{transformation.strip('/')}/{path}"
            url = f"{url_endpoint}/{path}"
            if _is_plain_endpoint(url_endpoint) and _URL_DELIMITERS.search(path) is None:
                prefix, query, fragment = url, "", ""  # what `_split_url` would find, sooner
            else:
                prefix, query, fragment = _split_url(url)
        else:
            position = "query"
            prefix, query, fragment = _split_url(src)
        params: dict[Any, Any] = _parse_query(query) if query else {}
        params.update(options.get("query_parameters", {}))
        if position == "query" and transformation:
            params["tr"] = transformation
        url = _join_url(prefix, params, fragment)
        if not options.get("signed"):
            return url

        expire_seconds = options.get("expire_seconds")
        timestamp = _expiry_timestamp(expire_seconds, self._clock)
        private_key: Any = options.get("private_key")
        signature = self.get_signature(private_key, url, url_endpoint, timestamp)
        return _append_signature(
            url, prefix, params, fragment, signature, timestamp, expire_seconds
        )

    @staticmethod
    def get_signature_timestamp(seconds: int | None = None, clock: Clock = time.time) -> int:
        """Expiry of a signed URL: now + ``seconds``, or 9999999999 when ``seconds`` is falsy."""
        return _expiry_timestamp(seconds, clock)

    @staticmethod
    def get_signature(private_key: str, url: str, url_endpoint: str, expiry_timestamp: int) -> str:
        """HMAC-SHA1 (hex) of the URL without ``<endpoint>/``, followed by the expiry."""
        if url_endpoint[-1] != "/":
            url_endpoint += "/"
        if expiry_timestamp < 1:
            expiry_timestamp = _DEFAULT_TIMESTAMP
        message = url.replace(url_endpoint, "") + str(expiry_timestamp)
        if not message.isascii():
            message = Url.encodeURI(message)
        return _hmac_sha1_hex(private_key, message)

    @staticmethod
    def transformation_to_str(transformation: Any) -> str:
        """Chained steps joined by ``:``, parameters of a step joined by ``,``
        (docs/reference/urls.md 3)."""
        if not isinstance(transformation, list):
            return ""
        steps: list[str] = []
        for step in transformation:
            pieces: list[str] = []
            for key, value in step.items():
                prefix = _PIECE_PREFIXES.get(key)
                if prefix is None or value.__class__ not in _PLAIN_VALUE_TYPES or value == "-":
                    _append_special_piece(pieces, SUPPORTED_TRANS.get(key, key), value)
                else:
                    pieces.append(f"{prefix}{value}")
            steps.append(",".join(pieces))
        return ":".join(steps)

    @staticmethod
    def encodeURI(url_str: str) -> str:
        """Percent-encode like JavaScript ``encodeURI``; the query (already encoded) is kept.

        As in 4.x, only the text between the first and second ``?`` is kept as the query.
        """
        if "?" in url_str:
            parts = url_str.split("?")
            return quote(parts[0], safe=_ENCODE_URI_SAFE) + "?" + parts[1]
        return quote(url_str, safe=_ENCODE_URI_SAFE)

    @staticmethod
    def has_more_than_ascii(s: str) -> bool:
        return not s.isascii()

    @staticmethod
    def encode_string_if_required(s: str) -> str:
        return s if s.isascii() else Url.encodeURI(s)


def _append_special_piece(pieces: list[str], code: Any, value: Any) -> None:
    if value == "-":
        pieces.append(code)
        return
    if value is True or value is False:
        value = "true" if value else "false"
    if code in _SLASH_REWRITE_CODES:
        value = value.strip("/").replace("/", "@@")
    if code == "raw":
        pieces.extend(value.split(","))
    else:
        pieces.append(f"{code}-{value}")


def _expiry_timestamp(seconds: int | None, clock: Clock) -> int:
    if not seconds:
        return _DEFAULT_TIMESTAMP
    return int(clock()) + seconds


def _snake_key(key: str) -> str:
    snake = _SNAKE_KEYS.get(key)
    if snake is None:
        spaced = _BEFORE_CAPITALISED_WORD.sub(r"\1_\2", key)
        snake = _LOWER_THEN_UPPER.sub(r"\1_\2", spaced).lower()
        if len(_SNAKE_KEYS) < _SNAKE_KEYS_LIMIT:
            _SNAKE_KEYS[key] = snake
    return snake


def _is_plain_endpoint(url_endpoint: str) -> bool:
    plain = _PLAIN_ENDPOINTS.get(url_endpoint)
    if plain is None:
        plain = _PLAIN_URL.fullmatch(url_endpoint + "/") is not None
        if len(_PLAIN_ENDPOINTS) >= _PLAIN_ENDPOINTS_LIMIT:
            _PLAIN_ENDPOINTS.clear()
        _PLAIN_ENDPOINTS[url_endpoint] = plain
    return plain


def _split_url(url: str) -> tuple[str, str, str]:
    """``(URL without query and fragment, query, fragment)`` exactly as ``urlparse`` sees them."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        return plain[1], plain[2] or "", ""
    parts = urlparse(url)
    return urlunparse(parts._replace(query="", fragment="")), parts.query, parts.fragment


def _parse_query(query: str) -> dict[str, str]:
    """``dict(parse_qsl(query))``: blank values dropped, a repeated key keeps its last value."""
    if "%" in query or "+" in query:
        return dict(parse_qsl(query))
    params = {}
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if value:
            params[name] = value
    return params


def _join_url(prefix: str, params: Mapping[Any, Any], fragment: str) -> str:
    """``urlunparse`` with the query re-serialised by ``urlencode`` (quote_plus rules)."""
    url = f"{prefix}?{_urlencode(params)}" if params else prefix
    return f"{url}#{fragment}" if fragment else url


def _append_signature(
    url: str,
    prefix: str,
    params: dict[Any, Any],
    fragment: str,
    signature: str,
    timestamp: int,
    expire_seconds: int | None,
) -> str:
    """Add ``ik-t`` (only with an expiry) and ``ik-s`` as the last query parameters."""
    if fragment or "ik-s" in params or "ik-t" in params:
        if expire_seconds:
            params["ik-t"] = timestamp
        params["ik-s"] = signature
        return _join_url(prefix, params, fragment)
    # Both values are URL-safe as they are, so the encoded query only grows at its end.
    separator = "&" if params else "?"
    if expire_seconds:
        return f"{url}{separator}ik-t={timestamp}&ik-s={signature}"
    return f"{url}{separator}ik-s={signature}"


def _urlencode(params: Mapping[Any, Any]) -> str:
    """``urllib.parse.urlencode(params)``, in one pass when every key and value is ASCII text."""
    if len(params) == 1:  # typically just `tr`
        for key, value in params.items():
            return f"{_quote_plus(key)}={_quote_plus(value)}"
    for key, value in params.items():
        if type(key) is not str or type(value) is not str:
            return "&".join(f"{_quote_plus(k)}={_quote_plus(v)}" for k, v in params.items())
    raw = _PAIR_MARK.join(map(_KEY_VALUE_MARK.join, params.items()))
    if (
        not raw.isascii()
        or raw.count(_PAIR_MARK) != len(params) - 1
        or raw.count(_KEY_VALUE_MARK) != len(params)
    ):
        return "&".join(f"{_quote_plus(k)}={_quote_plus(v)}" for k, v in params.items())
    if _USUAL_QUERY.fullmatch(raw):
        return (
            raw.replace(",", "%2C")
            .replace(":", "%3A")
            .replace(_PAIR_MARK, "&")
            .replace(_KEY_VALUE_MARK, "=")
        )
    quoted = raw
    for char, escape in _COMMON_ESCAPES:
        quoted = quoted.replace(char, escape)
    if _QUOTED_QUERY.fullmatch(quoted):
        return quoted
    return raw.translate(_QUERY_TABLE)


def _quote_plus(value: object) -> str:
    """One ``urlencode`` component: bytes quoted as they are, anything else through ``str()``."""
    if isinstance(value, bytes):
        return quote_plus(value)
    text = value if type(value) is str else str(value)
    if _USUAL_TEXT.fullmatch(text):
        return text.replace(",", "%2C").replace(":", "%3A")
    if text.isascii():
        return text.translate(_QUOTE_PLUS_TABLE)
    return quote_plus(text)


def _hmac_sha1_hex(private_key: str, message: str) -> str:
    """``hmac.new(private_key, message, sha1).hexdigest()`` from cached key-block states."""
    states = _HMAC_STATES.get(private_key)
    if states is None:
        key = private_key.encode()
        if len(key) > _SHA1_BLOCK_SIZE:
            key = hashlib.sha1(key).digest()
        block = key.ljust(_SHA1_BLOCK_SIZE, b"\0")
        states = (
            hashlib.sha1(block.translate(_INNER_PAD)),
            hashlib.sha1(block.translate(_OUTER_PAD)),
        )
        if len(_HMAC_STATES) >= _HMAC_STATES_LIMIT:
            _HMAC_STATES.clear()
        _HMAC_STATES[private_key] = states
    inner = states[0].copy()
    inner.update(message.encode())
    outer = states[1].copy()
    outer.update(inner.digest())
    digest: str = outer.hexdigest()
    return digest
