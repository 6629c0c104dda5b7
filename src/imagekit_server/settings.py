"""Server settings: one validated object, read from environment variables at start-up.

Every field is documented where it is declared; ``Settings.from_env`` is the only reader of
the environment so the rest of the server receives plain values.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MB = 1024 * 1024


class SettingsError(ValueError):
    """A setting has an invalid value; the message names the variable."""


@dataclass(frozen=True)
class FetchAllowlist:
    """Hosts and networks that outgoing requests may reach although they are private."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IpNetwork, ...] = ()

    @classmethod
    def parse(cls, text: str) -> FetchAllowlist:
        hosts: set[str] = set()
        networks: list[IpNetwork] = []
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.lower())
        return cls(frozenset(hosts), tuple(networks))


@dataclass(frozen=True)
class Settings:
    # Directory for the embedded defaults (SQLite file, local blobs).
    data_dir: Path = Path("imagekit-data")
    host: str = "127.0.0.1"
    port: int = 8000
    # The default account, created on start-up when missing.
    imagekit_id: str = "demo"
    # Keys of the default account; generated on first start when not given.
    public_key: str | None = None
    private_key: str | None = None
    # SQLAlchemy URL; default: SQLite (WAL) in the data directory.
    database_url: str = ""
    # Blob store URL (a directory path, file://, or s3://bucket/prefix); default <data_dir>/blobs.
    storage_url: str = ""
    # Base used to build the `url`/`thumbnail` fields; default http://<host>:<port>.
    public_url: str = ""
    # Private hosts/networks outgoing fetches (upload from URL, webhooks) may reach.
    fetch_allowlist: FetchAllowlist = field(default_factory=FetchAllowlist)
    # Largest accepted upload in bytes.
    max_upload_bytes: int = 40 * MB
    # Largest accepted image in pixels (decompression-bomb guard).
    max_image_pixels: int = 100_000_000
    # Time limit for a remote fetch (upload from URL), in seconds.
    fetch_timeout_seconds: float = 20.0
    # Time limit for webhook delivery, in seconds.
    webhook_timeout_seconds: float = 5.0
    # Apply migrations on start-up (the CLI `migrate` command does it explicitly).
    migrate_on_start: bool = True
    # How long a bulk job stays leased to a process without progress before another
    # process may resume it (seconds); renewed by every batch.
    job_lease_seconds: float = 30.0
    # --- URL endpoint transformations (checked before pixels are decoded) ---
    # Largest rendered output in pixels, and per side.
    max_output_pixels: int = 100_000_000
    max_output_dimension: int = 65_535
    # Most overlay layers in one URL.
    max_layers: int = 20
    # The work one URL may ask for (docs/security.md): chained steps (layers and both branches
    # of conditions included), effects in all steps and in one step, and the estimated cost
    # (source megapixels, at least 1, times work units: 1 per step, more for blurs and other
    # kernels). Real ImageKit URLs stay far below; beyond, 400 ELIMIT before any decoding.
    max_chain_steps: int = 50
    max_effects: int = 100
    max_step_effects: int = 12
    max_render_cost: float = 5000.0
    # Time limit for rendering one image, in seconds (ELIMIT when exceeded).
    render_timeout_seconds: float = 30.0
    # SVG and PDF sources are decoded only when enabled (vector loaders are a large surface).
    allow_svg_sources: bool = False
    allow_pdf_sources: bool = False
    # With SVG on: most elements an SVG may draw, counted after `<use>` expansion, checked as
    # XML before it is rendered (in a child process killed at the render timeout).
    max_svg_elements: int = 20_000
    # Render threads per process (0: one per core, or one per worker with --workers > 1);
    # libvips uses one thread per image.
    render_workers: int = 0
    # Keep rendered variants in the blob store under derived/<account>/<file_id>/ and in
    # memory; off renders every request (benchmarks).
    derived_cache: bool = True
    # Budget of derived images per account in the blob store, in bytes: the least recently
    # used go first (checked every IMAGEKIT_USAGE_FLUSH seconds, trimmed to 90 %).
    derived_cache_bytes: int = 10 * 1024 * MB
    # In-memory budget of rendered variants per process, in bytes.
    memory_cache_bytes: int = 64 * MB
    # How long a process may reuse a path -> file lookup, in seconds; an expired one is served
    # one TTL more while it is refreshed, so twice this bounds how stale another process's view
    # of an overwritten, deleted or unpublished file can be.
    delivery_lookup_ttl_seconds: float = 1.0
    # --- Output defaults (ImageKit's dashboard image settings, for every account) ---
    # JPEG/WebP/AVIF quality when the URL has no `q-`.
    default_quality: int = 80
    # Let `f-auto` (and format negotiation) pick AVIF for browsers that accept it.
    auto_avif: bool = False
    # JPEG chroma subsampling 4:2:0 below quality 90 (ImageKit's default keeps 4:4:4).
    chroma_subsampling: bool = False
    # How negotiation picks among the accepted formats: "preference" (AVIF > WebP > JPEG/PNG)
    # or "smallest" (encode each, keep the smallest: more CPU per render).
    format_strategy: str = "preference"
    # Server processes for `imagekit-server serve` (uvicorn workers).
    workers: int = 1
    # --- Origins (URL endpoints reading from S3 buckets and web servers) ---
    # Time limit for one fetch from an origin, in seconds (connect and whole download).
    origin_timeout_seconds: float = 10.0
    # How long a fetched original is served from the cache before it is revalidated at the
    # origin (conditional request on ETag / Last-Modified), in seconds.
    origin_revalidate_seconds: float = 300.0
    # Budget of cached originals per account in the blob store, in bytes (oldest go first).
    origin_cache_bytes: int = 1024 * MB
    # How often the in-memory bandwidth counters are written to the database, in seconds.
    usage_flush_seconds: float = 10.0

    def __post_init__(self) -> None:
        if not self.database_url:
            sqlite_path = (self.data_dir / "imagekit.sqlite3").resolve()
            object.__setattr__(self, "database_url", f"sqlite:///{sqlite_path}")
        if not self.storage_url:
            object.__setattr__(self, "storage_url", str((self.data_dir / "blobs").resolve()))
        if not self.public_url:
            object.__setattr__(self, "public_url", f"http://{self.host}:{self.port}")
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))
        if min(self.max_upload_bytes, self.max_image_pixels, self.derived_cache_bytes) <= 0:
            raise SettingsError("size and pixel limits must be positive")
        if (
            min(self.max_output_pixels, self.max_output_dimension, self.workers) <= 0
            or (self.render_timeout_seconds <= 0 or self.max_layers < 0 or self.render_workers < 0)
            or min(self.max_chain_steps, self.max_effects, self.max_step_effects) < 1
            or self.max_svg_elements < 1
            or (self.max_render_cost <= 0)
        ):
            raise SettingsError("render limits and worker counts must be positive")
        if not 1 <= self.default_quality <= 100:
            raise SettingsError("IMAGEKIT_DEFAULT_QUALITY must be between 1 and 100")
        if self.format_strategy not in {"preference", "smallest"}:
            raise SettingsError("IMAGEKIT_FORMAT_STRATEGY must be 'preference' or 'smallest'")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", self.imagekit_id):
            raise SettingsError("IMAGEKIT_ID must be letters, digits, '_' and '-'")

    def url_endpoint(self, account_id: str) -> str:
        """The URL endpoint of an account, e.g. ``http://127.0.0.1:8000/demo``."""
        return f"{self.public_url}/{account_id}"

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from ``IMAGEKIT_*``/``DATABASE_URL`` variables; overrides win."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        _read(env, values, "IMAGEKIT_DATA_DIR", "data_dir", Path)
        _read(env, values, "IMAGEKIT_HOST", "host", str)
        _read(env, values, "IMAGEKIT_PORT", "port", int)
        _read(env, values, "IMAGEKIT_ID", "imagekit_id", str)
        _read(env, values, "IMAGEKIT_PUBLIC_KEY", "public_key", str)
        _read(env, values, "IMAGEKIT_PRIVATE_KEY", "private_key", str)
        _read(env, values, "DATABASE_URL", "database_url", str)
        _read(env, values, "IMAGEKIT_STORAGE", "storage_url", str)
        _read(env, values, "IMAGEKIT_PUBLIC_URL", "public_url", str)
        _read(env, values, "IMAGEKIT_FETCH_ALLOWLIST", "fetch_allowlist", FetchAllowlist.parse)
        _read(env, values, "IMAGEKIT_MAX_UPLOAD_BYTES", "max_upload_bytes", int)
        _read(env, values, "IMAGEKIT_MAX_IMAGE_PIXELS", "max_image_pixels", int)
        _read(env, values, "IMAGEKIT_FETCH_TIMEOUT", "fetch_timeout_seconds", float)
        _read(env, values, "IMAGEKIT_WEBHOOK_TIMEOUT", "webhook_timeout_seconds", float)
        _read(env, values, "IMAGEKIT_MIGRATE_ON_START", "migrate_on_start", _parse_bool)
        _read(env, values, "IMAGEKIT_JOB_LEASE_SECONDS", "job_lease_seconds", float)
        _read(env, values, "IMAGEKIT_MAX_OUTPUT_PIXELS", "max_output_pixels", int)
        _read(env, values, "IMAGEKIT_MAX_OUTPUT_DIMENSION", "max_output_dimension", int)
        _read(env, values, "IMAGEKIT_MAX_LAYERS", "max_layers", int)
        _read(env, values, "IMAGEKIT_MAX_CHAIN_STEPS", "max_chain_steps", int)
        _read(env, values, "IMAGEKIT_MAX_EFFECTS", "max_effects", int)
        _read(env, values, "IMAGEKIT_MAX_STEP_EFFECTS", "max_step_effects", int)
        _read(env, values, "IMAGEKIT_MAX_RENDER_COST", "max_render_cost", float)
        _read(env, values, "IMAGEKIT_RENDER_TIMEOUT", "render_timeout_seconds", float)
        _read(env, values, "IMAGEKIT_ALLOW_SVG", "allow_svg_sources", _parse_bool)
        _read(env, values, "IMAGEKIT_ALLOW_PDF", "allow_pdf_sources", _parse_bool)
        _read(env, values, "IMAGEKIT_MAX_SVG_ELEMENTS", "max_svg_elements", int)
        _read(env, values, "IMAGEKIT_RENDER_WORKERS", "render_workers", int)
        _read(env, values, "IMAGEKIT_DERIVED_CACHE", "derived_cache", _parse_bool)
        _read(env, values, "IMAGEKIT_MEMORY_CACHE_BYTES", "memory_cache_bytes", int)
        _read(env, values, "IMAGEKIT_DERIVED_CACHE_BYTES", "derived_cache_bytes", int)
        _read(env, values, "IMAGEKIT_LOOKUP_TTL", "delivery_lookup_ttl_seconds", float)
        _read(env, values, "IMAGEKIT_WORKERS", "workers", int)
        _read(env, values, "IMAGEKIT_DEFAULT_QUALITY", "default_quality", int)
        _read(env, values, "IMAGEKIT_AUTO_AVIF", "auto_avif", _parse_bool)
        _read(env, values, "IMAGEKIT_CHROMA_SUBSAMPLING", "chroma_subsampling", _parse_bool)
        _read(env, values, "IMAGEKIT_FORMAT_STRATEGY", "format_strategy", str.strip)
        _read(env, values, "IMAGEKIT_ORIGIN_TIMEOUT", "origin_timeout_seconds", float)
        _read(env, values, "IMAGEKIT_ORIGIN_REVALIDATE", "origin_revalidate_seconds", float)
        _read(env, values, "IMAGEKIT_ORIGIN_CACHE_BYTES", "origin_cache_bytes", int)
        _read(env, values, "IMAGEKIT_USAGE_FLUSH", "usage_flush_seconds", float)
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {text!r}")


def _read(
    env: Mapping[str, str],
    values: dict[str, object],
    name: str,
    key: str,
    convert: object,
) -> None:
    raw = env.get(name)
    if raw is None or raw == "":
        return
    try:
        values[key] = convert(raw)  # type: ignore[operator]
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from exc
