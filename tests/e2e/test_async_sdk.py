"""``AsyncImageKit`` (on httpx2) against the real server, on SQLite + local disk and on
PostgreSQL + S3: the same journeys and assertions as the sync end-to-end tests — upload from
bytes, a path and a file object, list/search, details, update, tags, versions,
copy/move/rename, folders and bulk jobs, purge, metadata, custom metadata fields, delete."""

from __future__ import annotations

import io
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import requests

from imagekitio.async_client import AsyncImageKit
from imagekitio.exceptions.BadRequestException import BadRequestException
from imagekitio.exceptions.ConflictException import ConflictException
from imagekitio.exceptions.ForbiddenException import ForbiddenException
from imagekitio.exceptions.NotFoundException import NotFoundException
from imagekitio.exceptions.UnknownException import UnknownException
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
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions
from tests.fixtures.live_server import LiveServer
from tests.server.media import pixel, solid_image, two_colour_png

pytestmark = pytest.mark.anyio
JOB_DEADLINE = 60.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(live_backend_server: LiveServer) -> AsyncIterator[AsyncImageKit]:
    server = live_backend_server
    async with AsyncImageKit(
        public_key=server.public_key,
        private_key=server.private_key,
        url_endpoint=server.url_endpoint,
        api_base_url=server.base_url,
        upload_base_url=server.base_url,
    ) as imagekit:
        yield imagekit


def _folder() -> str:
    return f"/async-{secrets.token_hex(4)}"


async def _upload(
    client: AsyncImageKit, folder: str, name: str, colour: int = 50, **options: Any
) -> str:
    result = await client.upload_file(
        file=solid_image(6, 4, (colour, colour, colour)),
        file_name=name,
        options=UploadFileRequestOptions(folder=folder, use_unique_file_name=False, **options),
    )
    return str(result.file_id)


async def _delivered(url: str) -> requests.Response:
    """GET a delivery URL off the event loop (the server is another process)."""
    return await anyio.to_thread.run_sync(lambda: requests.get(url, timeout=10))


async def _pixel_at(client: AsyncImageKit, file_path: str) -> float:
    response = await _delivered(client.url({"path": file_path}))
    assert response.status_code == 200, file_path
    return pixel(response.content, 0, 0)[0]


async def _paths(client: AsyncImageKit, folder: str) -> list[str]:
    listed = await client.list_files(ListAndSearchFileRequestOptions(path=folder))
    return sorted(item.file_path for item in listed.list or [])


async def test_upload_from_bytes_path_and_file_object(
    client: AsyncImageKit, tmp_path: Path
) -> None:
    folder = _folder()
    data = two_colour_png(30, 10)
    path = tmp_path / "pair.png"
    path.write_bytes(data)
    options = UploadFileRequestOptions(
        folder=folder, tags=["e2e", "pair"], response_fields=["tags", "is_private_file"]
    )
    with path.open("rb") as handle:
        sources: list[Any] = [data, path, handle, io.BytesIO(data)]
        results = [
            await client.upload_file(file=source, file_name=f"s{index}.png", options=options)
            for index, source in enumerate(sources)
        ]
    for result in results:
        assert result.response_metadata.http_status_code == 200
        assert (result.width, result.height, result.size) == (30, 10, len(data))
        assert result.tags == ["e2e", "pair"]
        assert result.is_private_file is False
        assert result.version_info.name == "Version 1"
        delivered = (await _delivered(result.url)).content
        assert pixel(delivered, 1, 1)[:3] == [255, 0, 0]
        assert pixel(delivered, 28, 8)[:3] == [0, 0, 255]
    listed = await client.list_files(ListAndSearchFileRequestOptions(path=folder, sort="ASC_NAME"))
    assert [item.name.split("_")[0] for item in listed.list or []] == ["s0", "s1", "s2", "s3"]
    searched = await client.list_files(
        ListAndSearchFileRequestOptions(path=folder, search_query='name : "s2_"')
    )
    assert [item.file_id for item in searched.list or []] == [results[2].file_id]


