"""``AsyncImageKit``: the ``ImageKit`` methods as coroutines, on ``httpx2`` (extra ``async``).

It shares request building, validation and response decoding with the sync client
(``imagekitio.operations`` and ``imagekitio.decoding``); only the transport differs.
``url``, ``phash_distance`` and ``get_authentication_parameters`` do no I/O and stay plain
methods. Use ``async with AsyncImageKit(...) as ik:`` or ``await ik.aclose()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, TypeVar

from .async_transport import AsyncTransport
from .constants.errors import ERRORS
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
from .operations import custom_fields, files, folders, metadata, purge, similar, upload
from .request_context import RequestContext
from .resource import ImageKitRequest
from .responsive import responsive_image_attributes
from .sync_transport import DEFAULT_TIMEOUT, Timeout
from .upload_source import UploadSource
from .utils.calculation import get_authenticated_params, hamming_distance
from .webhooks import DEFAULT_TOLERANCE_SECONDS, VerifiedWebhook, verify_webhook
from .wire import Operation

ResultT = TypeVar("ResultT")


class AsyncImageKit:
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
        from .url import Url

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
        self.url_obj = Url(self.ik_request)
        self.transport = AsyncTransport(timeout=timeout, retry=self.ik_request.retry)

    @property
    def _ctx(self) -> RequestContext:
        return self.ik_request.context

    async def _send(self, operation: Operation[ResultT]) -> ResultT:
        return operation.decode(await self.transport.send(operation.request))

    async def aclose(self) -> None:
        """Close the pooled HTTP connections."""
        await self.transport.aclose()

    async def __aenter__(self) -> AsyncImageKit:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def upload(
        self,
        file: UploadSource | None = None,
        file_name: str | None = None,
        options: UploadFileRequestOptions | None = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> UploadFileResult:
        return await self._send(upload.upload(self._ctx, file, file_name, options, on_progress))

    async def upload_file(
        self,
        file: UploadSource | None = None,
        file_name: str | None = None,
        options: UploadFileRequestOptions | None = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> UploadFileResult:
        return await self._send(upload.upload(self._ctx, file, file_name, options, on_progress))

    async def list_files(
        self, options: ListAndSearchFileRequestOptions | None = None
    ) -> ListFileResult:
        return await self._send(files.list_files(self._ctx, options))

    async def get_file_details(self, file_id: str | None = None) -> FileResultWithResponseMetadata:
        return await self._send(files.get_file_details(self._ctx, file_id))

    async def get_file_versions(self, file_id: str | None = None) -> ListFileResult:
        return await self._send(files.get_file_versions(self._ctx, file_id))

    async def find_similar_files(
        self, file_id: str, *, max_distance: int | None = None, limit: int | None = None
    ) -> ListFileResult:
        """``ImageKit.find_similar_files``, awaited (an imagekit-server extension)."""
        return await self._send(similar.find_similar_files(self._ctx, file_id, max_distance, limit))

    async def get_file_version_details(
        self, file_id: str | None = None, version_id: str | None = None
    ) -> FileResultWithResponseMetadata:
        return await self._send(files.get_file_version_details(self._ctx, file_id, version_id))

    async def update_file_details(
        self, file_id: str, options: UpdateFileRequestOptions | None = None
    ) -> FileResultWithResponseMetadata:
        return await self._send(files.update_file_details(self._ctx, file_id, options))

    async def add_tags(self, file_ids: list[str], tags: list[str]) -> TagsResult:
        return await self._send(files.manage_tags(self._ctx, file_ids, tags, "addTags"))

    async def remove_tags(self, file_ids: list[str], tags: list[str]) -> TagsResult:
        return await self._send(files.manage_tags(self._ctx, file_ids, tags, "removeTags"))

    async def remove_ai_tags(self, file_ids: list[str], ai_tags: list[str]) -> TagsResult:
        return await self._send(files.remove_ai_tags(self._ctx, file_ids, ai_tags))

    async def delete_file(self, file_id: str | None = None) -> ResponseMetadataResult:
        return await self._send(files.delete_file(self._ctx, file_id))

    async def delete_file_version(self, file_id: str, version_id: str) -> ResponseMetadataResult:
        return await self._send(files.delete_file_version(self._ctx, file_id, version_id))

    async def bulk_delete(self, file_ids: list[str] | None = None) -> BulkDeleteFileResult:
        return await self._send(files.bulk_delete(self._ctx, file_ids))

    async def bulk_file_delete(self, file_ids: list[str] | None = None) -> BulkDeleteFileResult:
        return await self._send(files.bulk_delete(self._ctx, file_ids))

    async def copy_file(
        self, options: CopyFileRequestOptions | None = None
    ) -> ResponseMetadataResult:
        return await self._send(files.copy_file(self._ctx, options))

    async def move_file(
        self, options: MoveFileRequestOptions | None = None
    ) -> ResponseMetadataResult:
        return await self._send(files.move_file(self._ctx, options))

    async def rename_file(
        self, options: RenameFileRequestOptions | None = None
    ) -> RenameFileResult:
        return await self._send(files.rename_file(self._ctx, options))

    async def restore_file_version(
        self, file_id: str, version_id: str
    ) -> FileResultWithResponseMetadata:
        return await self._send(files.restore_file_version(self._ctx, file_id, version_id))

    async def create_folder(
        self, options: CreateFolderRequestOptions | None = None
    ) -> ResponseMetadataResult:
        return await self._send(folders.create_folder(self._ctx, options))

    async def delete_folder(
        self, options: DeleteFolderRequestOptions | None = None
    ) -> ResponseMetadataResult:
        return await self._send(folders.delete_folder(self._ctx, options))

    async def copy_folder(self, options: CopyFolderRequestOptions | None = None) -> FolderResult:
        return await self._send(folders.copy_folder(self._ctx, options))

    async def move_folder(self, options: MoveFolderRequestOptions | None = None) -> FolderResult:
        return await self._send(folders.move_folder(self._ctx, options))

    async def get_bulk_job_status(self, job_id: str) -> GetBulkJobStatusResult:
        return await self._send(folders.get_bulk_job_status(self._ctx, job_id))

    async def purge_cache(self, file_url: str | None = None) -> PurgeCacheResult:
        return await self._send(purge.purge_cache(self._ctx, file_url))

    async def purge_file_cache(self, file_url: str | None = None) -> PurgeCacheResult:
        return await self._send(purge.purge_cache(self._ctx, file_url))

    async def get_purge_cache_status(self, purge_cache_id: str = "") -> PurgeCacheStatusResult:
        return await self._send(purge.get_purge_cache_status(self._ctx, purge_cache_id))

    async def get_purge_file_cache_status(self, purge_cache_id: str = "") -> PurgeCacheStatusResult:
        return await self._send(purge.get_purge_cache_status(self._ctx, purge_cache_id))

    async def get_metadata(self, file_id: str | None = None) -> GetMetadataResult:
        return await self._send(metadata.get_metadata(self._ctx, file_id))

    async def get_file_metadata(self, file_id: str | None = None) -> GetMetadataResult:
        return await self._send(metadata.get_metadata(self._ctx, file_id))

    async def get_remote_url_metadata(self, remote_file_url: str = "") -> GetMetadataResult:
        return await self._send(metadata.get_remote_url_metadata(self._ctx, remote_file_url))

    async def get_remote_file_url_metadata(self, remote_file_url: str = "") -> GetMetadataResult:
        return await self._send(metadata.get_remote_url_metadata(self._ctx, remote_file_url))

    async def create_custom_metadata_fields(
        self, options: CreateCustomMetadataFieldsRequestOptions | None = None
    ) -> CustomMetadataFieldsResultWithResponseMetadata:
        return await self._send(custom_fields.create_custom_metadata_fields(self._ctx, options))

    async def get_custom_metadata_fields(
        self, include_deleted: bool = False
    ) -> ListCustomMetadataFieldsResult:
        operation = custom_fields.get_custom_metadata_fields(self._ctx, include_deleted)
        return await self._send(operation)

    async def update_custom_metadata_fields(
        self, field_id: str, options: UpdateCustomMetadataFieldsRequestOptions | None = None
    ) -> CustomMetadataFieldsResultWithResponseMetadata:
        operation = custom_fields.update_custom_metadata_fields(self._ctx, field_id, options)
        return await self._send(operation)

    async def delete_custom_metadata_field(self, field_id: str = "") -> ResponseMetadataResult:
        operation = custom_fields.delete_custom_metadata_field(self._ctx, field_id)
        return await self._send(operation)

    def url(self, options: dict[str, Any]) -> str:
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
        if not (first and second):
            raise TypeError(ERRORS.MISSING_PHASH_VALUE.value)
        return hamming_distance(first, second)

    def get_authentication_parameters(self, token: str = "", expire: Any = 0) -> dict[str, Any]:
        params = get_authenticated_params(token, expire, self.ik_request.private_key)
        if params is None:  # unreachable: the constructor requires a private key
            raise ValueError(ERRORS.MANDATORY_INITIALIZATION_MISSING.value)
        return params
