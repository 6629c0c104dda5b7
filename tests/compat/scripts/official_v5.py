"""Scenarios run by the official ``imagekitio`` 5.x package against our server.

Runs in the 5.x environment's interpreter (never the project's): ``python official_v5.py NAME``
reads its configuration as JSON on stdin and prints one JSON document. The client is aimed at
the server with ``base_url=`` only. Calls go through ``with_raw_response`` so the status the
server sent is reported beside the body, and every body is also parsed into the 5.x model (a
response the models cannot read fails the scenario).
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

# Imported by name so that type checkers, which see the project's 4.x-shaped drop-in under
# the same package name, treat the official 5.x client as untyped.
official: Any = importlib.import_module("imagekitio")
ImageKit = Any
Config = dict[str, Any]
Scenario = Callable[[ImageKit, Config], Any]


def outcome(call: Callable[[], Any]) -> dict[str, Any]:
    """The status, JSON body and parsed model of a raw-response call, or the error raised."""
    try:
        response = call()
    except official.APIStatusError as exc:
        return {"error": type(exc).__name__, "status": exc.status_code, "body": exc.body}
    parsed = response.parse()
    body = response.http_response.content
    return {
        "status": response.status_code,
        "raw": json.loads(body) if body else None,
        "model": type(parsed).__name__,
    }


def upload(client: ImageKit, config: Config, name: str, **options: Any) -> dict[str, Any]:
    content = Path(config["png_path"]).read_bytes()
    return outcome(
        lambda: client.files.with_raw_response.upload(
            file=content,
            file_name=name,
            folder=config["folder"],
            use_unique_file_name=False,
            **options,
        )
    )


def scenario_files(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    files = client.files.with_raw_response
    results: dict[str, Any] = {
        "bytes": upload(
            client,
            config,
            "a.png",
            tags=["x", "y"],
            response_fields=["tags", "isPrivateFile", "isPublished"],
        ),
        "path": outcome(
            lambda: files.upload(
                file=Path(config["jpeg_path"]),
                file_name="b.jpg",
                folder=folder,
                use_unique_file_name=False,
            )
        ),
    }
    file_id = results["bytes"]["raw"]["fileId"]
    results["listed"] = outcome(
        lambda: client.assets.with_raw_response.list(path=folder, sort="ASC_NAME")
    )
    results["searched"] = outcome(
        lambda: client.assets.with_raw_response.list(
            search_query='name = "a.png" AND tags IN ["x"]'
        )
    )
    results["got"] = outcome(lambda: files.get(file_id))
    results["updated"] = outcome(
        lambda: files.update(file_id, tags=["z"], custom_coordinates="1,1,2,2")
    )
    results["published"] = outcome(lambda: files.update(file_id, publish={"is_published": False}))
    results["tags_added"] = outcome(
        lambda: client.files.bulk.with_raw_response.add_tags(file_ids=[file_id], tags=["w"])
    )
    results["after"] = outcome(lambda: files.get(file_id))
    results["metadata"] = outcome(lambda: client.files.metadata.with_raw_response.get(file_id))
    results["versions"] = outcome(lambda: client.files.versions.with_raw_response.list(file_id))
    results["deleted"] = outcome(lambda: files.delete(file_id))
    results["missing"] = outcome(lambda: files.get(file_id))
    return results


def scenario_folders(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    folders = client.folders.with_raw_response
    results: dict[str, Any] = {
        "created": outcome(lambda: folders.create(folder_name="inner", parent_folder_path=folder))
    }
    upload(client, config, "in.png")
    results["copied"] = outcome(
        lambda: folders.copy(
            source_folder_path=folder, destination_path=f"{folder}-copy", include_versions=True
        )
    )
    results["copy_job"] = wait_for_job(client, results["copied"]["raw"]["jobId"])
    results["renamed"] = outcome(
        lambda: folders.rename(folder_path=f"{folder}-copy", new_folder_name=f"{folder[1:]}-new")
    )
    results["rename_job"] = wait_for_job(client, results["renamed"]["raw"]["jobId"])
    results["listed"] = outcome(
        lambda: client.assets.with_raw_response.list(path=f"{folder}-new", type="all")
    )
    results["deleted"] = outcome(lambda: folders.delete(folder_path=f"{folder}-new"))
    results["deleted_again"] = outcome(lambda: folders.delete(folder_path=f"{folder}-new"))
    return results


def wait_for_job(client: ImageKit, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        status = outcome(lambda: client.folders.job.with_raw_response.get(job_id))
        if status.get("raw", {}).get("status") != "Pending" or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def scenario_custom_metadata(client: ImageKit, config: Config) -> dict[str, Any]:
    name = config["field_name"]
    fields = client.custom_metadata_fields.with_raw_response
    created = outcome(
        lambda: fields.create(
            name=name,
            label=name,
            schema={"type": "SingleSelect", "select_options": ["small", "large"]},
        )
    )
    field_id = created["raw"]["id"]
    return {
        "created": created,
        "upload": upload(
            client,
            config,
            "cm.png",
            custom_metadata={name: "large"},
            response_fields=["customMetadata"],
        ),
        "refused": upload(client, config, "bad.png", custom_metadata={name: "medium"}),
        "updated": outcome(lambda: fields.update(field_id, label=f"{name} label")),
        "listed": outcome(lambda: fields.list()),
        "deleted": outcome(lambda: fields.delete(field_id)),
        "listed_after": outcome(lambda: fields.list()),
    }


def scenario_versions_and_cache(client: ImageKit, config: Config) -> dict[str, Any]:
    first = upload(client, config, "v.png")
    second = upload(client, config, "v.png", overwrite_file=True)
    file_id = first["raw"]["fileId"]
    old = first["raw"]["versionInfo"]["id"]
    versions = client.files.versions.with_raw_response
    invalidation = outcome(
        lambda: client.cache.invalidation.with_raw_response.create(url=first["raw"]["url"])
    )
    return {
        "first": first,
        "second": second,
        "one": outcome(lambda: versions.get(old, file_id=file_id)),
        "restored": outcome(lambda: versions.restore(old, file_id=file_id)),
        "invalidation": invalidation,
        "invalidation_status": outcome(
            lambda: client.cache.invalidation.with_raw_response.get(
                invalidation["raw"]["requestId"]
            )
        ),
    }


def scenario_urls(client: ImageKit, config: Config) -> dict[str, Any]:
    uploaded = upload(client, config, "u.png", is_private_file=True)
    path = uploaded["raw"]["filePath"]
    endpoint = config["url_endpoint"]
    transformation = [{"width": 40, "height": 20}]
    build = client.helper.build_url
    return {
        "uploaded": uploaded,
        "unsigned": build(src=path, url_endpoint=endpoint),
        "signed": build(src=path, url_endpoint=endpoint, signed=True, expires_in=300),
        "signed_transformed": build(
            src=path,
            url_endpoint=endpoint,
            transformation=transformation,
            transformation_position="path",
            signed=True,
        ),
        "signed_query": build(
            src=path, url_endpoint=endpoint, transformation=transformation, signed=True
        ),
    }


def scenario_origins(client: ImageKit, config: Config) -> dict[str, Any]:
    origins = client.accounts.origins.with_raw_response
    endpoints = client.accounts.url_endpoints.with_raw_response
    # A web folder origin on another server (one pointing back at this server is refused).
    base_url = config["web_folder_url"]
    refused_loop = outcome(
        lambda: origins.create(
            name="loop", type="WEB_FOLDER", base_url=config["url_endpoint"] + config["folder"]
        )
    )
    created = outcome(
        lambda: origins.create(name=config["field_name"], type="WEB_FOLDER", base_url=base_url)
    )
    origin_id = created["raw"]["id"]
    prefix = "via-" + config["folder"].rsplit("-", 1)[1]
    endpoint = outcome(
        lambda: endpoints.create(description="compat", url_prefix=prefix, origins=[origin_id])
    )
    endpoint_id = endpoint["raw"]["id"]
    results: dict[str, Any] = {
        "created": created,
        "refused_loop": refused_loop,
        "listed": outcome(lambda: origins.list()),
        "got": outcome(lambda: origins.get(origin_id)),
        "updated": outcome(
            lambda: origins.update(
                origin_id, name=f"{config['field_name']}-2", type="WEB_FOLDER", base_url=base_url
            )
        ),
        "endpoint": endpoint,
        "endpoints_listed": outcome(lambda: endpoints.list()),
        "endpoint_got": outcome(lambda: endpoints.get(endpoint_id)),
        "delivery_url": f"{config['url_endpoint']}/{prefix}/o.png",
        "delivery_url_transformed": f"{config['url_endpoint']}/{prefix}/tr:w-40,h-20/o.png",
    }
    return results


def scenario_cleanup_origins(client: ImageKit, config: Config) -> dict[str, Any]:
    """Deletes every URL endpoint with a prefix, then every origin (run after ``origins``)."""
    endpoints = client.accounts.url_endpoints
    deleted: dict[str, Any] = {"endpoints": [], "origins": []}
    for endpoint in endpoints.list():
        if endpoint.url_prefix:
            deleted["endpoints"].append(
                outcome(partial(endpoints.with_raw_response.delete, endpoint.id))
            )
    origins = client.accounts.origins
    for origin in origins.list():
        deleted["origins"].append(outcome(partial(origins.with_raw_response.delete, origin.id)))
    deleted["left"] = outcome(lambda: origins.with_raw_response.list())
    return deleted


def scenario_errors(client: ImageKit, config: Config) -> dict[str, Any]:
    wrong = official.ImageKit(
        private_key="private_wrong", base_url=config["base_url"], max_retries=0
    )
    return {
        "wrong_key": outcome(lambda: wrong.assets.with_raw_response.list()),
        "bad_query": outcome(lambda: client.assets.with_raw_response.list(search_query="(((")),
        "missing_version": outcome(
            lambda: client.files.versions.with_raw_response.get(
                "0123456789abcdef01234567", file_id="0123456789abcdef01234567"
            )
        ),
    }


def scenario_file_operations(client: ImageKit, config: Config) -> dict[str, Any]:
    folder = config["folder"]
    files = client.files.with_raw_response
    source = upload(client, config, "s.png")
    # Overwriting replaces the tags (overwriteTags defaults to true).
    upload(client, config, "s.png", overwrite_file=True, tags=["keep", "drop"])
    path = source["raw"]["filePath"]
    file_id = source["raw"]["fileId"]
    versions = client.files.versions.list(file_id)
    old_version = next(v.version_info.id for v in versions if v.version_info.name == "Version 1")
    results: dict[str, Any] = {
        "source": source,
        "remote_metadata": outcome(
            lambda: client.files.metadata.with_raw_response.get_from_url(url=source["raw"]["url"])
        ),
        "tags_removed": outcome(
            lambda: client.files.bulk.with_raw_response.remove_tags(
                file_ids=[file_id], tags=["drop"]
            )
        ),
        "version_deleted": outcome(
            lambda: client.files.versions.with_raw_response.delete(old_version, file_id=file_id)
        ),
        "copied": outcome(
            lambda: files.copy(
                source_file_path=path,
                destination_path=f"{folder}/copies",
                include_file_versions=True,
            )
        ),
        "moved": outcome(
            lambda: files.move(source_file_path=path, destination_path=f"{folder}/moved")
        ),
        "renamed": outcome(
            lambda: files.rename(
                file_path=f"{folder}/moved/s.png", new_file_name="r.png", purge_cache=False
            )
        ),
    }
    copies = client.assets.list(path=f"{folder}/copies")
    results["copy_ids"] = [asset.file_id for asset in copies]
    results["bulk_deleted"] = outcome(
        lambda: client.files.bulk.with_raw_response.delete(file_ids=results["copy_ids"])
    )
    results["folder_moved"] = outcome(
        lambda: client.folders.with_raw_response.move(
            source_folder_path=f"{folder}/moved", destination_path=f"{folder}/archive"
        )
    )
    results["folder_move_job"] = wait_for_job(client, results["folder_moved"]["raw"]["jobId"])
    results["final"] = outcome(lambda: files.get(file_id))
    results["folders"] = outcome(
        lambda: client.assets.with_raw_response.list(path=folder, type="folder")
    )
    return results


def scenario_unusual_names(client: ImageKit, config: Config) -> dict[str, Any]:
    content = Path(config["png_path"]).read_bytes()
    uploaded = outcome(
        lambda: client.files.with_raw_response.upload(
            file=content,
            file_name="ma photo ñ.png",
            folder=config["folder"] + "/dossier été",
            use_unique_file_name=False,
            is_private_file=True,
        )
    )
    path = uploaded["raw"]["filePath"]
    endpoint = config["url_endpoint"]
    build = client.helper.build_url
    return {
        "uploaded": uploaded,
        "signed": build(src=path, url_endpoint=endpoint, signed=True),
        "signed_transformed": build(
            src=path,
            url_endpoint=endpoint,
            transformation=[{"width": 40, "height": 20}],
            transformation_position="path",
            signed=True,
            expires_in=300,
        ),
    }


def scenario_transformations(client: ImageKit, config: Config) -> dict[str, Any]:
    """URLs the 5.x builder makes for many transformation options (judged by pixels)."""
    base = upload(client, config, "t.png")["raw"]["filePath"]
    jpeg = Path(config["jpeg_path"]).read_bytes()
    green = client.files.upload(file=jpeg, file_name="green.jpg", folder=config["folder"])
    green_square = {"type": "solidColor", "color": "00FF00"}
    square = [{"width": 20, "height": 20}]
    at_origin = {"x": 0, "y": 0}
    options: dict[str, list[dict[str, Any]]] = {
        "rotate": [{"rotation": 90}],
        "flip": [{"flip": "h"}],
        "extract": [{"width": 40, "height": 40, "crop_mode": "extract", "x": 40, "y": 0}],
        "jpeg": [{"format": "jpg", "quality": 80, "progressive": True}],
        "pad": [{"width": 80, "height": 80, "crop_mode": "pad_resize", "background": "00FF00"}],
        "grayscale": [{"grayscale": True}],
        "chain": [{"width": 40}, {"rotation": 180}],
        "raw": [{"raw": "w-40,h-20"}],
        "dpr": [{"width": 20, "dpr": 2}],
        "border": [{"border": "5_00FF00"}],
        "aspect": [{"width": 40, "aspect_ratio": "1-1"}],
        "blur": [{"blur": 5}],
        "rounded": [{"radius": "max", "format": "png"}],
        "solid_layer": [
            {"overlay": {**green_square, "transformation": square, "position": at_origin}}
        ],
        "image_layer": [
            {
                "overlay": {
                    "type": "image",
                    "input": green.file_path,
                    "transformation": square,
                    "position": at_origin,
                }
            }
        ],
        "text_layer": [{"overlay": {"type": "text", "text": "Hi, ümlaut & slash/?"}}],
    }
    endpoint = config["url_endpoint"]
    build = client.helper.build_url
    urls = {
        name: build(src=base, url_endpoint=endpoint, transformation=transformation)
        for name, transformation in options.items()
    }
    urls["signed_text_layer"] = build(
        src=base,
        url_endpoint=endpoint,
        transformation=options["text_layer"],
        transformation_position="path",
        signed=True,
    )
    return urls


def scenario_named_transformations(client: ImageKit, config: Config) -> dict[str, Any]:
    path = upload(client, config, "n.png")["raw"]["filePath"]
    named = client.named_transformations.with_raw_response
    name = config["field_name"]
    created = outcome(lambda: named.create(name=name, transformation="w-40,h-20"))
    if "error" in created:
        return {"created": created}
    named_id = created["raw"]["id"]
    endpoint = config["url_endpoint"]
    url = client.helper.build_url(src=path, url_endpoint=endpoint, transformation=[{"named": name}])
    # Delivered while each state lasts: the URL means something else after the next call.
    results = {
        "created": created,
        "listed": outcome(lambda: named.list()),
        "got": outcome(lambda: named.get(named_id)),
        "url": url,
        "delivered": delivered(url),
        "updated": outcome(lambda: named.update(named_id, transformation="w-20,h-10")),
        "delivered_updated": delivered(url),
        "disabled": outcome(lambda: named.update(named_id, enabled=False)),
    }
    results["delivered_disabled"] = delivered(
        client.helper.build_url(
            src=path, url_endpoint=endpoint, transformation=[{"named": name}, {"rotation": 90}]
        )
    )
    results["deleted"] = outcome(lambda: named.delete(named_id))
    return results


def delivered(url: str) -> dict[str, Any]:
    """The status and body (base64) of a GET of ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return {"status": response.status, "body": base64.b64encode(response.read()).decode()}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "body": ""}


