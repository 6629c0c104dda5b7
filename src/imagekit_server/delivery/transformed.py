"""Transformed delivery: ``/<id>/tr:<chain>/<path>`` and ``/<id>/<path>?tr=<chain>``
(docs/reference/delivery.md §2-11).

Order: parse the chain (memoised) -> find the file (memoised) or the `di-` default image ->
access rules (unpublished, private; named-only chains may read private files unsigned) ->
expand `n-` names -> find the layer files (memoised; only for chains with layers) -> variant
key -> in-memory LRU -> derived blob -> render in the imaging pool. A memory hit never leaves
the event loop. Everything after the access rules is the renditions layer (renditions/); this
module turns its answer into a response.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.requests import Request
from starlette.types import ASGIApp

from imagekit_server.abuse.guard import Throttled
from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.delivery.signing import SignatureStatus
from imagekit_server.delivery.target import DeliveryTarget
from imagekit_server.delivery.variant_response import (
    attachment_header,
    error_response,
    intermediate_response,
    transformation_error_response,
    variant_response,
)
from imagekit_server.extensions.url_cutouts import StillProcessing
from imagekit_server.imaging import ClientHints, TransformationError
from imagekit_server.observability.request_context import (
    SCOPE_CACHE,
    SCOPE_ID,
    RequestRecord,
    current_request,
)
from imagekit_server.renditions.chain import Chain, parsed_chain
from imagekit_server.renditions.derived_cache import variant_hash
from imagekit_server.renditions.derived_ledger import derived_ledger
from imagekit_server.renditions.file_lookup import FileRow, find_file
from imagekit_server.renditions.hot_cache import delivery_caches
from imagekit_server.renditions.named_lookup import expand_named
from imagekit_server.renditions.variants import (
    NO_LAYERS,
    check_layer_access,
    choose_variant,
    find_layer_files,
    remover_of,
    rendered_once,
    variant_key,
)

# The request headers a variant's choice (choose_variant) and its answer (variant_response)
# read; nothing else on this path looks at the request's headers.
VARIANT_HEADERS = frozenset(
    {
        b"accept",
        b"sec-ch-width",
        b"width",
        b"sec-ch-dpr",
        b"dpr",
        b"if-none-match",
        b"if-modified-since",
        b"range",
        b"if-range",
    }
)


def variant_headers(request: Request) -> dict[str, str]:
    """``VARIANT_HEADERS`` of the request as a plain dict (last value wins), in one pass over
    its header list. Only those are decoded: a browser sends a dozen others (user agent,
    cookies, client hints of its own), and decoding them all cost ~4 us a cache hit."""
    found = {}
    for name, value in request.scope["headers"]:  # a loop: a comprehension is a call more
        if name in VARIANT_HEADERS:
            found[name.decode("latin-1")] = value.decode("latin-1")
    return found


def content_dpr_header(
    hints: ClientHints | None, delivered_width: int | None
) -> list[tuple[bytes, bytes]]:
    """`Content-DPR` = delivered width / (Sec-CH-Width / DPR) (docs/reference/delivery.md §6)."""
    if hints is None or not hints.width or not delivered_width:
        return []
    layout_width = hints.width / (hints.dpr or 1.0)
    return [(b"content-dpr", f"{delivered_width / layout_width:.2f}".encode())]


def _chain_error(error: TransformationError) -> ASGIApp:
    response = transformation_error_response(error.status, error.code, error.message)
    response.headers += getattr(error, "headers", ())  # Retry-After of 429 and 503
    return response


async def deliver_transformed(
    request: Request,
    context: ServerContext,
    account: Account,
    target: DeliveryTarget,
    signature: SignatureStatus,
) -> ASGIApp:
    assert target.transformation is not None
    chain = parsed_chain(target.transformation)
    if isinstance(chain, TransformationError):
        return _chain_error(chain)
    version = target.query.get("ik-obj-version", "")
    row = await find_file(context, account.id, target.file_path, version)
    default_image = chain.plan.default_image
    if row is None and default_image:
        row = await find_file(context, account.id, "/" + default_image)
    signed = signature is SignatureStatus.VALID
    if row is None or (not row.is_published and not signed):
        return error_response(404, f"ENOENT - {target.file_path} does not exist", "Not Found")
    if row.is_private and not signed and not chain.named_only:
        return error_response(
            401, "EUNAUTHORIZED - private file needs a signed URL", "Unauthorized"
        )
    return await deliver_variant(request, context, account.id, row, chain, target.query, signed)


async def deliver_variant(
    request: Request,
    context: ServerContext,
    account_id: str,
    row: FileRow,
    chain: Chain,
    query: Mapping[str, str],
    signed: bool,
    extra_headers: Sequence[tuple[bytes, bytes]] = (),
) -> ASGIApp:
    """The pipeline's tail for every source (a library file, an origin object), once the
    source itself may be delivered: the layers' access rules, `n-` names, then the variant
    from the renditions layer; a chain that cannot be rendered is answered here."""
    try:
        await check_layer_access(context, account_id, chain, signed)
        if chain.plan.named:
            chain = await expand_named(context, account_id, chain.plan)
        return await respond_with_variant(
            request, context, account_id, row, chain, query, extra_headers
        )
    except TransformationError as error:
        return _chain_error(error)


async def respond_with_variant(
    request: Request,
    context: ServerContext,
    account_id: str,
    row: FileRow,
    chain: Chain,
    query: Mapping[str, str],
    extra_headers: Sequence[tuple[bytes, bytes]] = (),
) -> ASGIApp:
    """Answer ``request`` with ``row`` rendered through ``chain`` (access already checked,
    names expanded): from the in-memory LRU, the derived blobs, or a render. Media library
    files and files fetched from origins share this path. Raises ``TransformationError``."""
    headers = variant_headers(request)
    caches = delivery_caches(context)
    variant = choose_variant(chain, headers, caches.output)
    layers = await find_layer_files(context, account_id, chain) if chain.layer_files else NO_LAYERS
    memory_key = variant_key(row, chain, variant, layers, remover_of(context, chain))
    cached = caches.rendered.get(memory_key)
    created_at: float | None = None
    scope = request.scope
    if cached is None:
        guard = getattr(request.scope.get("app"), "guard", None)
        over = await guard.render_wait(request.scope) if guard is not None else None
        if over is not None:
            raise Throttled(*over)
        name = variant_hash(*memory_key)
        # In context while rendering (when observed): log lines carry the request id, and
        # _produce notes a derived-blob hit in it.
        request_id: bytes | None = scope.get(SCOPE_ID)
        record = None if request_id is None else RequestRecord(request_id)
        token = None
        if record is not None:
            record.cache = "render"
            token = current_request.set(record)
        try:
            cached = await rendered_once(
                context, account_id, row, chain.plan, variant, name, layers
            )
        except StillProcessing:
            return intermediate_response()
        finally:
            if record is not None and token is not None:
                current_request.reset(token)
                scope[SCOPE_CACHE] = record.cache
        caches.rendered.put(memory_key, cached)
    else:
        scope[SCOPE_CACHE] = "memory"  # for the access log and metrics, when observed
        created_at = cached.created_at
        if cached.stored_name:  # keeps its blob from being evicted as unused
            derived_ledger(context).used(account_id, cached.file_id, cached.stored_name)
    attachment = attachment_header(query, row.name)
    extra: tuple[tuple[bytes, bytes], ...] = () if attachment is None else (attachment,)
    if chain.uses_width_auto:
        extra += tuple(content_dpr_header(variant.hints, cached.width))
    if extra_headers:
        extra += tuple(extra_headers)
    return variant_response(
        headers,
        method=scope["method"],  # not ``request.method``: a property and a typing.cast call
        body=cached.data,
        content_type=cached.content_type,
        etag=cached.etag,
        modified=row.modified,
        last_modified=row.last_modified,
        vary=variant.vary,
        created_at=created_at,
        extra=extra,
    )
