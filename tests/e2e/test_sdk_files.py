"""Our SDK over HTTP against the real server, on SQLite + local disk and on PostgreSQL + S3:
upload (every source form), list, details, delete, bulk delete, signed delivery URLs."""

from __future__ import annotations

import base64
import io
import pathlib
import secrets

import pytest
import requests

from imagekitio import ImageKit
from imagekitio.exceptions.BadRequestException import BadRequestException
from imagekitio.exceptions.ForbiddenException import ForbiddenException
from imagekitio.exceptions.NotFoundException import NotFoundException
from imagekitio.exceptions.UnknownException import UnknownException
from imagekitio.models.ListAndSearchFileRequestOptions import ListAndSearchFileRequestOptions
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions
from tests.fixtures.live_server import LiveServer
from tests.server.media import pixel, solid_image, two_colour_png


def _folder() -> str:
    return f"/e2e-{secrets.token_hex(4)}"


def test_upload_every_source_form_and_read_the_pixels_back(client: ImageKit) -> None:
    folder = _folder()
    data = two_colour_png(30, 10)
    options = UploadFileRequestOptions(
        folder=folder, tags=["e2e", "pair"], response_fields=["tags", "is_private_file"]
    )
    sources: list[object] = [
        data,
        io.BytesIO(data),
        base64.b64encode(data).decode(),
        "data:image/png;base64," + base64.b64encode(data).decode(),
    ]
    for index, source in enumerate(sources):
        result = client.upload_file(file=source, file_name=f"s{index}.png", options=options)
        assert result.response_metadata.http_status_code == 200
        assert (result.width, result.height, result.size) == (30, 10, len(data))
        assert result.tags == ["e2e", "pair"]
        assert result.is_private_file is False
        assert result.version_info.name == "Version 1"
        delivered = requests.get(result.url, timeout=10)
        assert pixel(delivered.content, 1, 1)[:3] == [255, 0, 0]
        assert pixel(delivered.content, 28, 8)[:3] == [0, 0, 255]
    listed = client.list_files(ListAndSearchFileRequestOptions(path=folder, sort="ASC_NAME"))
    assert [item.name.split("_")[0] for item in listed.list] == ["s0", "s1", "s2", "s3"]


