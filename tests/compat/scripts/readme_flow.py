"""The "Done when" script of the extensions work: ImageKit's own Python 4.x README flow, run
unchanged by the official ``imagekitio`` 4.x and by our drop-in.

Upload with both of the README's extensions and a webhook, then details, versions, an update
with extensions, tags and AI tags added and removed, purge, metadata and custom metadata
fields. ``python readme_flow.py`` reads its configuration as JSON on stdin and prints what
each call returned (the 4.x result objects' raw responses) as one JSON document; the script
stops at the first exception, so ``reached_end`` says it ran to the end.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from imagekitio import ImageKit
from imagekitio.constants.url import URL
from imagekitio.models.CreateCustomMetadataFieldsRequestOptions import (
    CreateCustomMetadataFieldsRequestOptions,
)
from imagekitio.models.CustomMetadataFieldsSchema import CustomMetadataFieldsSchema
from imagekitio.models.CustomMetaDataTypeEnum import CustomMetaDataTypeEnum
from imagekitio.models.ListAndSearchFileRequestOptions import ListAndSearchFileRequestOptions
from imagekitio.models.UpdateCustomMetadataFieldsRequestOptions import (
    UpdateCustomMetadataFieldsRequestOptions,
)
from imagekitio.models.UpdateFileRequestOptions import UpdateFileRequestOptions
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions


def raw(result: Any) -> Any:
    return result.response_metadata.raw


def main() -> None:
    config = json.load(sys.stdin)
    URL.API_BASE_URL = config["base_url"]
    URL.UPLOAD_BASE_URL = config["base_url"]
    imagekit = ImageKit(
        private_key=config["private_key"],
        public_key=config["public_key"],
        url_endpoint=config["url_endpoint"],
    )
    out: dict[str, Any] = {"reached_end": False}
    try:
        run(imagekit, config, out)
        out["reached_end"] = True
    finally:
        json.dump(out, sys.stdout)


def run(imagekit: ImageKit, config: dict[str, Any], out: dict[str, Any]) -> None:
    field = imagekit.create_custom_metadata_fields(
        options=CreateCustomMetadataFieldsRequestOptions(
            name=config["field_name"],
            label="Test",
            schema=CustomMetadataFieldsSchema(
                type=CustomMetaDataTypeEnum.Number, min_value=1, max_value=100
            ),
        )
    )
    out["field"] = raw(field)
    upload = imagekit.upload_file(
        file=open(config["jpeg_path"], "rb"),  # noqa: SIM115 - as the README writes it
        file_name="my_file_name.jpg",
        options=UploadFileRequestOptions(
            use_unique_file_name=False,
            tags=["abc", "def"],
            folder=config["folder"],
            is_private_file=False,
            custom_coordinates="10,10,20,20",
            response_fields=["is_private_file", "tags"],
            extensions=[
                {"name": "remove-bg", "options": {"add_shadow": True, "bg_color": "pink"}},
                {"name": "google-auto-tagging", "minConfidence": 80, "maxTags": 10},
            ],
            webhook_url=config["webhook_url"],
            overwrite_file=True,
            overwrite_ai_tags=False,
            overwrite_tags=False,
            overwrite_custom_metadata=True,
            custom_metadata={config["field_name"]: 11},
        ),
    )
    out["upload"] = raw(upload)
    file_id = upload.file_id
    out["details"] = raw(imagekit.get_file_details(file_id=file_id))
    out["versions"] = raw(imagekit.get_file_versions(file_id=file_id))
    updated = imagekit.update_file_details(
        file_id=file_id,
        options=UpdateFileRequestOptions(
            remove_ai_tags=["remove-ai-tag-1", "remove-ai-tag-2"],
            webhook_url=config["webhook_url"],
            extensions=[{"name": "google-auto-tagging", "minConfidence": 80, "maxTags": 10}],
            tags=["tag1", "tag2"],
            custom_coordinates="10,10,100,100",
            custom_metadata={config["field_name"]: 12},
        ),
    )
    out["updated"] = raw(updated)
    out["add_tags"] = raw(imagekit.add_tags(file_ids=[file_id], tags=["tag3", "tag4"]))
    out["remove_tags"] = raw(imagekit.remove_tags(file_ids=[file_id], tags=["tag1"]))
    ai_tag = (updated.ai_tags or [{"name": "none"}])[0]
    name = ai_tag["name"] if isinstance(ai_tag, dict) else ai_tag.name
    out["removed_ai_tag"] = name
    out["remove_ai_tags"] = raw(imagekit.remove_ai_tags(file_ids=[file_id], ai_tags=[name]))
    out["after_tags"] = raw(imagekit.get_file_details(file_id=file_id))
    purge = imagekit.purge_file_cache(file_url=upload.url)
    out["purge"] = raw(purge)
    out["purge_status"] = raw(imagekit.get_purge_file_cache_status(purge.request_id))
    out["metadata"] = raw(imagekit.get_file_metadata(file_id=file_id))
    out["remote_metadata"] = raw(imagekit.get_remote_file_url_metadata(remote_file_url=upload.url))
    out["fields"] = raw(imagekit.get_custom_metadata_fields())
    out["field_updated"] = raw(
        imagekit.update_custom_metadata_fields(
            field.id,
            UpdateCustomMetadataFieldsRequestOptions(
                label="Test (renamed)", schema=CustomMetadataFieldsSchema(max_value=200)
            ),
        )
    )
    listing = imagekit.list_files(
        options=ListAndSearchFileRequestOptions(path=config["folder"], tags=["tag3"])
    )
    out["listed"] = raw(listing)
    out["field_deleted"] = raw(imagekit.delete_custom_metadata_field(field.id))


if __name__ == "__main__":
    main()
