"""Scenarios run by the official ``imagekitio`` 4.x package against our server.

Runs in the 4.x environment's interpreter (never the project's): ``python official_v4.py NAME``
reads its configuration as JSON on stdin and prints one JSON document with what the official
client returned, for the pytest side to judge. Every scenario works in its own folder, so
scenarios do not see each other's files on the shared server.
"""

from __future__ import annotations

import base64
import json
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from imagekitio import ImageKit
from imagekitio.constants.url import URL
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

Config = dict[str, Any]
Scenario = Callable[[ImageKit, Config], Any]


def outcome(call: Callable[[], Any]) -> dict[str, Any]:
    """What a client call gave: its status and raw JSON, or the exception it raised."""
    try:
        result = call()
    except Exception as exc:  # the exception class is part of what is judged
        return {
            "error": type(exc).__name__,
            "message": getattr(exc, "message", str(exc)),
            "status": getattr(getattr(exc, "response_metadata", None), "http_status_code", None),
        }
    metadata = result.response_metadata
    return {"status": metadata.http_status_code, "raw": metadata.raw}


def upload_options(folder: str, **extra: Any) -> UploadFileRequestOptions:
    return UploadFileRequestOptions(use_unique_file_name=False, folder=folder, **extra)


def upload_bytes(client: ImageKit, config: Config, name: str, folder: str) -> dict[str, Any]:
    with open(config["png_path"], "rb") as handle:
        content = handle.read()
    return outcome(lambda: client.upload_file(content, name, upload_options(folder)))


