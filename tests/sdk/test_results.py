"""JSON responses become the 4.x result objects (docs/reference/sdk.md §6)."""

from __future__ import annotations

import copy
import pickle

from imagekitio import ImageKit
from imagekitio.models.results.AITags import AITags
from imagekitio.models.results.FileResult import FileResult
from imagekitio.models.results.UploadFileResult import UploadFileResult
from tests.fixtures.recording_server import RecordingServer, Reply

FILE = {
    "type": "file",
    "fileId": "f1",
    "name": "a.jpg",
    "filePath": "/a.jpg",
    "AITags": [{"name": "car", "confidence": 90, "source": "google-auto-tagging"}],
    "versionInfo": {"id": "v1", "name": "Version 1"},
    "embeddedMetadata": {"XResolution": 72, "DateCreated": "2020"},
    "customMetadata": {"price": 10},
    "isPublished": True,
    "hasAlpha": False,
    "createdAt": "2019-08-24T06:14:41.313Z",
}


def test_file_details_keep_raw_dicts_and_extras(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(200, FILE))

    result = ik.get_file_details("f1")

    assert result.file_id == "f1"
    assert result.created_at == "2019-08-24T06:14:41.313Z"
    assert result.ai_tags[0].name == "car" and result.ai_tags[0].confidence == 90
    assert result.version_info.id == "v1"
    assert result.embedded_metadata == {"XResolution": 72, "DateCreated": "2020"}
    assert result.custom_metadata == {"price": 10}
    assert result.is_published is True
    assert result.never_sent_attribute is None
    assert "file_id='f1'" in repr(result) and str(result) == repr(result)


def test_list_items_are_file_results(ik: ImageKit, recording_server: RecordingServer) -> None:
    folder = {"type": "folder", "folderId": "d1", "folderPath": "/x", "name": "x"}
    recording_server.reply(Reply(200, [FILE, folder]))

    result = ik.list_files()

    assert [type(item) for item in result.list or []] == [FileResult, FileResult]
    assert result.list is not None
    assert result.list[1].folder_path == "/x"
    assert result.list[1].ai_tags == []
    assert result.response_metadata.raw == [FILE, folder]


def test_upload_result_nests_objects(ik: ImageKit, recording_server: RecordingServer) -> None:
    body = {
        "fileId": "f1",
        "thumbnailUrl": "https://t",
        "AITags": None,
        "versionInfo": {"id": "v1", "name": "Version 1"},
        "embeddedMetadata": {"XResolution": 72, "DPI": 300, "DateTimeCreated": "x"},
        "metadata": {"height": 1},
    }
    recording_server.reply(Reply(200, body))

    result = ik.upload_file("https://example.com/a.jpg", "a.jpg")

    assert isinstance(result, UploadFileResult)
    assert result.thumbnail_url == "https://t"
    (empty_tag,) = result.ai_tags  # 4.x: JSON null -> one empty item
    assert isinstance(empty_tag, AITags)
    assert vars(empty_tag) == {"name": None, "confidence": None, "source": None}
    assert result.embedded_metadata.x_resolution == 72
    assert result.embedded_metadata.dpi == 300
    assert result.embedded_metadata.date_time_created == "x"
    assert result.metadata == {"height": 1}


def test_upload_result_without_ai_tags_or_version_does_not_crash(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(200, {"fileId": "f1"}))

    result = ik.upload_file("https://example.com/a.jpg", "a.jpg")

    assert result.ai_tags == []
    assert result.version_info.id is None


def test_metadata_result_builds_exif_groups(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    body = {
        "height": 68,
        "pHash": "f06830ca9f1e3e90",
        "hasColorProfile": False,
        "exif": {
            "image": {"Make": "Canon", "XResolution": 72, "YCbCrPositioning": 1},
            "exif": {"FNumber": 2.8, "ISO": 100},
            "gps": {"GPSVersionID": [2, 2, 0, 0]},
            "interoperability": {"InteropIndex": "R98"},
            "makernote": {"a": 1},
        },
    }
    recording_server.reply(Reply(200, body))

    result = ik.get_file_metadata("f1")

    assert (result.height, result.p_hash, result.has_color_profile) == (68, body["pHash"], False)
    assert result.exif.image.make == "Canon"
    assert result.exif.image.y_cb_cr_positioning == 1
    assert result.exif.exif.f_number == 2.8 and result.exif.exif.iso == 100
    assert result.exif.gps.gps_version_id == [2, 2, 0, 0]
    assert result.exif.interoperability.interop_index == "R98"
    assert result.exif.thumbnail.compression is None
    assert result.exif.makernote == {"a": 1}


def test_custom_field_schema_is_an_object(ik: ImageKit, recording_server: RecordingServer) -> None:
    body = {"id": "c", "name": "n", "label": "l", "schema": {"type": "Number", "minValue": 1}}
    recording_server.reply(Reply(200, [body, {"id": "d", "name": "m", "label": "k"}]))

    result = ik.get_custom_metadata_fields()

    assert result.list is not None
    assert result.list[0].schema.min_value == 1
    assert result.list[0].schema.type == "Number"
    assert result.list[1].schema.type is None


def test_closed_results_ignore_unknown_keys(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(201, {"requestId": "r1", "extra": 1}), Reply(200, {}))

    purge = ik.purge_cache("https://ik.imagekit.io/demo/a.jpg")
    rename = ik.rename_file(None)

    assert purge.request_id == "r1"
    assert not hasattr(purge, "extra")
    assert rename.purge_request_id is None


def test_create_folder_returns_the_body_as_raw(
    ik: ImageKit, recording_server: RecordingServer
) -> None:
    recording_server.reply(Reply(201, {}))

    result = ik.create_folder(None)

    assert result.response_metadata.raw == {}
    assert result.response_metadata.http_status_code == 201


def test_results_copy_and_pickle(ik: ImageKit, recording_server: RecordingServer) -> None:
    recording_server.reply(Reply(200, FILE))

    result = ik.get_file_details("f1")

    clone = pickle.loads(pickle.dumps(result))
    assert clone.file_id == "f1" and clone.version_info.name == "Version 1"
    assert copy.deepcopy(result).ai_tags[0].source == "google-auto-tagging"
