"""The newest official ``imagekitio`` 5.x package, ``base_url=`` our server, against it.

Each test runs one scenario of ``scripts/official_v5.py`` in the 5.x environment. Besides the
statuses and fields, every successful body must parse into the 5.x model the client expects
(the scenario reports the model's class name).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from tests.compat.environments import RunScenario, installed_version
from tests.compat.images import (
    BLUE,
    RED,
    alpha_at,
    assert_colour,
    assert_two_colour,
    fetch,
    is_grey,
    largest_difference,
    size_of,
)
from tests.compat.samples import GREEN, JPEG_SIZE, PNG_SIZE


def succeeded(result: dict[str, Any], status: int, model: str) -> Any:
    assert result.get("status") == status, result
    assert result["model"] == model, result
    return result["raw"]


def test_the_environment_holds_an_official_5x(official_v5_python: Path) -> None:
    assert installed_version(official_v5_python).startswith("5.")


def test_files_upload_list_get_update_delete(run_v5: RunScenario) -> None:
    result = run_v5("files")
    uploaded = succeeded(result["bytes"], 200, "FileUploadResponse")
    assert uploaded["tags"] == ["x", "y"]
    assert uploaded["isPrivateFile"] is False
    assert uploaded["isPublished"] is True
    from_path = succeeded(result["path"], 200, "FileUploadResponse")
    assert size_of(fetch(from_path["url"]).content) == JPEG_SIZE
    listed = succeeded(result["listed"], 200, "list")
    assert [item["name"] for item in listed] == ["a.png", "b.jpg"]
    searched = succeeded(result["searched"], 200, "list")
    assert [item["fileId"] for item in searched] == [uploaded["fileId"]]
    got = succeeded(result["got"], 200, "File")
    assert got["fileId"] == uploaded["fileId"]
    updated = succeeded(result["updated"], 200, "FileUpdateResponse")
    assert updated["tags"] == ["z"]
    assert updated["customCoordinates"] == "1,1,2,2"
    assert succeeded(result["published"], 200, "FileUpdateResponse")["isPublished"] is False
    tagged = succeeded(result["tags_added"], 200, "BulkAddTagsResponse")
    assert tagged["successfullyUpdatedFileIds"] == [uploaded["fileId"]]
    assert sorted(succeeded(result["after"], 200, "File")["tags"]) == ["w", "z"]
    metadata = succeeded(result["metadata"], 200, "Metadata")
    assert (metadata["width"], metadata["height"]) == PNG_SIZE
    assert len(succeeded(result["versions"], 200, "list")) == 1
    assert result["deleted"]["status"] == 204
    assert result["missing"]["error"] == "NotFoundError"
    fetch(uploaded["url"], expected_status=404)


def test_folders_copy_rename_delete(run_v5: RunScenario) -> None:
    result = run_v5("folders")
    succeeded(result["created"], 201, "FolderCreateResponse")
    for step, kind in (("copy", "COPY_FOLDER"), ("rename", "RENAME_FOLDER")):
        status = succeeded(result[f"{step}_job"], 200, "JobGetResponse")
        assert (status["type"], status["status"]) == (kind, "Completed")
    # copyFolder puts the source folder inside the destination; renaming keeps that.
    listed = succeeded(result["listed"], 200, "list")
    assert [item["type"] for item in listed] == ["folder"]
    assert listed[0]["folderPath"].endswith("-new/" + listed[0]["name"])
    assert result["deleted"]["status"] == 204
    assert result["deleted_again"]["error"] == "NotFoundError"
    assert result["deleted_again"]["body"]["message"]


def test_custom_metadata_fields(run_v5: RunScenario) -> None:
    result = run_v5("custom_metadata")
    created = succeeded(result["created"], 201, "CustomMetadataField")
    assert created["schema"] == {"type": "SingleSelect", "selectOptions": ["small", "large"]}
    uploaded = succeeded(result["upload"], 200, "FileUploadResponse")
    assert uploaded["customMetadata"] == {created["name"]: "large"}
    assert result["refused"]["error"] == "BadRequestError"
    updated = succeeded(result["updated"], 200, "CustomMetadataField")
    assert updated["label"] == f"{created['name']} label"
    assert created["id"] in [field["id"] for field in succeeded(result["listed"], 200, "list")]
    assert result["deleted"]["status"] == 204
    after = succeeded(result["listed_after"], 200, "list")
    assert created["id"] not in [field["id"] for field in after]


def test_versions_and_cache_invalidation(run_v5: RunScenario) -> None:
    result = run_v5("versions_and_cache")
    first = succeeded(result["first"], 200, "FileUploadResponse")
    second = succeeded(result["second"], 200, "FileUploadResponse")
    assert second["versionInfo"]["name"] == "Version 2"
    one = succeeded(result["one"], 200, "File")
    assert one["versionInfo"]["id"] == first["versionInfo"]["id"]
    restored = succeeded(result["restored"], 200, "File")
    assert restored["versionInfo"]["id"] == first["versionInfo"]["id"]
    assert succeeded(result["invalidation"], 201, "InvalidationCreateResponse")["requestId"]
    status = succeeded(result["invalidation_status"], 200, "InvalidationGetResponse")
    assert status["status"] in {"Pending", "Completed"}


def test_helper_urls_of_a_private_file(run_v5: RunScenario) -> None:
    result = run_v5("urls")
    succeeded(result["uploaded"], 200, "FileUploadResponse")
    fetch(result["unsigned"], expected_status=401)
    assert_two_colour(fetch(result["signed"]).content, PNG_SIZE)
    assert_two_colour(fetch(result["signed_transformed"]).content, (40, 20))
    assert_two_colour(fetch(result["signed_query"]).content, (40, 20))


def test_origins_and_url_endpoints(run_v5: RunScenario) -> None:
    result = run_v5("origins")
    origin = succeeded(result["created"], 200, "WebFolder")
    assert origin["type"] == "WEB_FOLDER"
    assert (result["refused_loop"]["error"], result["refused_loop"]["status"]) == (
        "BadRequestError",
        400,
    )
    assert origin["id"] in [item["id"] for item in succeeded(result["listed"], 200, "list")]
    assert succeeded(result["got"], 200, "WebFolder")["name"] == origin["name"]
    assert succeeded(result["updated"], 200, "WebFolder")["name"] == origin["name"] + "-2"
    endpoint = succeeded(result["endpoint"], 200, "URLEndpointResponse")
    assert endpoint["origins"] == [origin["id"]]
    listed = succeeded(result["endpoints_listed"], 200, "list")
    assert endpoint["id"] in [item["id"] for item in listed]
    assert succeeded(result["endpoint_got"], 200, "URLEndpointResponse") == endpoint
    # The endpoint's prefix serves the origin's files, transformations included.
    assert_two_colour(fetch(result["delivery_url"]).content, PNG_SIZE)
    assert_two_colour(fetch(result["delivery_url_transformed"]).content, (40, 20))
    cleanup = run_v5("cleanup_origins")
    assert [item["status"] for item in cleanup["endpoints"]] == [204]
    assert [item["status"] for item in cleanup["origins"]] == [204]
    assert succeeded(cleanup["left"], 200, "list") == []


def test_errors_map_to_the_5x_exception_classes(run_v5: RunScenario) -> None:
    result = run_v5("errors")
    assert (result["wrong_key"]["error"], result["wrong_key"]["status"]) == (
        "PermissionDeniedError",
        403,
    )
    assert result["bad_query"]["error"] == "BadRequestError"
    assert result["missing_version"]["error"] == "NotFoundError"
    for error in result.values():
        assert set(error["body"]) >= {"message", "help"}


def test_file_operations(run_v5: RunScenario) -> None:
    result = run_v5("file_operations")
    source = succeeded(result["source"], 200, "FileUploadResponse")
    remote = succeeded(result["remote_metadata"], 200, "Metadata")
    assert (remote["width"], remote["height"]) == PNG_SIZE
    assert succeeded(result["tags_removed"], 200, "BulkRemoveTagsResponse")[
        "successfullyUpdatedFileIds"
    ] == [source["fileId"]]
    for step in ("version_deleted", "copied", "moved"):
        assert result[step]["status"] == 204, result[step]
    succeeded(result["renamed"], 200, "FileRenameResponse")
    assert len(result["copy_ids"]) == 1
    deleted = succeeded(result["bulk_deleted"], 200, "BulkDeleteResponse")
    assert deleted["successfullyDeletedFileIds"] == result["copy_ids"]
    job = succeeded(result["folder_move_job"], 200, "JobGetResponse")
    assert (job["type"], job["status"]) == ("MOVE_FOLDER", "Completed")
    final = succeeded(result["final"], 200, "File")
    assert final["filePath"].endswith("/archive/moved/r.png")
    assert final["tags"] == ["keep"]
    assert final["versionInfo"]["name"] == "Version 2"
    assert_two_colour(fetch(final["url"]).content, PNG_SIZE)
    folders = sorted(item["name"] for item in succeeded(result["folders"], 200, "list"))
    assert folders == ["archive", "copies"]


def test_signed_urls_of_names_with_spaces_and_accents(run_v5: RunScenario) -> None:
    result = run_v5("unusual_names")
    uploaded = succeeded(result["uploaded"], 200, "FileUploadResponse")
    assert uploaded["name"] == "ma_photo_ñ.png"
    fetch(uploaded["url"], expected_status=401)
    assert_two_colour(fetch(result["signed"]).content, PNG_SIZE)
    assert_two_colour(fetch(result["signed_transformed"]).content, (40, 20))


GREEN_LAYER = (0, 255, 0)


def test_transformation_urls_built_by_the_5x_helper(run_v5: RunScenario) -> None:
    urls = run_v5("transformations")
    image = {name: fetch(url) for name, url in urls.items()}
    pixels = {name: response.content for name, response in image.items()}

    assert size_of(pixels["rotate"]) == (40, 80)
    assert_colour(pixels["rotate"], 20, 20, RED)
    assert_colour(pixels["rotate"], 20, 60, BLUE)
    assert_colour(pixels["flip"], 20, 20, BLUE)
    assert_colour(pixels["flip"], 60, 20, RED)
    assert size_of(pixels["extract"]) == (40, 40)
    assert_colour(pixels["extract"], 20, 20, BLUE)
    assert image["jpeg"].headers["content-type"] == "image/jpeg"
    assert_two_colour(pixels["jpeg"], PNG_SIZE)
    assert size_of(pixels["pad"]) == (80, 80)
    assert_colour(pixels["pad"], 40, 5, GREEN_LAYER)
    assert_colour(pixels["pad"], 20, 40, RED)
    assert_colour(pixels["pad"], 60, 40, BLUE)
    assert is_grey(pixels["grayscale"], 20, 20) and is_grey(pixels["grayscale"], 60, 20)
    assert size_of(pixels["chain"]) == (40, 20)
    assert_colour(pixels["chain"], 10, 10, BLUE)
    assert_colour(pixels["chain"], 30, 10, RED)
    assert_two_colour(pixels["raw"], (40, 20))
    assert_two_colour(pixels["dpr"], (40, 20))
    assert size_of(pixels["border"]) == (90, 50)
    assert_colour(pixels["border"], 1, 1, GREEN_LAYER)
    assert_colour(pixels["border"], 20, 25, RED)
    assert size_of(pixels["aspect"]) == (40, 40)
    assert_colour(pixels["blur"], 5, 20, RED)
    assert alpha_at(pixels["rounded"], 0, 0) == 0
    assert alpha_at(pixels["rounded"], 40, 20) == 255
    # The builder leaves out a (0, 0) position, so layers sit in the centre.
    for layer, colour in (("solid_layer", GREEN_LAYER), ("image_layer", GREEN)):
        assert size_of(pixels[layer]) == PNG_SIZE
        assert_colour(pixels[layer], 40, 20, colour)
        assert_colour(pixels[layer], 5, 20, RED)
        assert_colour(pixels[layer], 75, 20, BLUE)
    # Text drawn over the image changes pixels; signing the same URL changes none.
    assert largest_difference(pixels["text_layer"], pixels["jpeg"]) > 100
    assert largest_difference(pixels["text_layer"], pixels["signed_text_layer"]) < 1


def test_named_transformations(run_v5: RunScenario) -> None:
    result = run_v5("named_transformations")
    # ImageKit does not say whether creating answers 200 or 201; the client accepts both.
    status = result["created"].get("status")
    created = succeeded(
        result["created"], status if status in (200, 201) else 200, "NamedTransformation"
    )
    assert (created["transformation"], created["enabled"]) == ("w-40,h-20", True)
    assert created["id"] in [item["id"] for item in succeeded(result["listed"], 200, "list")]
    assert succeeded(result["got"], 200, "NamedTransformation")["name"] == created["name"]
    assert "n-" in result["url"]
    assert result["delivered"]["status"] == 200
    assert_two_colour(base64.b64decode(result["delivered"]["body"]), (40, 20))
    assert succeeded(result["updated"], 200, "NamedTransformation")["transformation"] == (
        "w-20,h-10"
    )
    assert size_of(base64.b64decode(result["delivered_updated"]["body"])) == (20, 10)
    assert succeeded(result["disabled"], 200, "NamedTransformation")["enabled"] is False
    assert result["delivered_disabled"]["status"] == 400
    assert result["deleted"]["status"] == 204


def test_async_client_and_upload_options(run_v5: RunScenario) -> None:
    result = run_v5("async_client")
    uploaded = result["uploaded"]
    assert (uploaded["width"], uploaded["height"]) == (40, 20)  # the pre-transformation
    assert uploaded["isPublished"] is False
    assert result["got"]["fileId"] == uploaded["fileId"]
    assert result["got"]["isPublished"] is False
    assert [asset["fileId"] for asset in result["listed"]] == [uploaded["fileId"]]
    assert result["refused"] == 400
    fetch(uploaded["url"], expected_status=404)  # a draft is not delivered


def test_saved_extensions(run_v5: RunScenario) -> None:
    result = run_v5("saved_extensions")
    created = succeeded(result["created"], 200, "SavedExtension")
    assert created["config"] == {"name": "google-auto-tagging", "maxTags": 5, "minConfidence": 80}
    assert created["id"] in [item["id"] for item in succeeded(result["listed"], 200, "list")]
    assert succeeded(result["got"], 200, "SavedExtension")["name"] == "tags"
    updated = succeeded(result["updated"], 200, "SavedExtension")
    assert (updated["config"], updated["description"]) == (
        {"name": "ai-auto-description"},
        "auto tags",
    )
    assert (result["refused"]["error"], result["refused"]["status"]) == ("BadRequestError", 400)
    # A saved extension runs by id: the built-in describer writes the description.
    uploaded = succeeded(result["upload_with_saved"], 200, "FileUploadResponse")
    assert uploaded["extensionStatus"] == {"ai-auto-description": "success"}
    assert uploaded["description"]
    assert result["deleted"]["status"] == 204
    assert result["got_deleted"]["status"] == 404
