"""The 4.x import paths and the signatures of the public API, against a stored snapshot.

A deliberate API change updates the snapshot: ``IMAGEKIT_UPDATE_SURFACE=1 pytest <this file>``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pathlib
from typing import Any

import imagekitio
import imagekitio.errors

SNAPSHOT = pathlib.Path(__file__).with_name("public_surface.json")

MODELS = [
    "UploadFileRequestOptions",
    "ListAndSearchFileRequestOptions",
    "UpdateFileRequestOptions",
    "CopyFileRequestOptions",
    "MoveFileRequestOptions",
    "RenameFileRequestOptions",
    "CreateFolderRequestOptions",
    "DeleteFolderRequestOptions",
    "CopyFolderRequestOptions",
    "MoveFolderRequestOptions",
    "CreateCustomMetadataFieldsRequestOptions",
    "UpdateCustomMetadataFieldsRequestOptions",
    "CustomMetadataFieldsSchema",
    "CustomMetaDataTypeEnum",
]
RESULTS = [
    "UploadFileResult",
    "FileResult",
    "FileResultWithResponseMetadata",
    "ListFileResult",
    "TagsResult",
    "BulkDeleteFileResult",
    "ResponseMetadataResult",
    "ResponseMetadata",
    "RenameFileResult",
    "FolderResult",
    "GetBulkJobStatusResult",
    "PurgeCacheResult",
    "PurgeCacheStatusResult",
    "GetMetadataResult",
    "MetadataExif",
    "MetadataExifImage",
    "MetadataExifThumbnail",
    "MetadataExifExif",
    "MetadataExifGPS",
    "MetadataExifInteroperability",
    "CustomMetadataFieldsResult",
    "CustomMetadataFieldsResultWithResponseMetadata",
    "ListCustomMetadataFieldsResult",
    "CustomMetadataSchema",
    "AITags",
    "VersionInfo",
    "EmbeddedMetadata",
]
EXCEPTIONS = [
    "BadRequestException",
    "UnauthorizedException",
    "ForbiddenException",
    "NotFoundException",
    "ConflictException",
    "TooManyRequestsException",
    "InternalServerException",
    "PartialSuccessException",
    "UnknownException",
]
FUNCTIONS = {
    "imagekitio.utils.formatter": [
        "camel_to_snake",
        "snake_to_lower_camel",
        "request_formatter",
        "camel_dict_to_snake_dict",
        "flatten_dict",
    ],
    "imagekitio.utils.calculation": ["hamming_distance", "get_authenticated_params"],
    "imagekitio.utils.utils": [
        "get_response_json",
        "populate_response_metadata",
        "general_api_throw_exception",
        "throw_other_exception",
        "convert_to_response_object",
        "convert_to_list_response_object",
        "convert_to_response_metadata_result_object",
    ],
    # Extensions beyond 4.x (docs/sdk-extensions.md).
    "imagekitio.responsive": ["responsive_image_attributes"],
    "imagekitio.webhooks": ["verify_webhook", "signature_header"],
}
URL_METHODS = [
    "get_signature",
    "get_signature_timestamp",
    "transformation_to_str",
    "encodeURI",
    "encode_string_if_required",
    "has_more_than_ascii",
    "generate_url",
    "build_url",
]


def _signature(obj: Any) -> str:
    return str(inspect.signature(obj))


def _public_methods(cls: type) -> dict[str, str]:
    return {
        name: ("async " if inspect.iscoroutinefunction(member) else "") + _signature(member)
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_") or name in ("__init__", "__enter__", "__aenter__")
        if not isinstance(member, type)
    }


def _class_at(module_path: str, name: str) -> type:
    cls = getattr(importlib.import_module(module_path), name)
    assert isinstance(cls, type), f"{module_path}.{name} is not a class"
    return cls


def current_surface() -> dict[str, Any]:
    surface: dict[str, Any] = {}
    for client in ("imagekitio.client.ImageKit", "imagekitio.async_client.AsyncImageKit"):
        module_path, name = client.rsplit(".", 1)
        surface[client] = _public_methods(_class_at(module_path, name))
    for name in MODELS:
        cls = _class_at(f"imagekitio.models.{name}", name)
        surface[f"imagekitio.models.{name}.{name}"] = _signature(cls)
    for name in RESULTS:
        cls = _class_at(f"imagekitio.models.results.{name}", name)
        surface[f"imagekitio.models.results.{name}.{name}"] = _signature(cls)
    for name in EXCEPTIONS:
        cls = _class_at(f"imagekitio.exceptions.{name}", name)
        surface[f"imagekitio.exceptions.{name}.{name}"] = {
            "signature": _signature(cls),
            "bases": [base.__name__ for base in cls.__mro__[1:]],
        }
    for module_path, names in FUNCTIONS.items():
        module = importlib.import_module(module_path)
        for name in names:
            surface[f"{module_path}.{name}"] = _signature(getattr(module, name))
    surface["imagekitio.errors.__all__"] = imagekitio.errors.__all__
    return surface


def test_public_surface_matches_snapshot() -> None:
    surface = current_surface()
    if os.environ.get("IMAGEKIT_UPDATE_SURFACE"):
        SNAPSHOT.write_text(json.dumps(surface, indent=2, sort_keys=True) + "\n")
    assert surface == json.loads(SNAPSHOT.read_text())


def test_4x_import_paths_and_constants_exist() -> None:
    from imagekitio import ImageKit
    from imagekitio.client import ImageKit as ClientImageKit
    from imagekitio.constants.errors import ERRORS
    from imagekitio.constants.files import VALID_FILE_OPTIONS, VALID_UPLOAD_OPTIONS
    from imagekitio.constants.url import URL
    from imagekitio.file import File
    from imagekitio.resource import ImageKitRequest
    from imagekitio.url import Url
    from imagekitio.utils.calculation import DEFAULT_TIME_DIFF

    assert ImageKit is ClientImageKit
    assert (
        imagekitio.AsyncImageKit is importlib.import_module("imagekitio.async_client").AsyncImageKit
    )
    assert (URL.API_BASE_URL, URL.UPLOAD_BASE_URL, URL.BULK_FILE_DELETE) == (
        "https://api.imagekit.io",
        "https://upload.imagekit.io",
        "/batch/deleteByFileIds",
    )
    assert "includeFolder" in VALID_FILE_OPTIONS and "is_published" in VALID_UPLOAD_OPTIONS
    assert ERRORS.INVALID_PHASH_VALUE.value[0]["message"] == "Invalid pHash value"
    assert DEFAULT_TIME_DIFF == 1800
    assert all(callable(getattr(Url, name)) for name in URL_METHODS)
    assert inspect.isclass(File) and inspect.isclass(ImageKitRequest)
    assert importlib.import_module("imagekitio.models").__dict__.get("UploadFileResult") is None


def test_error_tree_all_is_sorted_and_complete() -> None:
    exported = imagekitio.errors.__all__
    assert exported == sorted(exported)
    defined = {
        name
        for name, value in vars(imagekitio.errors).items()
        if isinstance(value, type) and issubclass(value, Exception)
    }
    assert set(exported) == defined


def test_sync_and_async_clients_have_the_same_methods() -> None:
    surface = current_surface()
    sync = surface["imagekitio.client.ImageKit"]
    async_ = surface["imagekitio.async_client.AsyncImageKit"]
    shared = set(sync) - {"close", "__enter__"}
    assert shared <= set(async_)
    # Methods without I/O are plain functions on both clients.
    computed = {"url", "phash_distance", "get_authentication_parameters"}
    computed |= {"responsive_image_attributes", "verify_webhook_event"}
    for name in shared - {"__init__", *computed}:
        assert async_[name] == "async " + sync[name], name
    for name in computed:
        assert async_[name] == sync[name], name
