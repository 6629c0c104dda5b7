"""Prints what an ``imagekitio`` client hands to ``requests`` for a set of calls.

Run by any interpreter: the official 4.x in its environment, or ours. ``requests`` is mocked
(as users' own tests mock it), so nothing is sent. Reads ``{"png_path"}`` on stdin and prints,
per call, the method, URL, the ``data`` argument (its type and value) and the Content-Type.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from typing import Any
from unittest import mock

import requests

from imagekitio import ImageKit
from imagekitio.models.CopyFileRequestOptions import CopyFileRequestOptions
from imagekitio.models.CreateFolderRequestOptions import CreateFolderRequestOptions
from imagekitio.models.RenameFileRequestOptions import RenameFileRequestOptions
from imagekitio.models.UpdateFileRequestOptions import UpdateFileRequestOptions
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions

captured: list[dict[str, Any]] = []


def fake_request(self: Any, method: str, url: str, **kwargs: Any) -> requests.Response:
    data = kwargs.get("data")
    headers = {key.lower(): value for key, value in (kwargs.get("headers") or {}).items()}
    captured.append(
        {
            "method": method.upper(),
            "url": url,
            "type": type(data).__name__,
            "data": data.decode("latin-1") if isinstance(data, bytes) else data,
            "content_type": headers.get("content-type"),
        }
    )
    response = requests.Response()
    response.status_code = 200
    response._content = b'{"fileId": "f"}'
    response.headers["Content-Type"] = "application/json"
    return response


def calls(ik: ImageKit, png: str) -> list[Callable[[], Any]]:
    options = UploadFileRequestOptions(
        use_unique_file_name=False,
        tags=["a", "b"],
        folder="/f",
        is_private_file=False,
        custom_coordinates="1,2,3,4",
        response_fields=["tags", "is_private_file"],
        extensions=[{"name": "google-auto-tagging", "minConfidence": 80, "maxTags": 10}],
        webhook_url="https://example.com/hook",
        overwrite_file=True,
        overwrite_ai_tags=False,
        custom_metadata={"k": 1},
        transformation={"pre": "w-10"},
    )
    return [
        lambda: ik.upload_file(file=b"\x89PNG\r\n raw bytes", file_name="a.png", options=options),
        lambda: ik.upload_file(file="aGVsbG8gd29ybGQ=", file_name="b.txt"),
        lambda: ik.upload_file(file="https://example.com/c.jpg", file_name="c.jpg"),
        lambda: ik.upload_file(file=open(png, "rb"), file_name="d.png"),
        lambda: ik.update_file_details(
            "fid", UpdateFileRequestOptions(tags=["x"], custom_coordinates="1,1,2,2")
        ),
        lambda: ik.add_tags(["f1", "f2"], ["t1"]),
        lambda: ik.remove_tags(["f1"], ["t1"]),
        lambda: ik.copy_file(
            CopyFileRequestOptions(
                source_file_path="/a.png", destination_path="/b/", include_file_versions=True
            )
        ),
        lambda: ik.rename_file(
            RenameFileRequestOptions(file_path="/a.png", new_file_name="é.png", purge_cache=True)
        ),
        lambda: ik.create_folder(
            CreateFolderRequestOptions(folder_name="new", parent_folder_path="/")
        ),
        lambda: ik.bulk_file_delete(["f1", "f2"]),
        lambda: ik.purge_cache("https://ik.imagekit.io/demo/a.png"),
    ]


def main() -> None:
    config = json.load(sys.stdin)
    ik = ImageKit(public_key="public_x", private_key="private_x", url_endpoint="https://ik.io/d")
    with mock.patch("requests.Session.request", fake_request):
        for call in calls(ik, config["png_path"]):
            # The fake answer does not fit every result type: only the request matters.
            with contextlib.suppress(Exception):
                call()
    json.dump(captured, sys.stdout)


if __name__ == "__main__":
    main()