async def test_overwrite_details_list_and_delete(client: AsyncImageKit) -> None:
    folder = _folder()
    options = UploadFileRequestOptions(folder=folder, use_unique_file_name=False)
    first = await client.upload_file(solid_image(4, 4, (1, 1, 1)), "same.png", options)
    second = await client.upload_file(solid_image(8, 2, (2, 2, 2)), "same.png", options)
    assert second.file_id == first.file_id
    assert second.version_info.name == "Version 2"
    details = await client.get_file_details(first.file_id)
    assert details.response_metadata.http_status_code == 200
    assert (details.width, details.height) == (8, 2)
    assert details.file_path == f"{folder}/same.png"
    other = await client.upload_file(b"plain text", "notes.txt", options)
    everything = await client.list_files(ListAndSearchFileRequestOptions(path=folder))
    assert {item.file_id for item in everything.list or []} == {first.file_id, other.file_id}
    images = await client.list_files(
        ListAndSearchFileRequestOptions(path=folder, file_type="image")
    )
    assert [item.file_id for item in images.list or []] == [first.file_id]
    deleted = await client.delete_file(first.file_id)
    assert deleted.response_metadata.http_status_code == 204
    with pytest.raises(UnknownException) as caught:  # 4.x: details maps 404 to Unknown
        await client.get_file_details(first.file_id)
    assert caught.value.response_metadata is not None
    assert caught.value.response_metadata.http_status_code == 404
    assert (await _delivered(second.url)).status_code == 404


async def test_bulk_delete_and_missing_ids(client: AsyncImageKit) -> None:
    options = UploadFileRequestOptions(folder=_folder())
    ids = [
        (await client.upload_file(solid_image(2, 2, (0, 0, 0)), f"b{i}.png", options)).file_id
        for i in range(3)
    ]
    result = await client.bulk_file_delete(ids[:2])
    assert result.successfully_deleted_file_ids == ids[:2]
    with pytest.raises(NotFoundException) as caught:
        await client.bulk_file_delete([ids[0], ids[2]])
    assert caught.value.response_metadata is not None
    assert caught.value.response_metadata.raw["missingFileIds"] == [ids[0]]
    assert (await client.get_file_details(ids[2])).file_id == ids[2]


async def test_errors_map_to_sdk_exceptions(
    client: AsyncImageKit, live_backend_server: LiveServer
) -> None:
    with pytest.raises(BadRequestException):
        await client.upload_file(
            b"\x89PNG\r\n\x1a\n broken", "broken.png", UploadFileRequestOptions(folder="/../x")
        )
    with pytest.raises(BadRequestException):
        await client.list_files(ListAndSearchFileRequestOptions(limit=5000))
    async with AsyncImageKit(
        public_key="p",
        private_key="private_wrong",
        url_endpoint=live_backend_server.url_endpoint,
        api_base_url=live_backend_server.base_url,
        upload_base_url=live_backend_server.base_url,
    ) as wrong:
        with pytest.raises(ForbiddenException):
            await wrong.list_files()


