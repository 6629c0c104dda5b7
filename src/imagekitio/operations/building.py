"""Small helpers the operation builders share: reading option objects, making requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..request_context import RequestContext
from ..utils.formatter import request_formatter
from ..wire import ApiRequest, json_body

RETRY_SAFE_METHODS = frozenset({"GET", "HEAD", "DELETE", "PUT"})


def option_fields(options: Any) -> dict[str, Any]:
    """The fields an options object carries (a copy: builders never mutate user objects).

    4.x option classes store only the arguments that were given, so ``vars()`` is the set of
    fields to send; a plain mapping with snake_case keys is accepted too.
    """
    if options is None:
        return {}
    if isinstance(options, Mapping):
        return dict(options)
    try:
        return dict(vars(options))
    except TypeError:
        raise TypeError(
            f"options must be an imagekitio.models options object, not {type(options).__name__}"
        ) from None


def camel_options(options: Any) -> dict[str, Any]:
    return request_formatter(option_fields(options))


def api_request(
    ctx: RequestContext,
    method: str,
    path: str,
    *,
    json: Any = None,
    empty_json: bool = False,
    params: tuple[tuple[str, str], ...] = (),
    retry_safe: bool | None = None,
) -> ApiRequest:
    """A request to the API host; ``json`` becomes the body, ``empty_json`` sends ``b""``.

    ``retry_safe`` defaults to the method's idempotency (GET/HEAD/DELETE/PUT).
    """
    has_body = json is not None or empty_json
    body = json_body(json) if json is not None else (b"" if empty_json else None)
    return ApiRequest(
        method=method,
        url=ctx.api_url(path),
        headers=ctx.headers(json=has_body),
        params=params,
        body=body,
        retry_safe=method in RETRY_SAFE_METHODS if retry_safe is None else retry_safe,
    )


def options_body(ctx: RequestContext, method: str, path: str, options: Any) -> ApiRequest:
    """4.x style: a JSON body of the camelCased options, an empty body for ``None``."""
    if options is None:
        return api_request(ctx, method, path, empty_json=True)
    return api_request(ctx, method, path, json=camel_options(options))