def scenario_saved_extensions(client: ImageKit, config: Config) -> dict[str, Any]:
    saved = client.saved_extensions.with_raw_response
    tagging = {"name": "google-auto-tagging", "max_tags": 5, "min_confidence": 80}
    created = outcome(lambda: saved.create(name="tags", description="auto tags", config=tagging))
    if "error" in created:
        return {"created": created}
    saved_id = created["raw"]["id"]
    return {
        "created": created,
        "listed": outcome(lambda: saved.list()),
        "got": outcome(lambda: saved.get(saved_id)),
        "updated": outcome(lambda: saved.update(saved_id, config={"name": "ai-auto-description"})),
        "refused": outcome(
            lambda: saved.create(name="bad", description="", config={"name": "no-such"})
        ),
        "upload_with_saved": upload(
            client, config, "x.png", extensions=[{"name": "saved-extension", "id": saved_id}]
        ),
        "deleted": outcome(lambda: saved.delete(saved_id)),
        "got_deleted": outcome(lambda: saved.get(saved_id)),
    }


def scenario_async_client(client: ImageKit, config: Config) -> dict[str, Any]:
    """The AsyncImageKit twin over the same server, and less common upload options."""
    content = Path(config["png_path"]).read_bytes()
    folder = config["folder"]

    async def calls() -> dict[str, Any]:
        async_client = official.AsyncImageKit(
            private_key=config["private_key"], base_url=config["base_url"], max_retries=0
        )
        async with async_client:
            uploaded = await async_client.files.upload(
                file=content,
                file_name="async.png",
                folder=folder,
                transformation={"pre": "w-40,h-20"},
                is_published=False,
                response_fields=["isPublished"],
            )
            got = await async_client.files.get(uploaded.file_id)
            listed = await async_client.assets.list(path=folder)
            try:
                await async_client.files.upload(
                    file=content, file_name="no.png", folder=folder, checks='"file.size" < "10"'
                )
                refused = None
            except official.BadRequestError as exc:
                refused = exc.status_code
        return {
            "uploaded": uploaded.to_dict(),
            "got": got.to_dict(mode="json"),
            "listed": [asset.to_dict(mode="json") for asset in listed],
            "refused": refused,
        }

    return asyncio.run(calls())


def connect(private_key: str, base_url: str) -> ImageKit:
    """The official client aimed at our server by ``base_url`` alone (no retries: a failure
    shows at once)."""
    return official.ImageKit(private_key=private_key, base_url=base_url, max_retries=0)


SCENARIOS: dict[str, Scenario] = {
    "files": scenario_files,
    "folders": scenario_folders,
    "custom_metadata": scenario_custom_metadata,
    "versions_and_cache": scenario_versions_and_cache,
    "urls": scenario_urls,
    "origins": scenario_origins,
    "cleanup_origins": scenario_cleanup_origins,
    "errors": scenario_errors,
    "file_operations": scenario_file_operations,
    "unusual_names": scenario_unusual_names,
    "transformations": scenario_transformations,
    "named_transformations": scenario_named_transformations,
    "async_client": scenario_async_client,
    "saved_extensions": scenario_saved_extensions,
}


def main() -> None:
    config = json.load(sys.stdin)
    client = official.ImageKit(
        private_key=config["private_key"], base_url=config["base_url"], max_retries=0
    )
    json.dump(SCENARIOS[sys.argv[1]](client, config), sys.stdout)


if __name__ == "__main__":
    main()