def test_upload_from_a_binary_file(client: ImageKit, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "green.jpg"
    path.write_bytes(solid_image(16, 8, (0, 255, 0), ".jpg"))
    with path.open("rb") as handle:
        result = client.upload_file(
            file=handle,
            file_name="green.jpg",
            options=UploadFileRequestOptions(folder=_folder(), use_unique_file_name=False),
        )
    assert result.name == "green.jpg" and (result.width, result.height) == (16, 8)
    green = pixel(requests.get(result.url, timeout=10).content, 8, 4)
    assert green[1] > 200 and green[0] < 60 and green[2] < 60


def test_overwrite_details_list_and_delete(client: ImageKit) -> None:
    folder = _folder()
    options = UploadFileRequestOptions(folder=folder, use_unique_file_name=False)
    first = client.upload_file(solid_image(4, 4, (1, 1, 1)), "same.png", options)
    second = client.upload_file(solid_image(8, 2, (2, 2, 2)), "same.png", options)
    assert second.file_id == first.file_id
    assert second.version_info.name == "Version 2"
    details = client.get_file_details(first.file_id)
    assert details.response_metadata.http_status_code == 200
    assert (details.width, details.height) == (8, 2)
    assert details.file_path == f"{folder}/same.png"
    other = client.upload_file(b"plain text", "notes.txt", options)
    everything = client.list_files(ListAndSearchFileRequestOptions(path=folder))
    assert {item.file_id for item in everything.list} == {first.file_id, other.file_id}
    images = client.list_files(ListAndSearchFileRequestOptions(path=folder, file_type="image"))
    assert [item.file_id for item in images.list] == [first.file_id]
    deleted = client.delete_file(first.file_id)
    assert deleted.response_metadata.http_status_code == 204
    with pytest.raises(UnknownException) as caught:  # 4.x: details maps 404 to Unknown
        client.get_file_details(first.file_id)
    assert caught.value.response_metadata.http_status_code == 404
    assert requests.get(second.url, timeout=10).status_code == 404


def test_a_path_string_is_refused_and_a_path_object_is_read(
    client: ImageKit, tmp_path: pathlib.Path
) -> None:
    folder = _folder()
    options = UploadFileRequestOptions(folder=folder, use_unique_file_name=False)
    picture = tmp_path / "photo.png"
    picture.write_bytes(solid_image(6, 3, (5, 6, 7)))
    with pytest.raises(BadRequestException) as caught:
        client.upload_file(str(picture), "photo.png", options)
    assert caught.value.response_metadata.http_status_code == 400
    with pytest.raises(BadRequestException):
        client.upload_file("photo.png", "photo.png", options)
    assert client.list_files(ListAndSearchFileRequestOptions(path=folder)).list == []
    stored = client.upload_file(picture, "photo.png", options)
    assert (stored.width, stored.height) == (6, 3)


def test_bulk_delete_and_missing_ids(client: ImageKit) -> None:
    options = UploadFileRequestOptions(folder=_folder())
    ids = [
        client.upload_file(solid_image(2, 2, (0, 0, 0)), f"b{i}.png", options).file_id
        for i in range(3)
    ]
    result = client.bulk_file_delete(ids[:2])
    assert result.successfully_deleted_file_ids == ids[:2]
    with pytest.raises(NotFoundException) as caught:
        client.bulk_file_delete([ids[0], ids[2]])
    assert caught.value.response_metadata.raw["missingFileIds"] == [ids[0]]
    assert client.get_file_details(ids[2]).file_id == ids[2]


def test_errors_map_to_sdk_exceptions(client: ImageKit, live_backend_server: LiveServer) -> None:
    with pytest.raises(BadRequestException):
        client.upload_file(
            b"\x89PNG\r\n\x1a\n broken", "broken.png", UploadFileRequestOptions(folder="/../x")
        )
    with pytest.raises(BadRequestException):
        client.list_files(ListAndSearchFileRequestOptions(limit=5000))
    wrong = ImageKit(
        public_key="p",
        private_key="private_wrong",
        url_endpoint=live_backend_server.url_endpoint,
        api_base_url=live_backend_server.base_url,
        upload_base_url=live_backend_server.base_url,
    )
    with pytest.raises(ForbiddenException):
        wrong.list_files()


def test_private_file_through_a_signed_sdk_url(client: ImageKit) -> None:
    result = client.upload_file(
        two_colour_png(6, 6),
        "private.png",
        UploadFileRequestOptions(folder=_folder(), is_private_file=True),
    )
    assert requests.get(result.url, timeout=10).status_code == 401
    signed = client.url({"path": result.file_path, "signed": True, "expire_seconds": 60})
    response = requests.get(signed, timeout=10)
    assert response.status_code == 200
    assert pixel(response.content, 0, 0)[:3] == [255, 0, 0]


def test_client_side_upload_with_authentication_parameters(
    client: ImageKit, live_backend_server: LiveServer
) -> None:
    params = client.get_authentication_parameters()
    response = requests.post(
        f"{live_backend_server.base_url}/api/v1/files/upload",
        files={
            "file": ("c.png", solid_image(5, 5, (3, 3, 3))),
            "fileName": (None, "c.png"),
            "publicKey": (None, live_backend_server.public_key),
            "token": (None, params["token"]),
            "expire": (None, str(params["expire"])),
            "signature": (None, params["signature"]),
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["width"] == 5


def test_method_aliases_and_store_consistency(
    client: ImageKit, live_backend_server: LiveServer
) -> None:
    options = UploadFileRequestOptions(folder=_folder(), use_unique_file_name=False)
    first = client.upload(file=solid_image(3, 3, (7, 7, 7)), file_name="alias.png", options=options)
    assert first.response_metadata.http_status_code == 200 and first.width == 3
    deleted = client.bulk_delete([first.file_id])
    assert deleted.successfully_deleted_file_ids == [first.file_id]
    report = live_backend_server.cli("fsck")
    assert report.returncode == 0, report.stdout + report.stderr
    assert "no problems" in report.stdout


def test_openapi_docs_are_served(live_backend_server: LiveServer) -> None:
    docs = requests.get(f"{live_backend_server.base_url}/docs", timeout=10)
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    schema = requests.get(f"{live_backend_server.base_url}/openapi.json", timeout=10).json()
    assert {"/api/v1/files/upload", "/v1/files", "/v1/files/{fileId}/details"} <= set(
        schema["paths"]
    )


def test_custom_metadata_is_validated_against_the_account_fields(client: ImageKit) -> None:
    from imagekitio.models.CreateCustomMetadataFieldsRequestOptions import (
        CreateCustomMetadataFieldsRequestOptions,
    )
    from imagekitio.models.CustomMetadataFieldsSchema import CustomMetadataFieldsSchema

    suffix = secrets.token_hex(3)
    price, colour = f"price{suffix}", f"colour{suffix}"
    client.create_custom_metadata_fields(
        CreateCustomMetadataFieldsRequestOptions(
            name=price,
            label=f"Price {suffix}",
            schema=CustomMetadataFieldsSchema(type="Number", min_value=1, max_value=100),
        )
    )
    client.create_custom_metadata_fields(
        CreateCustomMetadataFieldsRequestOptions(
            name=colour,
            label=f"Colour {suffix}",
            schema=CustomMetadataFieldsSchema(
                type="SingleSelect",
                select_options=["red", "blue"],
                is_value_required=True,
                default_value="red",
            ),
        )
    )
    options = UploadFileRequestOptions(
        folder=_folder(), custom_metadata={price: 42}, response_fields=["custom_metadata"]
    )
    result = client.upload_file(solid_image(2, 2, (0, 0, 0)), "priced.png", options)
    assert result.custom_metadata[price] == 42
    assert result.custom_metadata[colour] == "red"  # required field gets its default
    for bad in ({price: 500}, {price: "cheap"}, {colour: "green"}, {f"nope{suffix}": 1}):
        with pytest.raises(BadRequestException) as caught:
            client.upload_file(
                solid_image(2, 2, (0, 0, 0)),
                "bad.png",
                UploadFileRequestOptions(custom_metadata=bad),
            )
        assert caught.value.response_metadata.raw["errors"]
