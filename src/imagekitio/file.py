"""``File``: the 4.x internal object behind the client's media-library methods.

Each method builds an ``Operation`` (pure, in ``imagekitio.operations``) and lets the
``ImageKitRequest`` send it.
"""

from __future__ import annotations

import builtins
from typing import Any

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
from .operations import custom_fields, files, folders, metadata, purge, similar
from .operations import upload as upload_ops
from .request_context import RequestContext
from .resource import ImageKitRequest


class File:
    def __init__(self, request_obj: ImageKitRequest) -> None:
        self.request = request_obj

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
        operation = upload_ops.upload(self._ctx, file, file_name, options, on_progress)
        return self.request.send(operation)

    def list(self, options: Any = None) -> ListFileResult:
        return self.request.send(files.list_files(self._ctx, options))

    def details(self, file_id: Any = None) -> FileResultWithResponseMetadata:
        return self.request.send(files.get_file_details(self._ctx, file_id))

    def get_file_versions(self, file_id: Any = None) -> ListFileResult:
        return self.request.send(files.get_file_versions(self._ctx, file_id))

    def find_similar(
        self, file_id: Any, max_distance: int | None = None, limit: int | None = None
    ) -> ListFileResult:
        """Our extension: see ``ImageKit.find_similar_files``."""
        operation = similar.find_similar_files(self._ctx, file_id, max_distance, limit)
        return self.request.send(operation)

    def get_file_version_details(
        self, file_id: Any = None, version_id: Any = None
    ) -> FileResultWithResponseMetadata:
        operation = files.get_file_version_details(self._ctx, file_id, version_id)
        return self.request.send(operation)

    def update_file_details(
        self, file_id: Any, options: Any = None
    ) -> FileResultWithResponseMetadata:
        return self.request.send(files.update_file_details(self._ctx, file_id, options))

    def manage_tags(self, file_ids: Any, tags: Any, action: str) -> TagsResult:
        return self.request.send(files.manage_tags(self._ctx, file_ids, tags, action))

    def remove_ai_tags(self, file_ids: Any, ai_tags: Any) -> TagsResult:
        return self.request.send(files.remove_ai_tags(self._ctx, file_ids, ai_tags))

    def delete(self, file_id: Any = None) -> ResponseMetadataResult:
        return self.request.send(files.delete_file(self._ctx, file_id))

    def delete_file_version(self, file_id: Any, version_id: Any) -> ResponseMetadataResult:
        return self.request.send(files.delete_file_version(self._ctx, file_id, version_id))

    def batch_delete(self, file_ids: Any = None) -> BulkDeleteFileResult:
        return self.request.send(files.bulk_delete(self._ctx, file_ids))

    def copy_file(self, options: Any = None) -> ResponseMetadataResult:
        return self.request.send(files.copy_file(self._ctx, options))

    def move_file(self, options: Any = None) -> ResponseMetadataResult:
        return self.request.send(files.move_file(self._ctx, options))

    def rename_file(self, options: Any = None) -> RenameFileResult:
        return self.request.send(files.rename_file(self._ctx, options))

    def restore_file_version(self, file_id: Any, version_id: Any) -> FileResultWithResponseMetadata:
        return self.request.send(files.restore_file_version(self._ctx, file_id, version_id))

    def create_folder(self, options: Any = None) -> ResponseMetadataResult:
        return self.request.send(folders.create_folder(self._ctx, options))

    def delete_folder(self, options: Any = None) -> ResponseMetadataResult:
        return self.request.send(folders.delete_folder(self._ctx, options))

    def copy_folder(self, options: Any = None) -> FolderResult:
        return self.request.send(folders.copy_folder(self._ctx, options))

    def move_folder(self, options: Any = None) -> FolderResult:
        return self.request.send(folders.move_folder(self._ctx, options))

    def get_bulk_job_status(self, job_id: Any) -> GetBulkJobStatusResult:
        return self.request.send(folders.get_bulk_job_status(self._ctx, job_id))

    def purge_cache(self, file_url: Any = None) -> PurgeCacheResult:
        return self.request.send(purge.purge_cache(self._ctx, file_url))

    def get_purge_cache_status(self, cache_request_id: Any = None) -> PurgeCacheStatusResult:
        return self.request.send(purge.get_purge_cache_status(self._ctx, cache_request_id))

    def get_metadata(self, file_id: Any = None) -> GetMetadataResult:
        return self.request.send(metadata.get_metadata(self._ctx, file_id))

    def get_metadata_from_remote_url(self, remote_file_url: Any) -> GetMetadataResult:
        return self.request.send(metadata.get_remote_url_metadata(self._ctx, remote_file_url))

    def create_custom_metadata_fields(
        self, options: Any = None
    ) -> CustomMetadataFieldsResultWithResponseMetadata:
        return self.request.send(custom_fields.create_custom_metadata_fields(self._ctx, options))

    def get_custom_metadata_fields(
        self, include_deleted: bool = False
    ) -> ListCustomMetadataFieldsResult:
        operation = custom_fields.get_custom_metadata_fields(self._ctx, include_deleted)
        return self.request.send(operation)

    def update_custom_metadata_fields(
        self, field_id: Any, options: Any = None
    ) -> CustomMetadataFieldsResultWithResponseMetadata:
        operation = custom_fields.update_custom_metadata_fields(self._ctx, field_id, options)
        return self.request.send(operation)

    def delete_custom_metadata_field(self, field_id: Any) -> ResponseMetadataResult:
        operation = custom_fields.delete_custom_metadata_field(self._ctx, field_id)
        return self.request.send(operation)

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
