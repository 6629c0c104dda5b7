"""``File``: the 4.x internal object behind the client's media-library methods.

Its methods keep their 4.x names and call the API methods declared once in
``imagekitio.api_methods``, sent through the given ``ImageKitRequest``.
"""

from __future__ import annotations

import builtins
from typing import Any, TypeVar

from .api_methods import ApiMethods
from .call_shells import BlockingShell
from .constants.files import VALID_FILE_OPTIONS
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
from .multipart import ProgressCallback
from .operations import files
from .operations import upload as upload_ops
from .request_context import RequestContext
from .resource import ImageKitRequest
from .wire import Operation

ResultT = TypeVar("ResultT")


class _RequestApi(ApiMethods, BlockingShell):
    """The API methods, blocking, over an ``ImageKitRequest``."""

    def __init__(self, request: ImageKitRequest) -> None:
        self.ik_request = request

    def _send(self, operation: Operation[ResultT]) -> ResultT:
        return self.ik_request.send(operation)


class File:
    def __init__(self, request_obj: ImageKitRequest) -> None:
        self.request = request_obj
        self._api = _RequestApi(request_obj)

    @property
    def _ctx(self) -> RequestContext:
        return self.request.context

    def upload(
        self,
        file: Any,
        file_name: Any,
        options: Any = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> UploadFileResult:
        return self._api.upload(file, file_name, options, on_progress=on_progress)

    def list(self, options: Any = None) -> ListFileResult:
        return self._api.list_files(options)

    def details(self, file_id: Any = None) -> FileResultWithResponseMetadata:
        return self._api.get_file_details(file_id)

    def get_file_versions(self, file_id: Any = None) -> ListFileResult:
        return self._api.get_file_versions(file_id)

    def find_similar(
        self, file_id: Any, max_distance: int | None = None, limit: int | None = None
    ) -> ListFileResult:
        """Our extension: see ``ImageKit.find_similar_files``."""
        return self._api.find_similar_files(file_id, max_distance=max_distance, limit=limit)

    def get_file_version_details(
        self, file_id: Any = None, version_id: Any = None
    ) -> FileResultWithResponseMetadata:
        return self._api.get_file_version_details(file_id, version_id)

    def update_file_details(
        self, file_id: Any, options: Any = None
    ) -> FileResultWithResponseMetadata:
        return self._api.update_file_details(file_id, options)

    def manage_tags(self, file_ids: Any, tags: Any, action: str) -> TagsResult:
        return self.request.send(files.manage_tags(self._ctx, file_ids, tags, action))

    def remove_ai_tags(self, file_ids: Any, ai_tags: Any) -> TagsResult:
        return self._api.remove_ai_tags(file_ids, ai_tags)

    def delete(self, file_id: Any = None) -> ResponseMetadataResult:
        return self._api.delete_file(file_id)

    def delete_file_version(self, file_id: Any, version_id: Any) -> ResponseMetadataResult:
        return self._api.delete_file_version(file_id, version_id)

    def batch_delete(self, file_ids: Any = None) -> BulkDeleteFileResult:
        return self._api.bulk_delete(file_ids)

    def copy_file(self, options: Any = None) -> ResponseMetadataResult:
        return self._api.copy_file(options)

    def move_file(self, options: Any = None) -> ResponseMetadataResult:
        return self._api.move_file(options)

    def rename_file(self, options: Any = None) -> RenameFileResult:
        return self._api.rename_file(options)

    def restore_file_version(self, file_id: Any, version_id: Any) -> FileResultWithResponseMetadata:
        return self._api.restore_file_version(file_id, version_id)

    def create_folder(self, options: Any = None) -> ResponseMetadataResult:
        return self._api.create_folder(options)

    def delete_folder(self, options: Any = None) -> ResponseMetadataResult:
        return self._api.delete_folder(options)

    def copy_folder(self, options: Any = None) -> FolderResult:
        return self._api.copy_folder(options)

    def move_folder(self, options: Any = None) -> FolderResult:
        return self._api.move_folder(options)

    def get_bulk_job_status(self, job_id: Any) -> GetBulkJobStatusResult:
        return self._api.get_bulk_job_status(job_id)

    def purge_cache(self, file_url: Any = None) -> PurgeCacheResult:
        return self._api.purge_cache(file_url)

    def get_purge_cache_status(self, cache_request_id: Any = None) -> PurgeCacheStatusResult:
        return self._api.get_purge_cache_status(cache_request_id)

    def get_metadata(self, file_id: Any = None) -> GetMetadataResult:
        return self._api.get_metadata(file_id)

    def get_metadata_from_remote_url(self, remote_file_url: Any) -> GetMetadataResult:
        return self._api.get_remote_url_metadata(remote_file_url)

    def create_custom_metadata_fields(
        self, options: Any = None
    ) -> CustomMetadataFieldsResultWithResponseMetadata:
        return self._api.create_custom_metadata_fields(options)

    def get_custom_metadata_fields(
        self, include_deleted: bool = False
    ) -> ListCustomMetadataFieldsResult:
        return self._api.get_custom_metadata_fields(include_deleted)

    def update_custom_metadata_fields(
        self, field_id: Any, options: Any = None
    ) -> CustomMetadataFieldsResultWithResponseMetadata:
        return self._api.update_custom_metadata_fields(field_id, options)

    def delete_custom_metadata_field(self, field_id: Any) -> ResponseMetadataResult:
        return self._api.delete_custom_metadata_field(field_id)

    def is_valid_list_options(self, options: dict[str, Any]) -> bool:
        return all(key in VALID_FILE_OPTIONS for key in options)

    @staticmethod
    def get_valid_list_values() -> builtins.list[str]:
        return VALID_FILE_OPTIONS

    @staticmethod
    def validate_upload(options: dict[str, Any]) -> dict[str, str] | bool:
        """Upload options as wire fields, or ``False`` if an option is invalid (4.x contract)."""
        try:
            return dict(upload_ops.upload_form_fields(options))
        except ValueError:
            return False
