"""Every API method of the 4.x surface: how to call it, and what it must send
(docs/reference/api.md §3-4).

Shared by the sync and async request tests and by the error-matrix tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imagekitio.models.CopyFileRequestOptions import CopyFileRequestOptions
from imagekitio.models.CopyFolderRequestOptions import CopyFolderRequestOptions
from imagekitio.models.CreateCustomMetadataFieldsRequestOptions import (
    CreateCustomMetadataFieldsRequestOptions,
)
from imagekitio.models.CreateFolderRequestOptions import CreateFolderRequestOptions
from imagekitio.models.CustomMetadataFieldsSchema import CustomMetadataFieldsSchema
from imagekitio.models.CustomMetaDataTypeEnum import CustomMetaDataTypeEnum
from imagekitio.models.DeleteFolderRequestOptions import DeleteFolderRequestOptions
from imagekitio.models.ListAndSearchFileRequestOptions import ListAndSearchFileRequestOptions
from imagekitio.models.MoveFileRequestOptions import MoveFileRequestOptions
from imagekitio.models.MoveFolderRequestOptions import MoveFolderRequestOptions
from imagekitio.models.RenameFileRequestOptions import RenameFileRequestOptions
from imagekitio.models.UpdateCustomMetadataFieldsRequestOptions import (
    UpdateCustomMetadataFieldsRequestOptions,
)
from imagekitio.models.UpdateFileRequestOptions import UpdateFileRequestOptions

FILE_BODY = {"fileId": "f1", "name": "a.jpg", "versionInfo": {"id": "v1", "name": "Version 1"}}
UPLOAD_BODY = {**FILE_BODY, "AITags": None}
METADATA_BODY = {"height": 10, "width": 20, "pHash": "f06830ca9f1e3e90", "exif": {}}
FIELD_BODY = {"id": "cf1", "name": "price", "label": "Price", "schema": {"type": "Number"}}

NO_BODY = object()  # the request must carry no body at all


@dataclass(frozen=True)
class MethodCase:
    name: str
    call: Callable[[Any], Any]
    """Calls the method on a client (sync or async; the async result is awaited by the test)."""
    method: str
    path: str
    success: int
    reply: Any = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    body: Any = NO_BODY
    """Expected JSON body; ``b""`` for an empty body, ``NO_BODY`` for none."""
    json_content_type: bool = False
    upload: bool = False


CASES = [
    MethodCase(
        "upload_file",
        lambda ik: ik.upload_file(file="https://example.com/a.jpg", file_name="a.jpg"),
        "POST",
        "/api/v1/files/upload",
        200,
        UPLOAD_BODY,
        upload=True,
    ),
    MethodCase(
        "list_files",
        lambda ik: ik.list_files(
            ListAndSearchFileRequestOptions(
                type="file",
                sort="DESC_CREATED",
                path="/a b/",
                search_query='name = "x" AND size > "1mb"',
                file_type="image",
                limit=5,
                skip=10,
                tags=["t1", "t2"],
            )
        ),
        "GET",
        "/v1/files",
        200,
        [FILE_BODY],
        query=[
            ("type", "file"),
            ("sort", "DESC_CREATED"),
            ("path", "/a b/"),
            ("searchQuery", 'name = "x" AND size > "1mb"'),
            ("fileType", "image"),
            ("limit", "5"),
            ("skip", "10"),
            ("tags", "t1, t2"),
        ],
    ),
    MethodCase(
        "get_file_details",
        lambda ik: ik.get_file_details("f1"),
        "GET",
        "/v1/files/f1/details",
        200,
        FILE_BODY,
    ),
    MethodCase(
        "get_file_versions",
        lambda ik: ik.get_file_versions("f1"),
        "GET",
        "/v1/files/f1/versions",
        200,
        [FILE_BODY],
    ),
    MethodCase(
        "get_file_version_details",
        lambda ik: ik.get_file_version_details("f1", "v2"),
        "GET",
        "/v1/files/f1/versions/v2",
        200,
        FILE_BODY,
    ),
    MethodCase(
        "update_file_details",
        lambda ik: ik.update_file_details(
            "f1",
            UpdateFileRequestOptions(
                remove_ai_tags=["car"],
                webhook_url="https://hook.example/x",
                tags=["a"],
                custom_coordinates="1,2,3,4",
                custom_metadata={"price": 10},
            ),
        ),
        "PATCH",
        "/v1/files/f1/details/",
        200,
        FILE_BODY,
        body={
            "removeAITags": ["car"],
            "webhookUrl": "https://hook.example/x",
            "tags": ["a"],
            "customCoordinates": "1,2,3,4",
            "customMetadata": {"price": 10},
        },
        json_content_type=True,
    ),
    MethodCase(
        "add_tags",
        lambda ik: ik.add_tags(["f1", "f2"], ["a", "b"]),
        "POST",
        "/v1/files/addTags",
        200,
        {"successfullyUpdatedFileIds": ["f1", "f2"]},
        body={"fileIds": ["f1", "f2"], "tags": ["a", "b"]},
        json_content_type=True,
    ),
    MethodCase(
        "remove_tags",
        lambda ik: ik.remove_tags(["f1"], ["a"]),
        "POST",
        "/v1/files/removeTags",
        200,
        {"successfullyUpdatedFileIds": ["f1"]},
        body={"fileIds": ["f1"], "tags": ["a"]},
        json_content_type=True,
    ),
    MethodCase(
        "remove_ai_tags",
        lambda ik: ik.remove_ai_tags(["f1"], ["car"]),
        "POST",
        "/v1/files/removeAITags",
        200,
        {"successfullyUpdatedFileIds": ["f1"]},
        body={"fileIds": ["f1"], "AITags": ["car"]},
        json_content_type=True,
    ),
    MethodCase("delete_file", lambda ik: ik.delete_file("f1"), "DELETE", "/v1/files/f1", 204, None),
    MethodCase(
        "delete_file_version",
        lambda ik: ik.delete_file_version("f1", "v2"),
        "DELETE",
        "/v1/files/f1/versions/v2",
        204,
        None,
        json_content_type=True,
    ),
    MethodCase(
        "bulk_file_delete",
        lambda ik: ik.bulk_file_delete(["f1", "f2"]),
        "POST",
        "/v1/files/batch/deleteByFileIds",
        200,
        {"successfullyDeletedFileIds": ["f1", "f2"]},
        body={"fileIds": ["f1", "f2"]},
        json_content_type=True,
    ),
    MethodCase(
        "copy_file",
        lambda ik: ik.copy_file(
            CopyFileRequestOptions(
                source_file_path="/a.jpg", destination_path="/b/", include_file_versions=True
            )
        ),
        "POST",
        "/v1/files/copy",
        204,
        None,
        body={"sourceFilePath": "/a.jpg", "destinationPath": "/b/", "includeFileVersions": True},
        json_content_type=True,
    ),
    MethodCase(
        "move_file",
        lambda ik: ik.move_file(
            MoveFileRequestOptions(source_file_path="/a.jpg", destination_path="/b/")
        ),
        "POST",
        "/v1/files/move",
        204,
        None,
        body={"sourceFilePath": "/a.jpg", "destinationPath": "/b/"},
        json_content_type=True,
    ),
    MethodCase(
        "rename_file",
        lambda ik: ik.rename_file(
            RenameFileRequestOptions(file_path="/a.jpg", new_file_name="b.jpg", purge_cache=True)
        ),
        "PUT",
        "/v1/files/rename",
        200,
        {"purgeRequestId": "p1"},
        body={"filePath": "/a.jpg", "newFileName": "b.jpg", "purgeCache": True},
        json_content_type=True,
    ),
    MethodCase(
        "restore_file_version",
        lambda ik: ik.restore_file_version("f1", "v2"),
        "PUT",
        "/v1/files/f1/versions/v2/restore",
        200,
        FILE_BODY,
    ),
    MethodCase(
        "create_folder",
        lambda ik: ik.create_folder(
            CreateFolderRequestOptions(folder_name="new", parent_folder_path="/a")
        ),
        "POST",
        "/v1/folder",
        201,
        {},
        body={"folderName": "new", "parentFolderPath": "/a"},
        json_content_type=True,
    ),
    MethodCase(
        "delete_folder",
        lambda ik: ik.delete_folder(DeleteFolderRequestOptions(folder_path="/a")),
        "DELETE",
        "/v1/folder",
        204,
        None,
        body={"folderPath": "/a"},
        json_content_type=True,
    ),
    MethodCase(
        "copy_folder",
        lambda ik: ik.copy_folder(
            CopyFolderRequestOptions(
                source_folder_path="/a", destination_path="/b", include_file_versions=False
            )
        ),
        "POST",
        "/v1/bulkJobs/copyFolder",
        200,
        {"jobId": "j1"},
        body={"sourceFolderPath": "/a", "destinationPath": "/b", "includeFileVersions": False},
        json_content_type=True,
    ),
    MethodCase(
        "move_folder",
        lambda ik: ik.move_folder(
            MoveFolderRequestOptions(source_folder_path="/a", destination_path="/b")
        ),
        "POST",
        "/v1/bulkJobs/moveFolder",
        200,
        {"jobId": "j1"},
        body={"sourceFolderPath": "/a", "destinationPath": "/b"},
        json_content_type=True,
    ),
    MethodCase(
        "get_bulk_job_status",
        lambda ik: ik.get_bulk_job_status("j1"),
        "GET",
        "/v1/bulkJobs/j1",
        200,
        {"jobId": "j1", "type": "COPY_FOLDER", "status": "Completed"},
    ),
    MethodCase(
        "purge_file_cache",
        lambda ik: ik.purge_file_cache("https://ik.imagekit.io/demo/a.jpg"),
        "POST",
        "/v1/files/purge",
        201,
        {"requestId": "r1"},
        body={"url": "https://ik.imagekit.io/demo/a.jpg"},
        json_content_type=True,
    ),
    MethodCase(
        "get_purge_file_cache_status",
        lambda ik: ik.get_purge_file_cache_status("r1"),
        "GET",
        "/v1/files/purge/r1",
        200,
        {"status": "Completed"},
    ),
    MethodCase(
        "get_file_metadata",
        lambda ik: ik.get_file_metadata("f1"),
        "GET",
        "/v1/files/f1/metadata",
        200,
        METADATA_BODY,
    ),
    MethodCase(
        "get_remote_file_url_metadata",
        lambda ik: ik.get_remote_file_url_metadata("https://ik.imagekit.io/demo/a b.jpg"),
        "GET",
        "/v1/metadata",
        200,
        METADATA_BODY,
        query=[("url", "https://ik.imagekit.io/demo/a b.jpg")],
    ),
    MethodCase(
        "create_custom_metadata_fields",
        lambda ik: ik.create_custom_metadata_fields(
            CreateCustomMetadataFieldsRequestOptions(
                name="price",
                label="Price",
                schema=CustomMetadataFieldsSchema(
                    type=CustomMetaDataTypeEnum.Number, min_value=0, max_value=100
                ),
            )
        ),
        "POST",
        "/v1/customMetadataFields",
        201,
        FIELD_BODY,
        body={
            "name": "price",
            "label": "Price",
            "schema": {"type": "Number", "minValue": 0, "maxValue": 100},
        },
        json_content_type=True,
    ),
    MethodCase(
        "get_custom_metadata_fields",
        lambda ik: ik.get_custom_metadata_fields(include_deleted=True),
        "GET",
        "/v1/customMetadataFields",
        200,
        [FIELD_BODY],
        query=[("includeDeleted", "true")],
    ),
    MethodCase(
        "update_custom_metadata_fields",
        lambda ik: ik.update_custom_metadata_fields(
            "cf1", UpdateCustomMetadataFieldsRequestOptions(schema={"max_value": 3})
        ),
        "PATCH",
        "/v1/customMetadataFields/cf1",
        200,
        FIELD_BODY,
        body={"label": None, "schema": {"maxValue": 3}},
        json_content_type=True,
    ),
    MethodCase(
        "delete_custom_metadata_field",
        lambda ik: ik.delete_custom_metadata_field("cf1"),
        "DELETE",
        "/v1/customMetadataFields/cf1",
        204,
        None,
    ),
]

CASES_BY_NAME = {case.name: case for case in CASES}
