"""The official ``imagekitio`` 4.2.0 package, hosts repointed, against the real server.

Each test runs one scenario of ``scripts/official_v4.py`` in the 4.x environment and judges
what the official client returned: statuses, fields, the exception classes it raised, and the
pixels of the images the server delivers at the URLs it built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from tests.compat.environments import RunScenario, installed_version
from tests.compat.images import (
    BLUE,
    RED,
    assert_colour,
    assert_two_colour,
    colour_at,
    fetch,
    is_grey,
    largest_difference,
    size_of,
)
from tests.compat.samples import GREEN, JPEG_SIZE, PNG_SIZE, SampleImages
from tests.fixtures.live_server import LiveServer

MISSING_ID = "0123456789abcdef01234567"


def names(listing: dict[str, Any]) -> list[str]:
    assert listing["status"] == 200, listing
    return [item["name"] for item in listing["raw"]]


def test_the_environment_holds_the_official_4_2_0(official_v4_python: Path) -> None:
    assert installed_version(official_v4_python) == "4.2.0"


def test_uploads_from_bytes_file_base64_and_url(run_v4: RunScenario) -> None:
    result = run_v4("upload")
    for source, name in [("bytes", "b.png"), ("base64", "c.png"), ("url", "u.png")]:
        uploaded = result[source]
        assert uploaded["status"] == 200, (source, uploaded)
        assert uploaded["raw"]["name"] == name
        assert (uploaded["raw"]["width"], uploaded["raw"]["height"]) == PNG_SIZE
        assert_two_colour(fetch(uploaded["raw"]["url"]).content, PNG_SIZE)
    from_file = result["file"]
    assert from_file["status"] == 200, from_file
    assert from_file["raw"]["name"] == "f.jpg"
    jpeg = fetch(from_file["raw"]["url"]).content
    assert size_of(jpeg) == JPEG_SIZE
    assert_colour(jpeg, 30, 15, GREEN)


def test_upload_answers_the_requested_response_fields(run_v4: RunScenario) -> None:
    raw = run_v4("upload")["bytes"]["raw"]
    assert raw["tags"] == ["red", "blue"]
    assert raw["customCoordinates"] == "1,2,3,4"
    assert raw["isPrivateFile"] is False
    assert raw["filePath"].endswith("/b.png")
    assert raw["versionInfo"]["name"] == "Version 1"
    # The thumbnail URL names the built-in media library thumbnail transformation.
    width, height = size_of(fetch(raw["thumbnailUrl"]).content)
    assert 0 < width <= PNG_SIZE[0] and 0 < height <= PNG_SIZE[1]


def test_upload_result_object_is_filled(run_v4: RunScenario) -> None:
    typed = run_v4("upload")["typed"]
    assert typed["name"] == "t.png"
    assert typed["file_path"].endswith("/t.png")
    assert (typed["width"], typed["height"]) == PNG_SIZE
    assert typed["file_type"] == "image"
    assert typed["size"] > 0
    assert len(typed["file_id"]) == 24
    assert typed["version_id"] == typed["file_id"]


def test_list_and_search(run_v4: RunScenario) -> None:
    result = run_v4("list")
    assert names(result["by_path"]) == ["item-0.png", "item-1.png", "item-2.png"]
    assert sorted(names(result["by_tag"])) == ["item-0.png", "item-2.png"]
    assert names(result["by_query"]) == ["item-1.png"]
    assert names(result["paged"]) == ["item-1.png"]
    assert sorted(names(result["files_only"])) == ["item-0.png", "item-1.png", "item-2.png"]
    assert {"item-0.png", "item-1.png"} <= set(names(result["all"]))


def test_details_and_update(run_v4: RunScenario) -> None:
    result = run_v4("details")
    file_id = result["uploaded"]["raw"]["fileId"]
    details = result["details"]
    assert details["status"] == 200
    assert details["raw"]["fileId"] == file_id
    assert details["raw"]["mime"] == "image/png"
    assert (details["raw"]["width"], details["raw"]["height"]) == PNG_SIZE
    updated = result["updated"]["raw"]
    assert updated["tags"] == ["updated"]
    assert updated["customCoordinates"] == "5,6,7,8"
    assert result["unpublished"]["raw"]["isPublished"] is False
    assert result["after"]["raw"]["tags"] == ["updated"]
    assert result["after"]["raw"]["isPublished"] is False
    # The 4.x client maps a 404 of get_file_details to UnknownException.
    assert result["missing"] == {
        "error": "UnknownException",
        "message": "The requested file does not exist.",
        "status": 404,
    }
    fetch(result["uploaded"]["raw"]["url"], expected_status=404)


def test_versions(run_v4: RunScenario) -> None:
    result = run_v4("versions")
    first, second = result["first"]["raw"], result["second"]["raw"]
    assert second["fileId"] == first["fileId"]
    assert second["versionInfo"]["name"] == "Version 2"
    assert (second["width"], second["height"]) == JPEG_SIZE
    listed = result["listed"]["raw"]
    assert [item["versionInfo"]["name"] for item in listed] == ["Version 2", "Version 1"]
    one = result["one"]["raw"]
    assert one["versionInfo"]["id"] == first["versionInfo"]["id"]
    assert (one["width"], one["height"]) == PNG_SIZE
    old_version_bytes = fetch(one["url"]).content
    assert_two_colour(old_version_bytes, PNG_SIZE)
    restored = result["restored"]["raw"]
    assert restored["versionInfo"]["id"] == first["versionInfo"]["id"]
    assert_two_colour(fetch(restored["url"]).content, PNG_SIZE)
    assert result["current"]["raw"]["versionInfo"]["id"] == first["versionInfo"]["id"]
    assert result["deleted"]["status"] == 204
    remaining = [item["versionInfo"]["id"] for item in result["after_delete"]["raw"]]
    assert remaining == [first["versionInfo"]["id"]]
    assert result["delete_current"]["error"] == "BadRequestException"


def test_tags(run_v4: RunScenario) -> None:
    result = run_v4("tags")
    for step in ("added", "removed", "ai_removed"):
        assert result[step]["status"] == 200, result[step]
        assert sorted(result[step]["raw"]["successfullyUpdatedFileIds"]) == sorted(result["ids"])
    assert [details["raw"]["tags"] for details in result["details"]] == [["two"], ["two"]]
    assert result["missing"]["error"] == "NotFoundException"
    assert result["missing"]["status"] == 404


def test_copy_move_rename_and_delete(run_v4: RunScenario) -> None:
    result = run_v4("file_operations")
    assert result["copied"]["status"] == 204
    assert result["moved"]["status"] == 204
    assert result["renamed"]["status"] == 200
    assert result["renamed"]["raw"]["purgeRequestId"]
    assert names(result["in_src"]) == []
    assert names(result["in_copies"]) == ["s.png"]
    assert names(result["in_moved"]) == ["renamed.png"]
    # The moved file keeps its id, so deleting the source's id at the end removes it.
    assert result["in_moved"]["raw"][0]["fileId"] == result["source_id"]
    assert_two_colour(fetch(result["in_copies"]["raw"][0]["url"]).content, PNG_SIZE)
    fetch(result["in_moved"]["raw"][0]["url"], expected_status=404)
    deleted = [
        result[step]["raw"]["successfullyDeletedFileIds"]
        for step in ("bulk_deleted", "legacy_bulk_deleted")
    ]
    assert [len(ids) for ids in deleted] == [1, 1]
    assert result["bulk_missing"]["error"] == "NotFoundException"
    assert result["deleted"]["status"] == 204
    assert result["after_delete"]["status"] == 404


def test_folders_and_bulk_jobs(run_v4: RunScenario) -> None:
    result = run_v4("folders")
    assert result["created"]["status"] == 201
    for job in ("copy", "move"):
        started, status = result[f"{job}_job"], result[f"{job}_status"]
        assert started["status"] == 200
        assert status["raw"]["jobId"] == started["raw"]["jobId"]
        assert status["raw"]["type"] == f"{job.upper()}_FOLDER"
        assert status["raw"]["status"] == "Completed"
    folders = [item["name"] for item in result["listing"]["raw"] if item["type"] == "folder"]
    assert folders == ["elsewhere", "target"]
    assert result["deleted"]["status"] == 204
    assert result["deleted_again"]["error"] == "NotFoundException"
    assert result["unknown_job"]["status"] == 404


def test_purge(run_v4: RunScenario) -> None:
    result = run_v4("purge")
    assert result["purge"]["status"] == 201
    assert result["purge"]["raw"]["requestId"]
    for step in ("status", "legacy_status"):
        assert result[step]["raw"]["status"] in {"Pending", "Completed"}
    assert result["legacy_purge"]["status"] == 201


def test_metadata(run_v4: RunScenario) -> None:
    result = run_v4("metadata")
    for source in ("file", "legacy", "remote", "legacy_remote"):
        metadata = result[source]
        assert metadata["status"] == 200, (source, metadata)
        assert (metadata["raw"]["width"], metadata["raw"]["height"]) == PNG_SIZE
        assert metadata["raw"]["format"] == "png"
        assert len(metadata["raw"]["pHash"]) == 16
    assert result["file"]["raw"]["pHash"] == result["remote"]["raw"]["pHash"]


def test_custom_metadata_fields(run_v4: RunScenario) -> None:
    result = run_v4("custom_metadata")
    created = result["created"]
    assert created["status"] == 201
    assert created["raw"]["schema"] == {"type": "Number", "minValue": 1, "maxValue": 100}
    assert result["duplicate"]["error"] == "BadRequestException"
    name = created["raw"]["name"]
    assert result["details"]["raw"]["customMetadata"] == {name: 42}
    assert result["out_of_range"]["error"] == "BadRequestException"
    assert result["updated"]["raw"]["label"] == f"{name} relabelled"
    assert result["updated"]["raw"]["schema"]["maxValue"] == 200
    assert name in [field["name"] for field in result["listed"]["raw"]]
    assert result["deleted"]["status"] == 204
    assert name in [field["name"] for field in result["listed_with_deleted"]["raw"]]
    assert result["deleted_again"]["error"] == "NotFoundException"


def test_urls_built_by_the_client_are_served(run_v4: RunScenario) -> None:
    result = run_v4("urls")
    assert_two_colour(fetch(result["plain"]).content, PNG_SIZE)
    assert_two_colour(fetch(result["signed_forever"]).content, PNG_SIZE)
    for key in ("path_transform", "query_transform", "signed", "src"):
        assert_two_colour(fetch(result[key]).content, (40, 20))
    assert result["phash_distance"] == 0


def test_signed_url_tampering_is_refused(run_v4: RunScenario) -> None:
    signed = run_v4("urls")["signed"]
    fetch(signed.replace("tr:w-40,h-20", "tr:w-41,h-20"), expected_status=401)


def test_private_files_need_the_clients_signature(run_v4: RunScenario) -> None:
    result = run_v4("private_urls")
    assert result["uploaded"]["status"] == 200
    fetch(result["unsigned"], expected_status=401)
    assert_two_colour(fetch(result["signed"]).content, PNG_SIZE)


def test_client_side_upload_with_authentication_parameters(
    run_v4: RunScenario, compat_server: LiveServer, sample_images: SampleImages
) -> None:
    parameters = run_v4("client_upload")
    fields = {
        "fileName": "browser.png",
        "publicKey": compat_server.public_key,
        "signature": parameters["signature"],
        "expire": str(parameters["expire"]),
        "token": parameters["token"],
    }
    with sample_images.png_path.open("rb") as handle:
        response = requests.post(
            f"{compat_server.base_url}/api/v1/files/upload",
            data=fields,
            files={"file": ("browser.png", handle)},
            timeout=30,
        )
    assert response.status_code == 200, response.text
    assert_two_colour(fetch(response.json()["url"]).content, PNG_SIZE)


def test_errors_map_to_the_4x_exception_classes(run_v4: RunScenario) -> None:
    result = run_v4("errors")
    assert result["wrong_key"]["error"] == "ForbiddenException"
    assert result["wrong_key"]["status"] == 403
    assert result["bad_list"]["error"] == "BadRequestException"
    # 4.x's delete_file, like get_file_details, raises UnknownException for a 404.
    assert result["missing_file"]["error"] == "UnknownException"
    assert result["missing_file"]["status"] == 404


def test_names_with_spaces_and_accents(run_v4: RunScenario) -> None:
    result = run_v4("unusual_names")
    uploaded = result["uploaded"]
    assert uploaded["status"] == 200, uploaded
    # Like ImageKit, characters outside letters, digits, '.', '-', '_' become '_'.
    assert uploaded["raw"]["name"] == "ma_photo_ñ.png"
    assert uploaded["raw"]["filePath"].endswith("/dossier_été/ma_photo_ñ.png")
    assert_two_colour(fetch(uploaded["raw"]["url"]).content, PNG_SIZE)
    assert_two_colour(fetch(result["plain"]).content, PNG_SIZE)
    assert_two_colour(fetch(result["signed"]).content, PNG_SIZE)
    assert_two_colour(fetch(result["signed_transformed"]).content, (40, 20))
    assert names(result["listed"]) == ["ma_photo_ñ.png"]
    assert names(result["searched"]) == ["ma_photo_ñ.png"]


def test_less_common_upload_options(run_v4: RunScenario) -> None:
    result = run_v4("upload_options")
    first, second = result["unique_1"]["raw"]["name"], result["unique_2"]["raw"]["name"]
    assert first != second
    assert first.startswith("same_") and second.startswith("same_")
    draft = result["draft"]["raw"]
    assert draft["isPublished"] is False
    fetch(draft["url"], expected_status=404)
    pre = result["pre"]["raw"]
    assert (pre["width"], pre["height"]) == (40, 20)
    assert_two_colour(fetch(pre["url"]).content, (40, 20))
    assert result["checks_pass"]["status"] == 200
    assert result["checks_fail"]["error"] == "BadRequestException"
    assert result["no_overwrite"]["raw"]["name"] == "same.png"
    assert result["conflict"]["error"] == "BadRequestException"
    assert result["extension"]["error"] == "BadRequestException"


def test_transformation_urls_built_by_the_4x_client(run_v4: RunScenario) -> None:
    urls = run_v4("transformations")
    image = {name: fetch(url) for name, url in urls.items()}
    pixels = {name: response.content for name, response in image.items()}
    assert is_grey(pixels["gray"], 20, 20) and is_grey(pixels["gray"], 60, 20)
    assert size_of(pixels["rotate"]) == (40, 80)
    assert_colour(pixels["rotate"], 20, 20, RED)
    assert size_of(pixels["extract"]) == (40, 40)
    assert_colour(pixels["extract"], 20, 20, BLUE)
    assert_two_colour(pixels["sharpen"], PNG_SIZE)
    # Contrast stretching may shift hues; the halves stay red and blue dominated.
    left, right = colour_at(pixels["contrast"], 20, 20), colour_at(pixels["contrast"], 60, 20)
    assert left[0] > left[2] + 100 and right[2] > right[0] + 100
    thumbnail = size_of(pixels["named_thumbnail"])
    assert 0 < thumbnail[0] <= PNG_SIZE[0] and 0 < thumbnail[1] <= PNG_SIZE[1]
    assert image["png_lossless"].headers["content-type"] == "image/png"
    assert_two_colour(pixels["png_lossless"], PNG_SIZE)
    assert largest_difference(pixels["text_layer"], pixels["png_lossless"]) > 100
    assert size_of(pixels["chain"]) == (40, 20)
    assert_colour(pixels["chain"], 10, 10, BLUE)
    # A missing original falls back to the default image, transformed.
    assert_two_colour(pixels["default_image"], (40, 20))