def scenario_upload(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    with open(config["png_path"], "rb") as handle:
        content = handle.read()
    options = upload_options(
        folder,
        tags=["red", "blue"],
        custom_coordinates="1,2,3,4",
        response_fields=["tags", "custom_coordinates", "is_private_file"],
    )
    results: dict[str, Any] = {"bytes": outcome(lambda: client.upload(content, "b.png", options))}
    with open(config["jpeg_path"], "rb") as stream:
        results["file"] = outcome(
            lambda: client.upload_file(stream, "f.jpg", upload_options(folder))
        )
    encoded = base64.b64encode(content).decode()
    results["base64"] = outcome(
        lambda: client.upload_file(encoded, "c.png", upload_options(folder))
    )
    source = results["bytes"].get("raw", {}).get("url", "")
    results["url"] = outcome(lambda: client.upload_file(source, "u.png", upload_options(folder)))
    results["typed"] = typed_upload_fields(client, content, folder)
    return results


def typed_upload_fields(client: ImageKit, content: bytes, folder: str) -> dict[str, Any]:
    """The 4.x result object's attributes (not only its raw JSON) are filled from the body."""
    result = client.upload_file(content, "t.png", upload_options(folder, tags=["typed"]))
    return {
        "file_id": result.file_id,
        "name": result.name,
        "file_path": result.file_path,
        "width": result.width,
        "height": result.height,
        "size": result.size,
        "file_type": result.file_type,
        "tags": result.tags,
        "version_id": result.version_info.id if result.version_info else None,
    }


def scenario_list(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    with open(config["png_path"], "rb") as handle:
        content = handle.read()
    for index, tag in enumerate(["alpha", "beta", "alpha"]):
        options = upload_options(folder, tags=[tag])
        client.upload_file(content, f"item-{index}.png", options)

    def listing(**options: Any) -> dict[str, Any]:
        return outcome(lambda: client.list_files(ListAndSearchFileRequestOptions(**options)))

    return {
        "by_path": listing(path=folder, sort="ASC_NAME"),
        "by_tag": listing(path=folder, tags=["alpha"]),
        "by_query": listing(search_query=f'path = "{folder}/" AND tags IN ["beta"]'),
        "paged": listing(path=folder, sort="DESC_NAME", limit=1, skip=1),
        "files_only": listing(path=folder, type="file", file_type="image"),
        "all": outcome(lambda: client.list_files()),
    }


def scenario_details(client: ImageKit, config: Config) -> dict[str, Any]:
    uploaded = upload_bytes(client, config, "d.png", config["folder"])
    file_id = uploaded["raw"]["fileId"]
    update = UpdateFileRequestOptions(
        tags=["updated"], custom_coordinates="5,6,7,8", remove_ai_tags=[]
    )
    return {
        "uploaded": uploaded,
        "details": outcome(lambda: client.get_file_details(file_id)),
        "updated": outcome(lambda: client.update_file_details(file_id, update)),
        "unpublished": outcome(
            lambda: client.update_file_details(
                file_id, UpdateFileRequestOptions(publish={"isPublished": False})
            )
        ),
        "after": outcome(lambda: client.get_file_details(file_id)),
        "missing": outcome(lambda: client.get_file_details("0123456789abcdef01234567")),
    }


def scenario_versions(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    first = upload_bytes(client, config, "v.png", folder)
    with open(config["jpeg_path"], "rb") as handle:
        replacement = handle.read()
    options = upload_options(folder, overwrite_file=True)
    second = outcome(lambda: client.upload_file(replacement, "v.png", options))
    file_id = first["raw"]["fileId"]
    old_version = first["raw"]["versionInfo"]["id"]
    listed = outcome(lambda: client.get_file_versions(file_id))
    one = outcome(lambda: client.get_file_version_details(file_id, old_version))
    restored = outcome(lambda: client.restore_file_version(file_id, old_version))
    current = outcome(lambda: client.get_file_details(file_id))
    newer = second["raw"]["versionInfo"]["id"]
    deleted = outcome(lambda: client.delete_file_version(file_id, newer))
    return {
        "first": first,
        "second": second,
        "listed": listed,
        "one": one,
        "restored": restored,
        "current": current,
        "deleted": deleted,
        "after_delete": outcome(lambda: client.get_file_versions(file_id)),
        "delete_current": outcome(lambda: client.delete_file_version(file_id, old_version)),
    }


def scenario_tags(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    ids = [upload_bytes(client, config, f"t{i}.png", folder)["raw"]["fileId"] for i in range(2)]
    return {
        "ids": ids,
        "added": outcome(lambda: client.add_tags(ids, ["one", "two"])),
        "removed": outcome(lambda: client.remove_tags(ids, ["one"])),
        "ai_removed": outcome(lambda: client.remove_ai_tags(ids, ["car"])),
        "details": [outcome(partial(client.get_file_details, fid)) for fid in ids],
        "missing": outcome(lambda: client.add_tags(["0123456789abcdef01234567"], ["x"])),
    }


def scenario_file_operations(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    source = upload_bytes(client, config, "s.png", f"{folder}/src")
    doomed = [upload_bytes(client, config, f"x{i}.png", folder)["raw"]["fileId"] for i in range(2)]
    path = source["raw"]["filePath"]
    copy = CopyFileRequestOptions(
        source_file_path=path, destination_path=f"{folder}/copies", include_file_versions=False
    )
    move = MoveFileRequestOptions(source_file_path=path, destination_path=f"{folder}/moved")
    rename = RenameFileRequestOptions(
        file_path=f"{folder}/moved/s.png", new_file_name="renamed.png", purge_cache=True
    )
    results = {
        "source_id": source["raw"]["fileId"],
        "copied": outcome(lambda: client.copy_file(copy)),
        "moved": outcome(lambda: client.move_file(move)),
        "renamed": outcome(lambda: client.rename_file(rename)),
        "bulk_deleted": outcome(lambda: client.bulk_file_delete(doomed[:1])),
        "legacy_bulk_deleted": outcome(lambda: client.bulk_delete(doomed[1:])),
        "bulk_missing": outcome(lambda: client.bulk_file_delete(doomed)),
    }
    for subfolder in ("src", "copies", "moved"):
        listing = ListAndSearchFileRequestOptions(path=f"{folder}/{subfolder}")
        results[f"in_{subfolder}"] = outcome(partial(client.list_files, listing))
    results["deleted"] = outcome(lambda: client.delete_file(source["raw"]["fileId"]))
    results["after_delete"] = outcome(lambda: client.get_file_details(source["raw"]["fileId"]))
    return results


def wait_for_job(client: ImageKit, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        status = outcome(lambda: client.get_bulk_job_status(job_id))
        if status.get("raw", {}).get("status") != "Pending" or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def scenario_folders(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    create = CreateFolderRequestOptions(folder_name="made", parent_folder_path=folder)
    results: dict[str, Any] = {"created": outcome(lambda: client.create_folder(create))}
    upload_bytes(client, config, "in.png", f"{folder}/made")
    copy = CopyFolderRequestOptions(
        source_folder_path=f"{folder}/made",
        destination_path=f"{folder}/target",
        include_file_versions=True,
    )
    results["copy_job"] = outcome(lambda: client.copy_folder(copy))
    results["copy_status"] = wait_for_job(client, results["copy_job"]["raw"]["jobId"])
    move = MoveFolderRequestOptions(
        source_folder_path=f"{folder}/made", destination_path=f"{folder}/elsewhere"
    )
    results["move_job"] = outcome(lambda: client.move_folder(move))
    results["move_status"] = wait_for_job(client, results["move_job"]["raw"]["jobId"])
    listing = ListAndSearchFileRequestOptions(path=folder, type="all", sort="ASC_NAME")
    results["listing"] = outcome(lambda: client.list_files(listing))
    remove = DeleteFolderRequestOptions(folder_path=f"{folder}/target")
    results["deleted"] = outcome(lambda: client.delete_folder(remove))
    results["deleted_again"] = outcome(lambda: client.delete_folder(remove))
    results["unknown_job"] = outcome(lambda: client.get_bulk_job_status("no-such-job"))
    return results


def scenario_purge(client: ImageKit, config: Config) -> dict[str, Any]:
    uploaded = upload_bytes(client, config, "p.png", config["folder"])
    purge = outcome(lambda: client.purge_file_cache(uploaded["raw"]["url"]))
    request_id = purge.get("raw", {}).get("requestId", "")
    return {
        "purge": purge,
        "status": outcome(lambda: client.get_purge_file_cache_status(request_id)),
        "legacy_status": outcome(lambda: client.get_purge_cache_status(request_id)),
        "legacy_purge": outcome(lambda: client.purge_cache(uploaded["raw"]["url"] + "?tr=w-10")),
    }


def scenario_metadata(client: ImageKit, config: Config) -> dict[str, Any]:
    uploaded = upload_bytes(client, config, "m.png", config["folder"])
    return {
        "file": outcome(lambda: client.get_file_metadata(uploaded["raw"]["fileId"])),
        "legacy": outcome(lambda: client.get_metadata(uploaded["raw"]["fileId"])),
        "remote": outcome(lambda: client.get_remote_file_url_metadata(uploaded["raw"]["url"])),
        "legacy_remote": outcome(lambda: client.get_remote_url_metadata(uploaded["raw"]["url"])),
    }


def scenario_custom_metadata(client: ImageKit, config: Config) -> dict[str, Any]:
    name = config["field_name"]
    schema = CustomMetadataFieldsSchema(
        type=CustomMetaDataTypeEnum.Number, min_value=1, max_value=100
    )

    def create() -> Any:
        # A fresh options object each time: the 4.x client rewrites the one it is given.
        options = CreateCustomMetadataFieldsRequestOptions(name=name, label=name, schema=schema)
        return client.create_custom_metadata_fields(options)

    results: dict[str, Any] = {"created": outcome(create), "duplicate": outcome(create)}
    field_id = results["created"]["raw"]["id"]
    options = upload_options(config["folder"], custom_metadata={name: 42})
    with open(config["png_path"], "rb") as handle:
        content = handle.read()
    results["upload"] = outcome(lambda: client.upload_file(content, "cm.png", options))
    file_id = results["upload"]["raw"]["fileId"]
    results["out_of_range"] = outcome(
        lambda: client.update_file_details(
            file_id, UpdateFileRequestOptions(custom_metadata={name: 1000})
        )
    )
    results["details"] = outcome(lambda: client.get_file_details(file_id))
    update = UpdateCustomMetadataFieldsRequestOptions(
        label=f"{name} relabelled", schema=CustomMetadataFieldsSchema(max_value=200)
    )
    results["updated"] = outcome(lambda: client.update_custom_metadata_fields(field_id, update))
    results["listed"] = outcome(lambda: client.get_custom_metadata_fields())
    results["deleted"] = outcome(lambda: client.delete_custom_metadata_field(field_id))
    results["listed_with_deleted"] = outcome(lambda: client.get_custom_metadata_fields(True))
    results["deleted_again"] = outcome(lambda: client.delete_custom_metadata_field(field_id))
    return results


def scenario_urls(client: ImageKit, config: Config) -> dict[str, Any]:
    uploaded = upload_bytes(client, config, "url.png", config["folder"])
    path = uploaded["raw"]["filePath"]
    resize = [{"width": 40, "height": 20}]
    return {
        "path": path,
        "plain": client.url({"path": path}),
        "path_transform": client.url({"path": path, "transformation": resize}),
        "query_transform": client.url(
            {"path": path, "transformation": resize, "transformation_position": "query"}
        ),
        "signed": client.url(
            {"path": path, "transformation": resize, "signed": True, "expire_seconds": 300}
        ),
        "signed_forever": client.url({"path": path, "signed": True}),
        "src": client.url({"src": uploaded["raw"]["url"], "transformation": resize}),
        "phash_distance": ImageKit.phash_distance("f06830ca9f1e3e90", "f06830ca9f1e3e90"),
    }


def scenario_private_urls(client: ImageKit, config: Config) -> dict[str, Any]:
    with open(config["png_path"], "rb") as handle:
        content = handle.read()
    options = upload_options(config["folder"], is_private_file=True)
    uploaded = outcome(lambda: client.upload_file(content, "private.png", options))
    path = uploaded["raw"]["filePath"]
    return {
        "uploaded": uploaded,
        "unsigned": client.url({"path": path}),
        "signed": client.url({"path": path, "signed": True, "expire_seconds": 300}),
    }


def scenario_client_upload(client: ImageKit, config: Config) -> dict[str, Any]:
    """Authentication parameters from the 4.x client, used as a browser would use them."""
    return client.get_authentication_parameters()


def scenario_errors(client: ImageKit, config: Config) -> dict[str, Any]:
    wrong = ImageKit(
        private_key="private_wrong", public_key="public_wrong", url_endpoint=config["url_endpoint"]
    )
    return {
        "wrong_key": outcome(lambda: wrong.list_files()),
        "bad_list": outcome(
            lambda: client.list_files(ListAndSearchFileRequestOptions(search_query="size >>> 1"))
        ),
        "missing_file": outcome(lambda: client.delete_file("0123456789abcdef01234567")),
    }


def scenario_unusual_names(client: ImageKit, config: Config) -> dict[str, Any]:
    """Spaces and non-ASCII letters in names, through upload, signing and delivery."""
    folder = config["folder"] + "/dossier été"
    uploaded = upload_bytes(client, config, "ma photo ñ.png", folder)
    path = uploaded.get("raw", {}).get("filePath", "")
    resize = [{"width": 40, "height": 20}]
    return {
        "uploaded": uploaded,
        "plain": client.url({"path": path}),
        "signed": client.url({"path": path, "signed": True, "expire_seconds": 300}),
        "signed_transformed": client.url(
            {"path": path, "transformation": resize, "signed": True, "expire_seconds": 300}
        ),
        "listed": outcome(
            lambda: client.list_files(ListAndSearchFileRequestOptions(path=path.rsplit("/", 1)[0]))
        ),
        "searched": outcome(
            lambda: client.list_files(
                ListAndSearchFileRequestOptions(search_query=f'name = "{path.rsplit("/", 1)[1]}"')
            )
        ),
    }


def scenario_upload_options(client: ImageKit, config: Config) -> dict[str, Any]:
    """Less common upload options: unique names, drafts, pre-transformation, checks."""
    folder = config["folder"]
    with open(config["png_path"], "rb") as handle:
        content = handle.read()

    def send(name: str, **options: Any) -> dict[str, Any]:
        request = UploadFileRequestOptions(folder=folder, **options)
        return outcome(lambda: client.upload_file(content, name, request))

    return {
        "unique_1": send("same.png"),
        "unique_2": send("same.png"),
        "draft": send("draft.png", is_published=False, response_fields=["is_published"]),
        "pre": send("pre.png", transformation={"pre": "w-40,h-20"}),
        "checks_pass": send("checked.png", checks='"file.size" < "1mb"'),
        "checks_fail": send("refused.png", checks='"file.size" < "10"'),
        "no_overwrite": send("same.png", use_unique_file_name=False),
        "conflict": send("same.png", use_unique_file_name=False, overwrite_file=False),
        "extension": send("ext.png", extensions=[{"name": "google-auto-tagging"}]),
    }


def scenario_transformations(client: ImageKit, config: Config) -> dict[str, Any]:
    """URLs the 4.x builder makes for its transformation keys (judged by pixels)."""
    uploaded = upload_bytes(client, config, "t.png", config["folder"])
    path = uploaded["raw"]["filePath"]
    options: dict[str, list[dict[str, Any]]] = {
        "gray": [{"effect_gray": "-"}],
        "rotate": [{"rotation": 90}],
        "extract": [{"width": 40, "height": 40, "crop_mode": "extract", "x": 40, "y": 0}],
        "sharpen": [{"effect_sharpen": "-"}],
        "contrast": [{"effect_contrast": "-"}],
        "named_thumbnail": [{"named": "ik_ml_thumbnail"}],
        "png_lossless": [{"format": "png", "lossless": True, "metadata": True}],
        "text_layer": [{"raw": "l-text,i-Hello,fs-20,co-00FF00,l-end"}],
        "chain": [{"height": 20}, {"rotation": 180, "background": "00FF00"}],
    }
    urls = {
        name: client.url({"path": path, "transformation": transformation})
        for name, transformation in options.items()
    }
    missing = path.rsplit("/", 1)[0] + "/missing.png"
    urls["default_image"] = client.url(
        {"path": missing, "transformation": [{"default_image": path.lstrip("/"), "width": 40}]}
    )
    return urls


SCENARIOS: dict[str, Scenario] = {
    "upload": scenario_upload,
    "list": scenario_list,
    "details": scenario_details,
    "versions": scenario_versions,
    "tags": scenario_tags,
    "file_operations": scenario_file_operations,
    "folders": scenario_folders,
    "purge": scenario_purge,
    "metadata": scenario_metadata,
    "custom_metadata": scenario_custom_metadata,
    "urls": scenario_urls,
    "private_urls": scenario_private_urls,
    "client_upload": scenario_client_upload,
    "errors": scenario_errors,
    "unusual_names": scenario_unusual_names,
    "upload_options": scenario_upload_options,
    "transformations": scenario_transformations,
}


def main() -> None:
    config = json.load(sys.stdin)
    # Repointing the hosts is how the 4.x package's own tests aim it at another server.
    URL.API_BASE_URL = config["base_url"]
    URL.UPLOAD_BASE_URL = config["base_url"]
    client = ImageKit(
        private_key=config["private_key"],
        public_key=config["public_key"],
        url_endpoint=config["url_endpoint"],
    )
    json.dump(SCENARIOS[sys.argv[1]](client, config), sys.stdout)


if __name__ == "__main__":
    main()
