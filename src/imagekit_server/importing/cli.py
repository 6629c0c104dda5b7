"""``imagekit-server import folder|s3|imagekit``: the command line of an import."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from imagekit_server.settings import Settings

if TYPE_CHECKING:
    from imagekit_server.accounts import Account
    from imagekit_server.context import ServerContext
    from imagekit_server.importing.items import Source

PRIVATE_KEY_VARIABLE = "IMAGEKIT_SOURCE_PRIVATE_KEY"
MAX_JOBS = 64  # the S3 source's connection pool; more threads only contend for the database


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import",
        help="import an existing library (folder, S3 bucket, ImageKit) into an account",
        description="Import files with their folders (and, from an ImageKit API, tags, custom "
        "metadata, privacy and versions) through the upload code path. Runs in parallel, shows "
        "progress on stderr and resumes: rerun the same command after an interruption to "
        "continue (docs/import.md).",
    )
    sources = parser.add_subparsers(dest="import_source", required=True)
    folder = sources.add_parser("folder", help="import a local folder tree")
    folder.add_argument("path", type=Path, help="the folder; its sub-folders become folders")
    s3 = sources.add_parser("s3", help="import the objects of an S3 bucket")
    s3.add_argument("url", help="s3://bucket/prefix (key prefixes become folders)")
    s3.add_argument(
        "--endpoint-url",
        help="S3-compatible endpoint (default: $IMAGEKIT_S3_ENDPOINT_URL, else AWS); "
        "credentials from the usual AWS_* variables",
    )
    api = sources.add_parser(
        "imagekit", help="import from an ImageKit API (ImageKit.io or another imagekit-server)"
    )
    api.add_argument(
        "--api-url",
        default="https://api.imagekit.io",
        help="the source's API base URL (default: https://api.imagekit.io)",
    )
    api.add_argument(
        "--url-endpoint",
        help="the source's URL endpoint (default: read from each file's url)",
    )
    api.add_argument(
        "--private-key-env",
        default=PRIVATE_KEY_VARIABLE,
        help=f"variable holding the source's private key (default: {PRIVATE_KEY_VARIABLE}; "
        "kept out of the process list)",
    )
    for sub in (folder, s3, api):
        _add_common(sub)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", help="target account id (default: the default account)")
    parser.add_argument("--to-folder", default="/", help="target folder to import under")
    parser.add_argument(
        "--jobs",
        type=int,
        default=4,
        help=f"files imported in parallel (default 4, at most {MAX_JOBS})",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="add a new version to files already at the same path (default: skip them)",
    )
    parser.add_argument(
        "--restart", action="store_true", help="forget an earlier run's progress and start over"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line, failures only")


def open_source(args: argparse.Namespace, max_bytes: int) -> Source:
    from imagekit_server.importing.imagekit_source import ImageKitApiSource
    from imagekit_server.importing.local_source import LocalSource
    from imagekit_server.importing.s3_source import S3Source

    if args.import_source == "folder":
        return LocalSource(args.path)
    if args.import_source == "s3":
        return S3Source(args.url, args.endpoint_url)
    key = os.environ.get(args.private_key_env, "")
    if not key:
        raise ValueError(f"set ${args.private_key_env} to the source's private key")
    return ImageKitApiSource(args.api_url, key, url_endpoint=args.url_endpoint, max_bytes=max_bytes)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from imagekit_server.context import open_context
    from imagekit_server.imaging.vips_setup import configure_libvips
    from imagekit_server.runtime.memory_tuning import limit_malloc_arenas

    if not 1 <= args.jobs <= MAX_JOBS:
        print(f"imagekit-server: --jobs must be between 1 and {MAX_JOBS}", file=sys.stderr)
        return 2
    try:
        source = open_source(args, settings.max_upload_bytes)
    except ValueError as exc:
        print(f"imagekit-server: {exc}", file=sys.stderr)
        return 2
    # The server's process settings: no libvips operation cache, bounded malloc arenas, so
    # memory stays flat over a long import.
    limit_malloc_arenas()
    configure_libvips()
    context = open_context(settings)
    try:
        account = context.accounts.by_id(args.account) if args.account else None
        account = account or (None if args.account else context.default_account)
        if account is None:
            print(f"imagekit-server: no account {args.account!r}", file=sys.stderr)
            return 1
        return _import(context, account, source, args)
    finally:
        context.close()


def _import(
    context: ServerContext, account: Account, source: Source, args: argparse.Namespace
) -> int:
    from imagekit_server.importing.fields import ensure_fields
    from imagekit_server.importing.journal import Journal
    from imagekit_server.importing.progress import Counts, Progress
    from imagekit_server.importing.runner import ImportPlan, run_import

    data_dir = context.settings.data_dir
    identity = f"{account.id} {args.to_folder} {source.describe()}"
    if args.restart:
        Journal.for_import(data_dir, identity).discard()
    journal = Journal.for_import(data_dir, identity)
    counts = Counts()
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, _stopper(stop))
    try:
        total = source.count() if hasattr(source, "count") else None
        progress = Progress(counts, total, enabled=not args.quiet)
        created = ensure_fields(context.engine, account.id, source.custom_metadata_fields())
        if created:
            progress.note(f"import: created custom metadata fields {', '.join(created)}")
        plan = ImportPlan(
            context, account, journal, counts, progress.note,
            to_folder=args.to_folder, overwrite=args.overwrite, jobs=args.jobs,
        )  # fmt: skip
        with progress:
            run_import(plan, source.files(), stop)
    except Exception as exc:  # the source's listing failed (auth, network, bucket): stop
        print(f"imagekit-server: import stopped: {_reason(exc)}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, previous)
        journal.close()
    if stop.is_set():
        print("imagekit-server: interrupted; run the same command to continue", file=sys.stderr)
        return 130
    return 1 if counts.failed else 0


def _reason(exc: Exception) -> str:
    from imagekit_server.errors import ApiError

    message = exc.message if isinstance(exc, ApiError) else str(exc)
    return f"{type(exc).__name__}: {message}"


def _stopper(stop: threading.Event) -> Callable[[int, FrameType | None], None]:
    """The first Ctrl-C finishes the files in progress (so the journal is exact); a second
    one stops at once."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        stop.set()

    return handle
