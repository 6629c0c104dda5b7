"""``ImageKit``: the 4.x-compatible synchronous client.

Beyond 4.x (all keyword-only, all optional): ``api_base_url``/``upload_base_url`` (see
``imagekitio.request_context`` for the precedence with environment variables and
``imagekitio.constants.url.URL``), ``timeout`` in seconds to wait for a connection and for each
read of every request (a float, or a ``(connect, read)`` pair) and ``max_retries`` for requests
that are safe to repeat. The client keeps one pooled HTTP session; ``close()`` it, or use it as a
context manager.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

from .constants.errors import ERRORS
from .file import File
from .models.CopyFileRequestOptions import CopyFileRequestOptions
from .models.CopyFolderRequestOptions import CopyFolderRequestOptions
from .models.CreateCustomMetadataFieldsRequestOptions import (
    CreateCustomMetadataFieldsRequestOptions,
)
from .models.CreateFolderRequestOptions import CreateFolderRequestOptions
from .models.DeleteFolderRequestOptions import DeleteFolderRequestOptions
from .models.ListAndSearchFileRequestOptions import ListAndSearchFileRequestOptions
from .models.MoveFileRequestOptions import MoveFileRequestOptions
from .models.MoveFolderRequestOptions import MoveFolderRequestOptions
from .models.RenameFileRequestOptions import RenameFileRequestOptions
from .models.results.BulkDeleteFileResult import BulkDeleteFileResult
from .models.results.CustomMetadataFieldsResultWithResponseMetadata import (
    CustomMetadataFieldsResultWithResponseMetadata,
)
from .models.results.FileResultWithResponseMetadata import FileResultWithResponseMetadata
from .models.results.FolderResult import FolderResult
from .models.results.GetBulkJobStatusResult import GetBulkJobStatusResult
from .models.results.GetMetadataResult import GetMetadataResult
from .models.results.ListCustomMetadataFieldsResult import ListCustomMetadataFieldsResult
from .models.results.ListFileResult import ListFileResult
from .models.results.PurgeCacheResult import PurgeCacheResult
from .models.results.PurgeCacheStatusResult import PurgeCacheStatusResult
from .models.results.RenameFileResult import RenameFileResult
from .models.results.ResponseMetadataResult import ResponseMetadataResult
from .models.results.TagsResult import TagsResult
from .models.results.UploadFileResult import UploadFileResult
from .models.UpdateCustomMetadataFieldsRequestOptions import (
    UpdateCustomMetadataFieldsRequestOptions,
)
from .models.UpdateFileRequestOptions import UpdateFileRequestOptions
from .models.UploadFileRequestOptions import UploadFileRequestOptions
from .multipart import ProgressCallback
from .resource import ImageKitRequest
from .responsive import responsive_image_attributes
from .sync_transport import DEFAULT_TIMEOUT, Timeout
from .upload_source import UploadSource
from .utils.calculation import get_authenticated_params, hamming_distance
from .webhooks import DEFAULT_TOLERANCE_SECONDS, VerifiedWebhook, verify_webhook


class ImageKit:
    def __init__(
        self,
        public_key: str | None = None,
        private_key: str | None = None,
        url_endpoint: str | None = None,
        transformation_position: str | None = None,
        options: dict[str, Any] | None = None,
        *,
        api_base_url: str | None = None,
        upload_base_url: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
    ) -> None:
        from .url import Url  # URL building lives in its own module

        self.ik_request = ImageKitRequest(
            private_key,
            public_key,
            url_endpoint,
            transformation_position,
            options,
            api_base_url=api_base_url,
            upload_base_url=upload_base_url,
            timeout=timeout,
            max_retries=max_retries,
        )
        self.file = File(self.ik_request)
        self.url_obj = Url(self.ik_request)

    def close(self) -> None:
        """Close the pooled HTTP connections."""
        self.ik_request.close()

    def __enter__(self) -> ImageKit:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def upload(
        self,
        file: UploadSource | None = None,
        file_name: str | None = None,
        options: UploadFileRequestOptions | None = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> UploadFileResult:
        """Upload a file; same as ``upload_file``."""
        return self.file.upload(file, file_name, options, on_progress=on_progress)

    def upload_file(
        self,
        file: UploadSource | None = None,
        file_name: str | None = None,
        options: UploadFileRequestOptions | None = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> UploadFileResult:
        """Upload a URL, base64 or raw ``str``/``bytes``, a binary file or a path (streamed)."""
        return self.file.upload(file, file_name, options, on_progress=on_progress)

    def list_files(self, options: ListAndSearchFileRequestOptions | None = None) -> ListFileResult:
        return self.file.list(options)

    def get_file_details(self, file_id: str | None = None) -> FileResultWithResponseMetadata:
        return self.file.details(file_id)

    def get_file_versions(self, file_id: str | None = None) -> ListFileResult:
        return self.file.get_file_versions(file_id)

    def find_similar_files(
        self, file_id: str, *, max_distance: int | None = None, limit: int | None = None
    ) -> ListFileResult:
        """Images whose pHash lies within ``max_distance`` bits (default 3, at most 11) of the
        file's, nearest first; each item has a ``distance``. An extension of imagekit-server,
        not part of ImageKit.io's API (docs/console.md, "Near-duplicates")."""
        return self.file.find_similar(file_id, max_distance, limit)

    def get_file_version_details(
        self, file_id: str | None = None, version_id: str | None = None
    ) -> FileResultWithResponseMetadata:
        return self.file.get_file_version_details(file_id, version_id)

    def update_file_details(
        self, file_id: str, options: UpdateFileRequestOptions | None = None
    ) -> FileResultWithResponseMetadata:
        return self.file.update_file_details(file_id, options)

    def add_tags(self, file_ids: list[str], tags: list[str]) -> TagsResult:
        return self.file.manage_tags(file_ids, tags, "addTags")

    def remove_tags(self, file_ids: list[str], tags: list[str]) -> TagsResult:
        return self.file.manage_tags(file_ids, tags, "removeTags")

    def remove_ai_tags(self, file_ids: list[str], ai_tags: list[str]) -> TagsResult:
        return self.file.remove_ai_tags(file_ids, ai_tags)

    def delete_file(self, file_id: str | None = None) -> ResponseMetadataResult:
        return self.file.delete(file_id)

    def delete_file_version(self, file_id: str, version_id: str) -> ResponseMetadataResult:
        return self.file.delete_file_version(file_id, version_id)

    def bulk_delete(self, file_ids: list[str] | None = None) -> BulkDeleteFileResult:
        return self.file.batch_delete(file_ids)

    def bulk_file_delete(self, file_ids: list[str] | None = None) -> BulkDeleteFileResult:
        return self.file.batch_delete(file_ids)

    def copy_file(self, options: CopyFileRequestOptions | None = None) -> ResponseMetadataResult:
        return self.file.copy_file(options)

    def move_file(self, options: MoveFileRequestOptions | None = None) -> ResponseMetadataResult:
        return self.file.move_file(options)

    def rename_file(self, options: RenameFileRequestOptions | None = None) -> RenameFileResult:
        return self.file.rename_file(options)

    def restore_file_version(self, file_id: str, version_id: str) -> FileResultWithResponseMetadata:
        return self.file.restore_file_version(file_id, version_id)

    def create_folder(
        self, options: CreateFolderRequestOptions | None = None
    ) -> ResponseMetadataResult:
        return self.file.create_folder(options)

    def delete_folder(
        self, options: DeleteFolderRequestOptions | None = None
    ) -> ResponseMetadataResult:
        return self.file.delete_folder(options)

    def copy_folder(self, options: CopyFolderRequestOptions | None = None) -> FolderResult:
        return self.file.copy_folder(options)

    def move_folder(self, options: MoveFolderRequestOptions | None = None) -> FolderResult:
        return self.file.move_folder(options)

    def get_bulk_job_status(self, job_id: str) -> GetBulkJobStatusResult:
        return self.file.get_bulk_job_status(job_id)

    def purge_cache(self, file_url: str | None = None) -> PurgeCacheResult:
        return self.file.purge_cache(file_url)

    def purge_file_cache(self, file_url: str | None = None) -> PurgeCacheResult:
        return self.file.purge_cache(file_url)

    def get_purge_cache_status(self, purge_cache_id: str = "") -> PurgeCacheStatusResult:
        return self.file.get_purge_cache_status(purge_cache_id)

    def get_purge_file_cache_status(self, purge_cache_id: str = "") -> PurgeCacheStatusResult:
        return self.file.get_purge_cache_status(purge_cache_id)

    def get_metadata(self, file_id: str | None = None) -> GetMetadataResult:
        return self.file.get_metadata(file_id)

    def get_file_metadata(self, file_id: str | None = None) -> GetMetadataResult:
        return self.file.get_metadata(file_id)

    def get_remote_url_metadata(self, remote_file_url: str = "") -> GetMetadataResult:
        return self.file.get_metadata_from_remote_url(remote_file_url)

    def get_remote_file_url_metadata(self, remote_file_url: str = "") -> GetMetadataResult:
        return self.file.get_metadata_from_remote_url(remote_file_url)

    def create_custom_metadata_fields(
        self, options: CreateCustomMetadataFieldsRequestOptions | None = None
    ) -> CustomMetadataFieldsResultWithResponseMetadata:
        return self.file.create_custom_metadata_fields(options)

    def get_custom_metadata_fields(
        self, include_deleted: bool = False
    ) -> ListCustomMetadataFieldsResult:
        return self.file.get_custom_metadata_fields(include_deleted)

    def update_custom_metadata_fields(
        self, field_id: str, options: UpdateCustomMetadataFieldsRequestOptions | None = None
    ) -> CustomMetadataFieldsResultWithResponseMetadata:
        return self.file.update_custom_metadata_fields(field_id, options)

    def delete_custom_metadata_field(self, field_id: str = "") -> ResponseMetadataResult:
        return self.file.delete_custom_metadata_field(field_id)

    def url(self, options: dict[str, Any]) -> str:
        """A delivery URL (see ``imagekitio.url.Url.generate_url``)."""
        return self.url_obj.generate_url(options)

    def responsive_image_attributes(
        self, options: dict[str, Any], **choices: Any
    ) -> dict[str, Any]:
        """Extension: ``src``/``srcset``/``sizes`` for an ``<img>`` built with ``url(options)``;
        ``choices``: ``width``, ``sizes``, ``widths``, ``dprs``, ``device_breakpoints``,
        ``image_breakpoints`` (see ``imagekitio.responsive``)."""
        return responsive_image_attributes(self.url, options, **choices)

    @staticmethod
    def verify_webhook_event(
        body: bytes | str,
        signature: str | Mapping[str, str] | None,
        secret: str,
        *,
        tolerance_seconds: float | None = DEFAULT_TOLERANCE_SECONDS,
    ) -> VerifiedWebhook:
        """Extension: check a webhook's ``x-ik-signature`` (see ``imagekitio.webhooks``)."""
        return verify_webhook(body, signature, secret, tolerance_seconds=tolerance_seconds)

    @staticmethod
    def phash_distance(first: str, second: str) -> int:
        """Hamming distance between two hexadecimal pHash strings."""
        if not (first and second):
            raise TypeError(ERRORS.MISSING_PHASH_VALUE.value)
        return hamming_distance(first, second)

    def get_authentication_parameters(self, token: str = "", expire: Any = 0) -> dict[str, Any]:
        """``{"token", "expire", "signature"}`` for client-side uploads."""
        params = get_authenticated_params(token, expire, self.ik_request.private_key)
        if params is None:  # unreachable: the constructor requires a private key
            raise ValueError(ERRORS.MANDATORY_INITIALIZATION_MISSING.value)
        return params