async def test_update_details_and_tags(client: AsyncImageKit) -> None:
    folder = _folder()
    file_id = await _upload(client, folder, "a.png", tags=["one"])
    other_id = await _upload(client, folder, "b.png")
    updated = await client.update_file_details(
        file_id, UpdateFileRequestOptions(tags=["x", "y"], custom_coordinates="1,1,2,2")
    )
    assert updated.tags == ["x", "y"] and updated.custom_coordinates == "1,1,2,2"
    assert updated.response_metadata.http_status_code == 200
    published = await client.update_file_details(
        file_id, UpdateFileRequestOptions(publish={"isPublished": False})
    )
    assert published.is_published is False
    with pytest.raises(BadRequestException):
        await client.update_file_details(
            file_id, UpdateFileRequestOptions(publish={"isPublished": True}, tags=["z"])
        )
    added = await client.add_tags([file_id, other_id], ["shared"])
    assert added.successfully_updated_file_ids == [file_id, other_id]
    assert (await client.get_file_details(other_id)).tags == ["shared"]
    await client.remove_tags([file_id], ["x"])
    assert (await client.get_file_details(file_id)).tags == ["y", "shared"]
    removed = await client.remove_ai_tags([file_id], ["car"])
    assert removed.successfully_updated_file_ids == [file_id]
    with pytest.raises(NotFoundException):
        await client.add_tags([file_id, "0" * 24], ["never"])
    assert "never" not in ((await client.get_file_details(file_id)).tags or [])


async def test_versions(client: AsyncImageKit) -> None:
    folder = _folder()
    file_id = await _upload(client, folder, "v.png", colour=10)
    await _upload(client, folder, "v.png", colour=200, overwrite_file=True)
    versions = (await client.get_file_versions(file_id)).list or []
    assert [item.version_info.name for item in versions] == ["Version 2", "Version 1"]
    current_id, old_id = (item.version_info.id for item in versions)
    assert (await client.get_file_version_details(file_id, old_id)).type == "file-version"
    restored = await client.restore_file_version(file_id, old_id)
    assert restored.version_info.id == old_id
    assert await _pixel_at(client, f"{folder}/v.png") == 10
    deleted = await client.delete_file_version(file_id, current_id)
    assert deleted.response_metadata.http_status_code == 204
    with pytest.raises(BadRequestException):
        await client.delete_file_version(file_id, old_id)  # the current version
    with pytest.raises(NotFoundException):
        await client.get_file_version_details(file_id, current_id)


async def test_copy_move_rename_files(client: AsyncImageKit) -> None:
    source, target = _folder(), _folder()
    await _upload(client, source, "c.png", colour=70)
    copied = await client.copy_file(
        CopyFileRequestOptions(
            source_file_path=f"{source}/c.png", destination_path=target, include_file_versions=True
        )
    )
    assert copied.response_metadata.http_status_code == 204
    assert await _pixel_at(client, f"{target}/c.png") == 70
    await client.move_file(
        MoveFileRequestOptions(
            source_file_path=f"{source}/c.png", destination_path=f"{target}/moved"
        )
    )
    assert await _paths(client, source) == []
    renamed = await client.rename_file(
        RenameFileRequestOptions(
            file_path=f"{target}/moved/c.png", new_file_name="d.png", purge_cache=True
        )
    )
    assert renamed.purge_request_id
    assert await _pixel_at(client, f"{target}/moved/d.png") == 70
    await _upload(client, f"{target}/moved", "e.png")
    with pytest.raises(ConflictException):
        await client.rename_file(
            RenameFileRequestOptions(file_path=f"{target}/moved/d.png", new_file_name="e.png")
        )
    with pytest.raises(NotFoundException):
        await client.copy_file(
            CopyFileRequestOptions(source_file_path=f"{source}/none.png", destination_path=target)
        )
    with pytest.raises(BadRequestException):
        await client.move_file()


async def _wait_completed(client: AsyncImageKit, job_id: str) -> str:
    with anyio.move_on_after(JOB_DEADLINE):
        while (status := await client.get_bulk_job_status(job_id)).status != "Completed":
            await anyio.sleep(0.05)
    return str(status.status)


