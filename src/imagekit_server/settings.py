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
DEFAULT_ERROR_HELP = "This is a self-hosted ImageKit-compatible server: ask its operator for help."


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
    # Webhook deliveries (docs/webhooks.md): attempts before a delivery is recorded as failed,
    # the delay before the first retry (doubled after each failed attempt, +-10 % jitter) and
    # the longest delay between two attempts, in seconds.
    webhook_max_attempts: int = 8
    webhook_retry_seconds: float = 10.0
    webhook_retry_max_seconds: float = 3600.0
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
    # JPEG chroma subsampling 4:2:0 below quality 90; false keeps 4:4:4 (as ImageKit does) at
    # 9-18 % more bytes for the same perceptual quality (docs/encoding.md).
    chroma_subsampling: bool = True
    # JPEG without `pr-` in the URL is progressive: 2-5 % fewer bytes for about 1 ms more per
    # 400 px thumbnail. Off by default: ImageKit's `pr` defaults to false; `pr-` always wins.
    progressive_jpeg: bool = False
    # AVIF encoder effort, 0 (fastest) to 9: 3 matches thumbor's AVIF bytes at equal quality for
    # the same CPU; 2 encodes a third faster and 3 % larger (docs/encoding.md).
    avif_effort: int = 3
    # How negotiation picks among the accepted formats: "preference" (AVIF > WebP > JPEG/PNG)
    # or "smallest" (encode each, keep the smallest: more CPU per render).
    format_strategy: str = "preference"
    # Server processes for `imagekit-server serve` (cli/workers.py).
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
    # --- Upload extensions (docs/extensions.md) ---
    # The provider each extension runs on: "builtin" (no key, no model), "google" (Cloud
    # Vision), "aws" (Rekognition), "onnx" (the local models below), "removebg" (remove.bg's
    # API) or "none" (the extension then reports `failed`, with the reason in the log).
    extension_google_auto_tagging: str = "builtin"  # builtin | google | aws | onnx | none
    extension_aws_auto_tagging: str = "builtin"  # builtin | aws | google | onnx | none
    extension_remove_bg: str = "builtin"  # builtin | removebg | onnx | none
    extension_ai_auto_description: str = "builtin"  # builtin | none
    # Google Cloud Vision: API key and base URL (images:annotate is appended).
    google_vision_api_key: str | None = None
    google_vision_endpoint: str = "https://vision.googleapis.com"
    # AWS Rekognition: endpoint override and region (credentials: the usual AWS variables).
    rekognition_endpoint_url: str | None = None
    rekognition_region: str = "us-east-1"
    # remove.bg: API key and base URL (/v1.0/removebg is appended).
    removebg_api_key: str | None = None
    removebg_endpoint: str = "https://api.remove.bg"
    # Local ONNX models: an image classifier with its labels file (one label a line), and a
    # salient-object segmentation model (U2-Net / ISNet signature) for background removal.
    onnx_classifier_path: Path | None = None
    onnx_classifier_labels: Path | None = None
    onnx_segmentation_path: Path | None = None
    # A YOLO detector in ONNX form (Ultralytics' YOLOv8/YOLO11 export) for `fo-<object>`
    # (imaging/objects.py); without it, object focus answers 400.
    object_model_path: Path | None = None
    # Background extension jobs each process runs at once (threads), and the time limit of
    # one call to a remote provider, in seconds.
    extension_workers: int = 2
    extension_timeout_seconds: float = 60.0
    # How long a URL with e-bgremove / e-removedotbg / e-changebg waits for the background
    # removal before answering ImageKit's intermediate response (seconds).
    ai_render_wait_seconds: float = 5.0
    # The `help` text of API error bodies (ImageKit's names its support address, which cannot
    # help with this server): e.g. your support page or address.
    error_help: str = DEFAULT_ERROR_HELP
    # --- Observability (docs/operations.md) ---
    # Log level (debug, info, warning, error) and format of every log line ("text" or "json").
    log_level: str = "info"
    log_format: str = "text"
    # One access-log line per request (written at level info, in batches).
    access_log: bool = True
    # Prometheus metrics at /metrics (request counts and latency, renders, caches, ...).
    metrics: bool = True
    # --- Abuse limits (docs/operations.md); rates are requests per minute per client (by
    # address and by API key), per process, bursts of a quarter of the rate; 0: no limit ---
    rate_limit_uploads: float = 0.0
    rate_limit_api: float = 0.0  # management calls (/v1, /v2, /api except uploads)
    rate_limit_renders: float = 0.0  # uncached renders, by address
    # Renders one process accepts (running or waiting); beyond it 503 with Retry-After.
    render_queue_limit: int = 256
    # Take the client address from the last X-Forwarded-For entry (behind your own proxy).
    trust_forwarded_for: bool = False
    # A Redis (redis://, rediss://, unix://) the rate limits of every server naming it share;
    # "": each server applies them alone. Its keys start with the prefix.
    redis_url: str = ""
    redis_prefix: str = "imagekit:"
    # --- Video (docs/video.md) ---
    # Longest video accepted on upload and transformed, in seconds.
    video_max_duration_seconds: float = 3600.0
    # Largest video frame side accepted on upload, and largest output side, in pixels.
    video_max_dimension: int = 8192
    video_max_output_dimension: int = 3840
    # Most streams in one container (a hostile file can declare thousands).
    video_max_streams: int = 16
    # Time limit for probing an upload (a subprocess, killed beyond it), in seconds.
    video_probe_timeout_seconds: float = 15.0
    # Time limit for one render (transcode, thumbnail, streaming set), in seconds.
    video_render_timeout_seconds: float = 600.0
    # Render processes per server process (each encode is single-process, multi-threaded).
    video_render_workers: int = 2
    # Memory cap of each render process (RLIMIT_DATA: its heap and private mappings), in
    # bytes; a render that needs more fails with a 400 ELIMIT. 0: no cap.
    video_render_memory_bytes: int = 4 << 30
    # How long a request waits for a new rendition before answering as ImageKit does while it
    # is processing (302 to the original for videos, 202 for thumbnails and manifests).
    video_wait_seconds: float = 15.0

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
        if (
            min(self.video_max_dimension, self.video_max_output_dimension) <= 0
            or min(self.video_max_streams, self.video_render_workers) < 1
            or min(self.video_max_duration_seconds, self.video_probe_timeout_seconds) <= 0
            or (self.video_render_timeout_seconds <= 0 or self.video_wait_seconds < 0)
            or self.video_render_memory_bytes < 0
        ):
            raise SettingsError("video limits must be positive (IMAGEKIT_VIDEO_*)")
        if not 1 <= self.default_quality <= 100:
            raise SettingsError("IMAGEKIT_DEFAULT_QUALITY must be between 1 and 100")
        for field_name, choices in _EXTENSION_PROVIDERS.items():
            if getattr(self, field_name) not in choices:
                variable = f"IMAGEKIT_EXT_{field_name.removeprefix('extension_').upper()}"
                raise SettingsError(f"{variable} must be one of {', '.join(sorted(choices))}")
        if self.extension_workers < 1 or self.extension_timeout_seconds <= 0:
            raise SettingsError("IMAGEKIT_EXTENSION_WORKERS and _TIMEOUT must be positive")
        if min(self.rate_limit_uploads, self.rate_limit_api, self.rate_limit_renders) < 0 or (
            self.render_queue_limit <= 0
        ):
            raise SettingsError("rate limits must be >= 0 and IMAGEKIT_RENDER_QUEUE positive")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("IMAGEKIT_REDIS_URL must be a redis://, rediss:// or unix:// URL")
        if self.log_level not in {"debug", "info", "warning", "error"}:
            raise SettingsError("IMAGEKIT_LOG_LEVEL must be debug, info, warning or error")
        if self.log_format not in {"text", "json"}:
            raise SettingsError("IMAGEKIT_LOG_FORMAT must be 'text' or 'json'")
        if not 0 <= self.avif_effort <= 9:
            raise SettingsError("IMAGEKIT_AVIF_EFFORT must be between 0 and 9")
        if self.format_strategy not in {"preference", "smallest"}:
            raise SettingsError("IMAGEKIT_FORMAT_STRATEGY must be 'preference' or 'smallest'")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", self.imagekit_id):
            raise SettingsError("IMAGEKIT_ID must be letters, digits, '_' and '-'")
        if (
            self.webhook_max_attempts < 1
            or min(self.webhook_retry_seconds, self.webhook_retry_max_seconds) <= 0
        ):
            raise SettingsError("webhook attempts and retry delays must be positive")

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
        _read(env, values, "IMAGEKIT_WEBHOOK_MAX_ATTEMPTS", "webhook_max_attempts", int)
        _read(env, values, "IMAGEKIT_WEBHOOK_RETRY", "webhook_retry_seconds", float)
        _read(env, values, "IMAGEKIT_WEBHOOK_RETRY_MAX", "webhook_retry_max_seconds", float)
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
        _read(env, values, "IMAGEKIT_PROGRESSIVE_JPEG", "progressive_jpeg", _parse_bool)
        _read(env, values, "IMAGEKIT_AVIF_EFFORT", "avif_effort", int)
        _read(env, values, "IMAGEKIT_FORMAT_STRATEGY", "format_strategy", str.strip)
        _read(env, values, "IMAGEKIT_ORIGIN_TIMEOUT", "origin_timeout_seconds", float)
        _read(env, values, "IMAGEKIT_ORIGIN_REVALIDATE", "origin_revalidate_seconds", float)
        _read(env, values, "IMAGEKIT_ORIGIN_CACHE_BYTES", "origin_cache_bytes", int)
        _read(env, values, "IMAGEKIT_USAGE_FLUSH", "usage_flush_seconds", float)
        for extension in ("google_auto_tagging", "aws_auto_tagging", "remove_bg"):
            key = f"extension_{extension}"
            _read(env, values, f"IMAGEKIT_EXT_{extension.upper()}", key, str.strip)
        _read(
            env,
            values,
            "IMAGEKIT_EXT_AI_AUTO_DESCRIPTION",
            "extension_ai_auto_description",
            str.strip,
        )
        _read(env, values, "IMAGEKIT_GOOGLE_VISION_API_KEY", "google_vision_api_key", str)
        _read(env, values, "IMAGEKIT_GOOGLE_VISION_ENDPOINT", "google_vision_endpoint", str)
        _read(env, values, "IMAGEKIT_REKOGNITION_ENDPOINT_URL", "rekognition_endpoint_url", str)
        _read(env, values, "IMAGEKIT_REKOGNITION_REGION", "rekognition_region", str)
        _read(env, values, "IMAGEKIT_REMOVEBG_API_KEY", "removebg_api_key", str)
        _read(env, values, "IMAGEKIT_REMOVEBG_ENDPOINT", "removebg_endpoint", str)
        _read(env, values, "IMAGEKIT_ONNX_CLASSIFIER", "onnx_classifier_path", Path)
        _read(env, values, "IMAGEKIT_ONNX_CLASSIFIER_LABELS", "onnx_classifier_labels", Path)
        _read(env, values, "IMAGEKIT_ONNX_SEGMENTATION", "onnx_segmentation_path", Path)
        _read(env, values, "IMAGEKIT_OBJECT_MODEL", "object_model_path", Path)
        _read(env, values, "IMAGEKIT_EXTENSION_WORKERS", "extension_workers", int)
        _read(env, values, "IMAGEKIT_EXTENSION_TIMEOUT", "extension_timeout_seconds", float)
        _read(env, values, "IMAGEKIT_AI_RENDER_WAIT", "ai_render_wait_seconds", float)
        _read(env, values, "IMAGEKIT_ERROR_HELP", "error_help", str.strip)
        _read(env, values, "IMAGEKIT_LOG_LEVEL", "log_level", _lower)
        _read(env, values, "IMAGEKIT_LOG_FORMAT", "log_format", _lower)
        _read(env, values, "IMAGEKIT_ACCESS_LOG", "access_log", _parse_bool)
        _read(env, values, "IMAGEKIT_METRICS", "metrics", _parse_bool)
        _read(env, values, "IMAGEKIT_RATE_LIMIT_UPLOADS", "rate_limit_uploads", float)
        _read(env, values, "IMAGEKIT_RATE_LIMIT_API", "rate_limit_api", float)
        _read(env, values, "IMAGEKIT_RATE_LIMIT_RENDERS", "rate_limit_renders", float)
        _read(env, values, "IMAGEKIT_RENDER_QUEUE", "render_queue_limit", int)
        _read(env, values, "IMAGEKIT_TRUST_FORWARDED_FOR", "trust_forwarded_for", _parse_bool)
        _read(env, values, "IMAGEKIT_REDIS_URL", "redis_url", str.strip)
        _read(env, values, "IMAGEKIT_REDIS_PREFIX", "redis_prefix", str)
        _read(env, values, "IMAGEKIT_VIDEO_MAX_DURATION", "video_max_duration_seconds", float)
        _read(env, values, "IMAGEKIT_VIDEO_MAX_DIMENSION", "video_max_dimension", int)
        _read(env, values, "IMAGEKIT_VIDEO_MAX_OUTPUT_DIMENSION", "video_max_output_dimension", int)
        _read(env, values, "IMAGEKIT_VIDEO_MAX_STREAMS", "video_max_streams", int)
        _read(env, values, "IMAGEKIT_VIDEO_PROBE_TIMEOUT", "video_probe_timeout_seconds", float)
        _read(env, values, "IMAGEKIT_VIDEO_RENDER_TIMEOUT", "video_render_timeout_seconds", float)
        _read(env, values, "IMAGEKIT_VIDEO_RENDER_WORKERS", "video_render_workers", int)
        _read(env, values, "IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES", "video_render_memory_bytes", int)
        _read(env, values, "IMAGEKIT_VIDEO_WAIT", "video_wait_seconds", float)
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]


_TAGGERS = frozenset({"builtin", "google", "aws", "onnx", "none"})
_EXTENSION_PROVIDERS = {
    "extension_google_auto_tagging": _TAGGERS,
    "extension_aws_auto_tagging": _TAGGERS,
    "extension_remove_bg": frozenset({"builtin", "removebg", "onnx", "none"}),
    "extension_ai_auto_description": frozenset({"builtin", "none"}),
}


def _lower(text: str) -> str:
    return text.strip().lower()


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
