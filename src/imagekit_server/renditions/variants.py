"""Variants: a file version rendered through a chain, with no HTTP in sight
(docs/reference/delivery.md §2-11).

What decides a variant's bytes (``choose_variant``: the few request headers the output
depends on), its key (``variant_key``: the source version, the chain, the variant and the
layer files' versions), and producing it: from the derived blobs, else a render in the imaging
pool, once for every request waiting on it (``rendered_once``). The URL endpoint
(delivery/transformed.py) and eager upload post-transformations (``warm_variant``) go through
here, so both find the same variants in the same caches.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from anyio import to_thread

from imagekit_server.abuse.render_queue import RenderQueue
from imagekit_server.context import ServerContext
from imagekit_server.extensions.url_cutouts import cutout_source
from imagekit_server.imaging import (
    ClientHints,
    Limits,
    OutputDefaults,
    Plan,
    Rendered,
    TransformationError,
    accepted_types,
    render,
    run_in_pool,
)
from imagekit_server.imaging.encode import IMAGEKIT_DEFAULTS
from imagekit_server.imaging.workload import check_structure, measure
from imagekit_server.observability.health import metrics_of
from imagekit_server.observability.request_context import note_cache
from imagekit_server.renditions.chain import Chain, layer_file_path
from imagekit_server.renditions.derived_cache import (
    derived_blob_size,
    derived_key,
    load_derived,
    response_etag,
    save_derived,
    variant_hash,
)
from imagekit_server.renditions.derived_ledger import derived_ledger
from imagekit_server.renditions.derived_writes import DerivedWrites
from imagekit_server.renditions.file_lookup import FileRow, find_file, load_file_row
from imagekit_server.renditions.hot_cache import (
    BoundedMemo,
    RenderedVariant,
    VariantKey,
    delivery_caches,
)
from imagekit_server.runtime.leftovers import font_directory
from imagekit_server.runtime.memory_tuning import release_free_memory
from imagekit_server.settings import Settings
from imagekit_server.storage import BlobNotFound, BlobStore

# Sources at least this big (50+ MP JPEGs) are trimmed after. The pages handed back must be
# faulted in again by the next render: on an idle 2-core machine trimming after a 20 MP JPEG
# (4.4 MB) cost 12-19 % of its throughput for 12-14 MB less peak RSS (129 vs 141-143 MB at 32
# connections, under the 150 MB target), so common photos are not trimmed.
TRIM_AFTER_SOURCE_BYTES = 32 * 1024 * 1024

# file path -> the current version of a file a chain's layers read (None: no such file).
LayerRows = Mapping[str, FileRow | None]
NO_LAYERS: LayerRows = {}


@functools.cache
def render_limits(settings: Settings) -> Limits:
    return Limits(
        max_source_bytes=settings.max_upload_bytes,
        max_source_pixels=settings.max_image_pixels,
        max_output_pixels=settings.max_output_pixels,
        max_output_dimension=settings.max_output_dimension,
        max_layers=settings.max_layers,
        max_chain_steps=settings.max_chain_steps,
        max_effects=settings.max_effects,
        max_step_effects=settings.max_step_effects,
        max_render_cost=settings.max_render_cost,
        max_processing_seconds=settings.render_timeout_seconds,
        allow_svg=settings.allow_svg_sources,
        max_svg_elements=settings.max_svg_elements,
        allow_pdf=settings.allow_pdf_sources,
        font_directory=font_directory(settings),
        object_model=settings.object_model_path,
    )


@dataclass(frozen=True)
class Variant:
    """What besides the source and the chain decides the output bytes."""

    accept: str | None  # the canonical Accept the renderer sees
    hints: ClientHints | None
    vary: str | None
    defaults: OutputDefaults = IMAGEKIT_DEFAULTS

    @functools.cached_property
    def name(self) -> str:
        hints = self.hints
        width, dpr = (None, None) if hints is None else (hints.width, hints.dpr)
        name = f"{self.accept}|{width}|{dpr}"
        # (an identity test: settings equal to ImageKit's defaults are that very object)
        if self.defaults is not IMAGEKIT_DEFAULTS:
            # Changed output settings name new variants; ImageKit's defaults keep the names
            # (and the cached blobs) variants had before these settings existed.
            out = self.defaults
            name += (
                f"|q={out.quality},avif={out.auto_avif:d},"
                f"chroma={out.chroma_subsampling:d},{out.format_strategy}"
                f",pr={out.progressive_jpeg:d},avif-effort={out.avif_effort}"
            )
        return name


def _webp_class(accept: str) -> str:
    return "image/webp" if "image/webp" in accepted_types(accept) else ""


def _avif_webp_class(accept: str) -> str:
    types = accepted_types(accept)
    return ",".join(kind for kind in ("image/avif", "image/webp") if kind in types)


# Browsers send a handful of distinct Accept headers: classify each once. Without automatic
# AVIF the output depends on one bit (WebP or not); with it, on two.
_ACCEPT_CLASSES = {
    False: BoundedMemo(_webp_class, max_entries=1024),
    True: BoundedMemo(_avif_webp_class, max_entries=1024),
}


# The variants of chains without client hints, by Accept class (a handful): made once, so a
# cache hit neither builds a frozen dataclass nor its name. The defaults are checked by
# identity: a process serving another context's settings makes its own.
_BY_ACCEPT_CLASS: dict[str | None, Variant] = {}


def choose_variant(
    chain: Chain, headers: Mapping[str, str], defaults: OutputDefaults = IMAGEKIT_DEFAULTS
) -> Variant:
    """Reduce the request headers to the few values the output depends on, so every browser
    that accepts WebP shares one cached rendering."""
    accept: str | None = None
    if chain.negotiated:
        accept = _ACCEPT_CLASSES[defaults.auto_avif](headers.get("accept") or "")
    if not chain.uses_client_hints:  # most chains: one variant per Accept class
        found = _BY_ACCEPT_CLASS.get(accept)
        if found is None or found.defaults is not defaults:
            found = Variant(accept, None, None if accept is None else "Accept", defaults)
            _BY_ACCEPT_CLASS[accept] = found
        return found
    hints = ClientHints(
        width=_number(headers.get("sec-ch-width") or headers.get("width")),
        dpr=_number(headers.get("sec-ch-dpr") or headers.get("dpr")),
    )
    vary = "Sec-CH-Width, Sec-CH-DPR" if accept is None else "Accept, Sec-CH-Width, Sec-CH-DPR"
    return Variant(accept, hints, vary, defaults)


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and 0 < value < 100_000 else None


async def check_layer_access(
    context: ServerContext, account_id: str, chain: Chain, signed: bool
) -> None:
    """An unsigned URL may not read private or unpublished files through its layers (`i-`,
    `ff-`), as it may not deliver them itself. Call it before `n-` names are expanded: the
    layers of named transformations are the account's own choice, like named-only chains on
    private files. Raises ``TransformationError``."""
    if signed or not chain.layer_files:
        return
    for path, row in (await find_layer_files(context, account_id, chain)).items():
        if row is None:
            continue  # missing: the render reports it
        if not row.is_published:
            raise TransformationError(404, "ENOENT", f"layer file '{path}' not found")
        if row.is_private:
            raise TransformationError(
                401, "EUNAUTHORIZED", f"layer file '{path}' is private: the URL must be signed"
            )


async def find_layer_files(
    context: ServerContext, account_id: str, chain: Chain
) -> dict[str, FileRow | None]:
    """The current version of every file the chain's layers read, by the memoised lookup
    (no query while the memo is fresh); the render then reads exactly these versions."""
    return {path: await find_file(context, account_id, path) for path in chain.layer_files}


def remover_of(context: ServerContext, chain: Chain) -> str:
    """The remove-bg provider, for chains that start with background removal: a change of
    provider renders such variants anew instead of serving the old provider's."""
    return context.settings.extension_remove_bg if chain.removes_background else ""


