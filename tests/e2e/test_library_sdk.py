"""Our 4.x-style SDK over HTTP against the real server (SQLite + disk, PostgreSQL + S3): every
media library method — details update, tags, versions, copy/move/rename, folders and folder
jobs, purge, metadata, custom metadata fields — and the exceptions the 4.x matrix gives."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest
import requests

from imagekitio import ImageKit
from imagekitio.exceptions.BadRequestException import BadRequestException
from imagekitio.exceptions.ConflictException import ConflictException
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
from tests.server.media import pixel, solid_image


def _folder() -> str:
    return f"/lib-{secrets.token_hex(4)}"


def _upload(client: ImageKit, folder: str, name: str, colour: int = 50, **options: Any) -> str:
    result = client.upload_file(
        file=solid_image(6, 4, (colour, colour, colour)),
        file_name=name,
        options=UploadFileRequestOptions(folder=folder, use_unique_file_name=False, **options),
    )
    return str(result.file_id)


def _pixel_at(client: ImageKit, file_path: str) -> float:
    response = requests.get(client.url({"path": file_path}), timeout=10)
    assert response.status_code == 200, file_path
    return pixel(response.content, 0, 0)[0]


def _paths(client: ImageKit, folder: str) -> list[str]:
    listed = client.list_files(ListAndSearchFileRequestOptions(path=folder))
    return sorted(item.file_path for item in listed.list or [])


def test_update_details_and_tags(client: ImageKit) -> None:
    folder = _folder()
    file_id = _upload(client, folder, "a.png", tags=["one"])
    other_id = _upload(client, folder, "b.png")
    updated = client.update_file_details(
        file_id,
        UpdateFileRequestOptions(tags=["x", "y"], custom_coordinates="1,1,2,2"),
    )
    assert updated.tags == ["x", "y"] and updated.custom_coordinates == "1,1,2,2"
    assert updated.response_metadata.http_status_code == 200
    published = client.update_file_details(
        file_id, UpdateFileRequestOptions(publish={"isPublished": False})
    )
    assert published.is_published is False
    with pytest.raises(BadRequestException):
        client.update_file_details(
            file_id, UpdateFileRequestOptions(publish={"isPublished": True}, tags=["z"])
        )

    added = client.add_tags([file_id, other_id], ["shared"])
    assert added.successfully_updated_file_ids == [file_id, other_id]
    assert client.get_file_details(other_id).tags == ["shared"]
    client.remove_tags([file_id], ["x"])
    assert client.get_file_details(file_id).tags == ["y", "shared"]
    removed = client.remove_ai_tags([file_id], ["car"])
    assert removed.successfully_updated_file_ids == [file_id]
    with pytest.raises(NotFoundException):
        client.add_tags([file_id, "0" * 24], ["never"])
    assert "never" not in (client.get_file_details(file_id).tags or [])


def test_versions(client: ImageKit) -> None:
    folder = _folder()
    file_id = _upload(client, folder, "v.png", colour=10)
    _upload(client, folder, "v.png", colour=200, overwrite_file=True)
    versions = client.get_file_versions(file_id).list or []
    assert [item.version_info.name for item in versions] == ["Version 2", "Version 1"]
    current_id, old_id = (item.version_info.id for item in versions)
    assert client.get_file_version_details(file_id, old_id).type == "file-version"
    restored = client.restore_file_version(file_id, old_id)
    assert restored.version_info.id == old_id
    assert _pixel_at(client, f"{folder}/v.png") == 10
    deleted = client.delete_file_version(file_id, current_id)
    assert deleted.response_metadata.http_status_code == 204
    with pytest.raises(BadRequestException):
        client.delete_file_version(file_id, old_id)  # the current version
    with pytest.raises(NotFoundException):
        client.get_file_version_details(file_id, current_id)


def test_copy_move_rename_files(client: ImageKit) -> None:
    source, target = _folder(), _folder()
    _upload(client, source, "c.png", colour=70)
    copied = client.copy_file(
        CopyFileRequestOptions(
            source_file_path=f"{source}/c.png", destination_path=target, include_file_versions=True
        )
    )
    assert copied.response_metadata.http_status_code == 204
    assert _pixel_at(client, f"{target}/c.png") == 70
    client.move_file(
        MoveFileRequestOptions(
            source_file_path=f"{source}/c.png", destination_path=f"{target}/moved"
        )
    )
    assert _paths(client, source) == []
    renamed = client.rename_file(
        RenameFileRequestOptions(
            file_path=f"{target}/moved/c.png", new_file_name="d.png", purge_cache=True
        )
    )
    assert renamed.purge_request_id
    assert _pixel_at(client, f"{target}/moved/d.png") == 70
    with pytest.raises(ConflictException):
        _upload(client, f"{target}/moved", "e.png")
        client.rename_file(
            RenameFileRequestOptions(file_path=f"{target}/moved/d.png", new_file_name="e.png")
        )
    with pytest.raises(NotFoundException):
        client.copy_file(
            CopyFileRequestOptions(source_file_path=f"{source}/none.png", destination_path=target)
        )
    with pytest.raises(BadRequestException):
        client.move_file()


def _wait_completed(client: ImageKit, job_id: str) -> str:
    deadline = time.monotonic() + 60
    status = client.get_bulk_job_status(job_id)
    while status.status != "Completed" and time.monotonic() < deadline:
        time.sleep(0.05)
        status = client.get_bulk_job_status(job_id)
    return str(status.status)


def test_folders_and_folder_jobs(client: ImageKit) -> None:
    root = _folder()
    created = client.create_folder(
        CreateFolderRequestOptions(folder_name="src", parent_folder_path=root)
    )
    assert created.response_metadata.http_status_code == 201
    _upload(client, f"{root}/src", "f.png", colour=30)
    _upload(client, f"{root}/src/deep", "g.png", colour=40)
    job = client.copy_folder(
        CopyFolderRequestOptions(
            source_folder_path=f"{root}/src",
            destination_path=f"{root}/copy",
            include_file_versions=True,
        )
    )
    assert _wait_completed(client, job.job_id) == "Completed"
    assert client.get_bulk_job_status(job.job_id).type == "COPY_FOLDER"
    assert _pixel_at(client, f"{root}/copy/src/deep/g.png") == 40
    job = client.move_folder(
        MoveFolderRequestOptions(source_folder_path=f"{root}/src", destination_path=f"{root}/moved")
    )
    assert _wait_completed(client, job.job_id) == "Completed"
    assert _paths(client, f"{root}/moved/src") == [f"{root}/moved/src/f.png"]
    assert _paths(client, f"{root}/src") == []
    deleted = client.delete_folder(DeleteFolderRequestOptions(folder_path=f"{root}/moved"))
    assert deleted.response_metadata.http_status_code == 204
    with pytest.raises(NotFoundException):
        client.delete_folder(DeleteFolderRequestOptions(folder_path=f"{root}/moved"))
    with pytest.raises(NotFoundException):
        client.move_folder(
            MoveFolderRequestOptions(source_folder_path=f"{root}/none", destination_path="/x")
        )
    with pytest.raises(UnknownException):  # 4.x maps every non-201 of create_folder here
        client.create_folder(CreateFolderRequestOptions(folder_name="a/b", parent_folder_path=root))


def test_purge_and_metadata(client: ImageKit) -> None:
    folder = _folder()
    file_id = _upload(client, folder, "m.png")
    url = client.url({"path": f"{folder}/m.png"})
    purge = client.purge_file_cache(url)
    assert client.get_purge_file_cache_status(purge.request_id).status == "Completed"
    metadata = client.get_file_metadata(file_id)
    assert (metadata.width, metadata.height, metadata.format) == (6, 4, "png")
    assert len(metadata.p_hash) == 16
    remote = client.get_remote_file_url_metadata(url)
    assert remote.p_hash == metadata.p_hash
    with pytest.raises(BadRequestException):
        client.get_remote_file_url_metadata("http://10.1.2.3/x.png")


def test_custom_metadata_fields(client: ImageKit) -> None:
    name = f"price_{secrets.token_hex(3)}"
    created = client.create_custom_metadata_fields(
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
    listed = client.get_custom_metadata_fields()
    assert name in [field.name for field in listed.list or []]
    updated = client.update_custom_metadata_fields(
        created.id,
        UpdateCustomMetadataFieldsRequestOptions(schema=CustomMetadataFieldsSchema(max_value=20)),
    )
    assert updated.label == name and updated.schema.max_value == 20
    file_id = _upload(client, _folder(), "cm.png")
    result = client.update_file_details(
        file_id, UpdateFileRequestOptions(custom_metadata={name: 15})
    )
    assert result.custom_metadata == {name: 15}
    with pytest.raises(BadRequestException):
        client.update_file_details(file_id, UpdateFileRequestOptions(custom_metadata={name: 50}))
    with pytest.raises(BadRequestException):
        client.create_custom_metadata_fields(
            CreateCustomMetadataFieldsRequestOptions(
                name=name, label="other", schema={"type": "Text"}
            )
        )
    deleted = client.delete_custom_metadata_field(created.id)
    assert deleted.response_metadata.http_status_code == 204
    assert name in [field.name for field in client.get_custom_metadata_fields(True).list or []]
    with pytest.raises(NotFoundException):
        client.delete_custom_metadata_field(created.id)
