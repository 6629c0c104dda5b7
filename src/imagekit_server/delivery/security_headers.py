"""Headers every delivery response carries so that stored files cannot act as pages of this
origin (docs/security.md, "What delivery sends").

Files are served from the same origin as the API and ``/docs``; an uploaded SVG or HTML file
with a script would otherwise run with that origin's rights (stored XSS). So every response
forbids MIME sniffing and sandboxes the document a browser may make of it: no script, no
plugin, no fetch, an opaque origin. Images, video and audio shown through ``<img>``/``<video>``
are not affected (a policy applies only to a document), and opened directly they still display.
PDF is the exception: browsers refuse to show a sandboxed PDF, and their PDF viewers do not
run its scripts with the origin's rights. HTML is also sent as a download.

The header sets are built once; a response picks one by its content type (one dictionary
lookup on the hot path for the handful of types variants have).
"""

from __future__ import annotations

from collections.abc import Mapping

Headers = tuple[tuple[bytes, bytes], ...]
Pairs = tuple[tuple[str, str], ...]

SANDBOX_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
_COMMON: Pairs = (
    ("X-Content-Type-Options", "nosniff"),
    ("Cross-Origin-Resource-Policy", "cross-origin"),  # a public file server: embed anywhere
    ("Referrer-Policy", "no-referrer"),
)
_SANDBOXED: Pairs = (*_COMMON, ("Content-Security-Policy", SANDBOX_POLICY))
_DOWNLOAD: Pairs = (*_SANDBOXED, ("Content-Disposition", "attachment"))

# Types a browser renders as a page that can run script even in a sandbox's absence.
DOWNLOAD_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/x-html"})
UNSANDBOXED_TYPES = frozenset({"application/pdf"})


def _essence(content_type: str) -> str:
    return content_type.partition(";")[0].strip().lower()


def security_header_pairs(content_type: str) -> Pairs:
    """The headers for a response of ``content_type``, as text (name, value) pairs."""
    essence = _essence(content_type)
    if essence in UNSANDBOXED_TYPES:
        return _COMMON
    if essence in DOWNLOAD_TYPES:
        return _DOWNLOAD
    return _SANDBOXED


def _encoded(pairs: Pairs) -> Headers:
    return tuple((name.lower().encode(), value.encode()) for name, value in pairs)


_ENCODED: dict[Pairs, Headers] = {
    pairs: _encoded(pairs) for pairs in (_COMMON, _SANDBOXED, _DOWNLOAD)
}
_BY_TYPE: dict[str, Headers] = {}
_DICT_BY_TYPE: dict[str, dict[str, str]] = {}
_MAX_REMEMBERED_TYPES = 256  # content types come from origins too: keep the memo bounded

#: For error responses (plain text, never a document worth running).
ERROR_HEADERS = _ENCODED[_SANDBOXED]
ERROR_HEADER_DICT = dict(_SANDBOXED)
#: What a 304 repeats of an original's headers (RFC 9110 §15.4.5, plus nosniff).
NOT_MODIFIED_KEEP = frozenset({"ETag", "Cache-Control", "Last-Modified", "X-Content-Type-Options"})


def security_header_dict(content_type: str) -> Mapping[str, str]:
    """``security_header_pairs`` as a mapping, memoised by content type."""
    found = _DICT_BY_TYPE.get(content_type)
    if found is None:
        found = dict(security_header_pairs(content_type))
        if len(_DICT_BY_TYPE) < _MAX_REMEMBERED_TYPES:
            _DICT_BY_TYPE[content_type] = found
    return found


def security_headers(content_type: str) -> Headers:
    """``security_header_pairs`` as raw ASGI headers, memoised by content type."""
    found = _BY_TYPE.get(content_type)
    if found is None:
        found = _ENCODED[security_header_pairs(content_type)]
        if len(_BY_TYPE) < _MAX_REMEMBERED_TYPES:
            _BY_TYPE[content_type] = found
    return found