def variant_key(
    row: FileRow,
    chain: Chain,
    variant: Variant,
    layers: LayerRows = NO_LAYERS,
    remover: str = "",
) -> VariantKey:
    """The in-memory key of a variant; ``variant_hash(*key)`` names its derived blob.

    The layer files' versions are part of it, so a layer file's new version (or its upload
    after a request found it missing, or its deletion) renders the composite anew. Purging a
    layer file (library/purge.py) drops only its own variants, not the composites of other files
    that use it: a purge changes no version, so they stay correct.
    """
    name = variant.name
    if chain.uses_custom_focus:
        name += f"|focus={row.custom_focus}"
    if remover:
        name += f"|remover={remover}"
    if layers:
        name += "|layers=" + ",".join(
            layer.etag if layer is not None else "missing" for layer in layers.values()
        )
    return (row.etag, chain.key, name)


async def warm_variant(
    context: ServerContext, account_id: str, row: FileRow, chain: Chain, variant: Variant
) -> RenderedVariant:
    """Render a variant into the caches exactly as a delivery request would (eager upload
    post-transformations); a variant already cached is loaded, not rendered again."""
    layers = await find_layer_files(context, account_id, chain) if chain.layer_files else NO_LAYERS
    key = variant_key(row, chain, variant, layers, remover_of(context, chain))
    rendered = await rendered_once(
        context, account_id, row, chain.plan, variant, variant_hash(*key), layers
    )
    delivery_caches(context).rendered.put(key, rendered)
    return rendered


