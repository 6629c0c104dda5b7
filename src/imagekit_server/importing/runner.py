"""Run an import: a bounded pool of threads, each storing one file's versions in order through
``ingest_upload`` (the upload code path: probe, validate, name, commit atomically)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.errors import ApiError, BadRequest
from imagekit_server.files import records
from imagekit_server.files.ingest import ingest_upload
from imagekit_server.files.naming import join_path, normalise_folder, sanitise_file_name
from imagekit_server.files.upload_form import UploadOptions
from imagekit_server.importing.items import ImportFile, ImportVersion
from imagekit_server.importing.journal import Journal
from imagekit_server.importing.progress import Counts

Note = Callable[[str], None]


@dataclass(frozen=True)
class ImportPlan:
    context: ServerContext
    account: Account
    journal: Journal
    counts: Counts
    note: Note
    to_folder: str = "/"
    overwrite: bool = False  # replace (add a version to) files already in the target
    jobs: int = 4


def run_import(plan: ImportPlan, files: Iterable[ImportFile], stop: threading.Event) -> None:
    """Import ``files`` with ``plan.jobs`` threads; at most twice that many are in flight, so
    memory stays flat however long the listing. Setting ``stop`` ends the run after the files
    in progress (Ctrl-C); the journal then lets the next run continue."""
    pending: set[Future[None]] = set()
    with ThreadPoolExecutor(plan.jobs, thread_name_prefix="import") as pool:
        try:
            for item in files:
                if stop.is_set():
                    break
                if len(pending) >= 2 * plan.jobs:
                    _, pending = wait(pending, return_when=FIRST_COMPLETED)
                pending.add(pool.submit(import_file, plan, item, stop))
        finally:
            if stop.is_set():
                for future in pending:
                    future.cancel()
            wait(pending)


def import_file(plan: ImportPlan, item: ImportFile, stop: threading.Event) -> None:
    """One file's versions, oldest first, so the source's current version ends current."""
    label = f"{item.folder.rstrip('/')}/{item.name}"
    for index, version in enumerate(item.versions):
        if stop.is_set():
            return
        if plan.journal.done(version.key):
            plan.counts.add(skipped=1)
            continue
        # Later versions always add to the file the first one created (here or in a run before).
        overwrite = plan.overwrite or index > 0
        try:
            folder = _target_folder(plan.to_folder, item.folder)
            stored = _store_version(plan, folder, item.name, version, overwrite)
        except ApiError as exc:
            plan.counts.add(failed=len(item.versions) - index)
            plan.note(f"import: {label}: {exc.message}")
            return
        except Exception as exc:  # a source or storage failure: report it, go on with others
            plan.counts.add(failed=len(item.versions) - index)
            plan.note(f"import: {label}: {type(exc).__name__}: {exc}")
            return
        if stored is None:
            plan.counts.add(skipped=len(item.versions) - index)
            plan.note(f"import: {label}: exists in the target, skipped (--overwrite replaces)")
            return
        plan.journal.record(version.key)
        plan.counts.add(imported=1, size=stored)


def _store_version(
    plan: ImportPlan, folder: str, name: str, version: ImportVersion, overwrite: bool
) -> int | None:
    """Fetch and ingest one version; its size, or None when the path exists and may not be
    overwritten."""
    context = plan.context
    if not overwrite and _exists(context, plan.account, folder, name):
        return None  # checked before fetching: a rerun over a finished import downloads nothing
    limit = context.settings.max_upload_bytes
    if version.size is not None and version.size > limit:
        raise _too_large(limit)  # as the upload API answers; nothing is downloaded
    temp = context.spool.new_path()
    try:
        source = version.fetch(temp)
        if source.stat().st_size > limit:
            raise _too_large(limit)
        attributes = version.attributes
        options = UploadOptions(
            file_name=name,
            folder=folder,
            use_unique_file_name=False,
            overwrite_file=overwrite,
            tags=attributes.tags,
            custom_metadata=attributes.custom_metadata,
            custom_coordinates=attributes.custom_coordinates,
            is_private_file=attributes.is_private,
            is_published=attributes.is_published,
            description=attributes.description,
        )
        ingested = ingest_upload(context, plan.account, options, source)
        return int(ingested.facts.size)
    finally:
        temp.unlink(missing_ok=True)


def _too_large(limit: int) -> BadRequest:
    return BadRequest(f"File size exceeds the maximum allowed ({limit} bytes).")


def _exists(context: ServerContext, account: Account, folder: str, name: str) -> bool:
    with read_transaction(context.engine) as conn:
        found = records.find_by_path(conn, account.id, join_path(folder, sanitise_file_name(name)))
    return found is not None


def _target_folder(to_folder: str, folder: str) -> str:
    joined = f"{to_folder.rstrip('/')}/{folder.strip('/')}"
    return normalise_folder(joined)