async def test_folders_and_folder_jobs(client: AsyncImageKit) -> None:
    root = _folder()
    created = await client.create_folder(
        CreateFolderRequestOptions(folder_name="src", parent_folder_path=root)
    )
    assert created.response_metadata.http_status_code == 201
    await _upload(client, f"{root}/src", "f.png", colour=30)
    await _upload(client, f"{root}/src/deep", "g.png", colour=40)
    job = await client.copy_folder(
        CopyFolderRequestOptions(
            source_folder_path=f"{root}/src",
            destination_path=f"{root}/copy",
            include_file_versions=True,
        )
    )
    assert await _wait_completed(client, job.job_id) == "Completed"
    assert (await client.get_bulk_job_status(job.job_id)).type == "COPY_FOLDER"
    assert await _pixel_at(client, f"{root}/copy/src/deep/g.png") == 40
    job = await client.move_folder(
        MoveFolderRequestOptions(source_folder_path=f"{root}/src", destination_path=f"{root}/moved")
    )
    assert await _wait_completed(client, job.job_id) == "Completed"
    assert await _paths(client, f"{root}/moved/src") == [f"{root}/moved/src/f.png"]
    assert await _paths(client, f"{root}/src") == []
    deleted = await client.delete_folder(DeleteFolderRequestOptions(folder_path=f"{root}/moved"))
    assert deleted.response_metadata.http_status_code == 204
    with pytest.raises(NotFoundException):
        await client.delete_folder(DeleteFolderRequestOptions(folder_path=f"{root}/moved"))
    with pytest.raises(NotFoundException):
        await client.move_folder(
            MoveFolderRequestOptions(source_folder_path=f"{root}/none", destination_path="/x")
        )
    with pytest.raises(UnknownException):  # 4.x maps every non-201 of create_folder here
        await client.create_folder(
            CreateFolderRequestOptions(folder_name="a/b", parent_folder_path=root)
        )


async def test_purge_and_metadata(client: AsyncImageKit) -> None:
    folder = _folder()
    file_id = await _upload(client, folder, "m.png")
    url = client.url({"path": f"{folder}/m.png"})
    purge = await client.purge_file_cache(url)
    assert (await client.get_purge_file_cache_status(purge.request_id)).status == "Completed"
    metadata = await client.get_file_metadata(file_id)
    assert (metadata.width, metadata.height, metadata.format) == (6, 4, "png")
    assert len(metadata.p_hash) == 16
    remote = await client.get_remote_file_url_metadata(url)
    assert remote.p_hash == metadata.p_hash
    with pytest.raises(BadRequestException):
        await client.get_remote_file_url_metadata("http://10.1.2.3/x.png")


async def test_custom_metadata_fields(client: AsyncImageKit) -> None:
    name = f"price_{secrets.token_hex(3)}"
    created = await client.create_custom_metadata_fields(
        CreateCustomMetadataFieldsRequestOptions(
            name=name,
            label=name,
            schema=CustomMetadataFieldsSchema(
                type=CustomMetaDataTypeEnum.Number, min_value=1, max_value=9
            ),
        )
    )
    assert created.response_metadata.http_status_code == 201
    assert created.schema.type == "Number" and created.schema.max_value == 9
    listed = await client.get_custom_metadata_fields()
    assert name in [field.name for field in listed.list or []]
    updated = await client.update_custom_metadata_fields(
        created.id,
        UpdateCustomMetadataFieldsRequestOptions(schema=CustomMetadataFieldsSchema(max_value=20)),
    )
    assert updated.label == name and updated.schema.max_value == 20
    file_id = await _upload(client, _folder(), "cm.png")
    result = await client.update_file_details(
        file_id, UpdateFileRequestOptions(custom_metadata={name: 15})
    )
    assert result.custom_metadata == {name: 15}
    with pytest.raises(BadRequestException):
        await client.update_file_details(
            file_id, UpdateFileRequestOptions(custom_metadata={name: 50})
        )
    deleted = await client.delete_custom_metadata_field(created.id)
    assert deleted.response_metadata.http_status_code == 204
    including_deleted = await client.get_custom_metadata_fields(True)
    assert name in [field.name for field in including_deleted.list or []]
    with pytest.raises(NotFoundException):
        await client.delete_custom_metadata_field(created.id)