async def rendered_once(
    context: ServerContext,
    account_id: str,
    row: FileRow,
    plan: Plan,
    variant: Variant,
    name: str,
    layers: LayerRows,
) -> RenderedVariant:
    """Render (or load) a variant; concurrent requests for the same one share the work unless
    the derived cache is off (then every request renders, as a benchmark expects)."""
    if not context.settings.derived_cache:
        return await _produce(context, account_id, row, plan, variant, name, layers)
    return await delivery_caches(context).inflight.run(
        name, lambda: _produce(context, account_id, row, plan, variant, name, layers)
    )


async def _produce(
    context: ServerContext,
    account_id: str,
    row: FileRow,
    plan: Plan,
    variant: Variant,
    name: str,
    layers: LayerRows,
) -> RenderedVariant:
    limits = render_limits(context.settings)
    check_structure(measure(plan.steps), limits)  # a refused chain waits for no render thread
    store = context.store
    use_store = context.settings.derived_cache and variant.hints is None
    key = derived_key(account_id, row.file_id, name)
    if use_store:
        found = await to_thread.run_sync(load_derived, store, key)
        if found is not None:
            content_type, data = found
            # Noted as stored (with its size), not just used: a blob stored before the budget
            # existed gets its record the first time it is read again.
            size = derived_blob_size(content_type, data)
            derived_ledger(context).saved(account_id, row.file_id, name, size)
            etag = response_etag(name, content_type)
            note_cache("derived")
            return RenderedVariant(row.file_id, data, content_type, etag, stored_name=name)
    removal = plan.background_removal
    cutout = await cutout_source(context, row.blob_key, row.etag, removal) if removal else None
    started = time.perf_counter()
    queue = context.component(RenderQueue, lambda: RenderQueue(context.settings.render_queue_limit))
    try:
        rendered = await queue.run(
            lambda: run_in_pool(
                _read_and_render,
                store,
                row,
                plan,
                variant,
                limits,
                _layer_loader(context, account_id, layers),
                cutout,
            )
        )
    except BaseException:
        _count_render(context, started, ok=False)
        raise
    _count_render(context, started, ok=True)
    stored_name = ""
    if use_store:
        await _store_after_response(context, account_id, row.file_id, name, key, rendered)
        stored_name = name  # a name never stored only costs a no-op in the ledger's flush
    etag = response_etag(name, rendered.content_type)
    return RenderedVariant(
        row.file_id,
        rendered.data,
        rendered.content_type,
        etag,
        rendered.width,
        stored_name=stored_name,
    )


async def _store_after_response(
    context: ServerContext, account_id: str, file_id: str, name: str, key: str, rendered: Rendered
) -> None:
    """The variant's derived-cache write, off the response path (renditions/derived_writes.py)."""
    store = context.store
    writes = context.component(DerivedWrites, DerivedWrites)
    generation = writes.generation(file_id)

    def save() -> int:
        return save_derived(store, key, rendered.content_type, rendered.data)

    async def write() -> None:
        size = await to_thread.run_sync(writes.write_unless_purged, file_id, generation, save)
        if size:
            derived_ledger(context).saved(account_id, file_id, name, size)

    await writes.submit(write)


def _count_render(context: ServerContext, started: float, *, ok: bool) -> None:
    if context.settings.metrics:
        metrics_of(context).rendered(time.perf_counter() - started, ok)


def _read_and_render(
    store: BlobStore,
    row: FileRow,
    plan: Plan,
    variant: Variant,
    limits: Limits,
    load_image: Callable[[str], bytes],
    cutout: bytes | None = None,
) -> Rendered:
    """Runs on a render thread: reading the source there keeps at most one source per render
    thread in memory however many requests wait. ``cutout`` replaces the source (the file
    with its background removed, for chains that start with e-bgremove)."""
    try:
        source = cutout if cutout is not None else store.get_bytes(row.blob_key)
    except BlobNotFound:
        raise TransformationError(404, "ENOENT", "the file's bytes are missing") from None
    try:
        return render(
            source,
            plan,
            accept=variant.accept,
            limits=limits,
            load_image=load_image,
            hints=variant.hints,
            defaults=variant.defaults,
            custom_focus=row.custom_focus,
        )
    finally:
        if len(source) >= TRIM_AFTER_SOURCE_BYTES:
            # A big decode leaves tens of MB free inside the arenas: give them back before
            # the next one, so peaks do not stack (runtime/memory_tuning.py).
            del source
            release_free_memory()


def _layer_loader(
    context: ServerContext, account_id: str, layers: LayerRows
) -> Callable[[str], bytes]:
    """``load_image`` for image layers and layer fonts: another file of the same account, in
    the version the variant key names (blocking; it runs on the render thread)."""

    def load(path: str) -> bytes:
        file_path = layer_file_path(path)
        if file_path in layers:
            row = layers[file_path]
        else:  # a path ``Chain.layer_files`` missed: read the current row, as before
            row = load_file_row(context, account_id, file_path)
        if row is None:
            raise LookupError(path)
        try:
            return context.store.get_bytes(row.blob_key)
        except BlobNotFound:
            raise LookupError(path) from None

    return load
