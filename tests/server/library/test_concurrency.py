"""Parallel updates of one file never lose a tag, a field value or a version (real server,
SQLite and PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.fixtures.live_server import StartServer
from tests.server.library.calls import call, details, new_image, ok
from tests.server.media import solid_image
from tests.server.uploads import upload

THREADS = 20


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_parallel_updates_lose_nothing(live_server_factory: StartServer, database: str) -> None:
    server = live_server_factory(database=database)
    file_id = new_image(server, "contended.png")["fileId"]
    fields = [f"field{index}" for index in range(THREADS)]
    for name in fields:
        body = {"name": name, "label": name, "schema": {"type": "Number"}}
        ok(call(server, "POST", "/v1/customMetadataFields", body), 201)

    def add_tag(index: int) -> int:
        body = {"fileIds": [file_id], "tags": [f"tag{index}"]}
        return call(server, "POST", "/v1/files/addTags", body).status_code

    def set_field(index: int) -> int:
        body = {"customMetadata": {fields[index]: index}}
        return call(server, "PATCH", f"/v1/files/{file_id}/details", body).status_code

    def add_version(index: int) -> int:
        data = solid_image(4, 3, (index, index, index))
        # keep the attributes the other threads are setting (an overwrite clears them
        # by default, docs/reference/api.md §4.1.6)
        response = upload(
            server,
            data,
            "contended.png",
            useUniqueFileName="false",
            overwriteFile="true",
            overwriteTags="false",
            overwriteCustomMetadata="false",
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=THREADS * 2) as pool:
        tag_calls = pool.map(add_tag, range(THREADS))
        field_calls = pool.map(set_field, range(THREADS))
        version_calls = pool.map(add_version, range(10))
        statuses = [*tag_calls, *field_calls, *version_calls]
    assert statuses == [200] * (THREADS * 2 + 10)

    final = details(server, file_id)
    assert sorted(final["tags"]) == sorted(f"tag{index}" for index in range(THREADS))
    assert final["customMetadata"] == {name: index for index, name in enumerate(fields)}
    versions = ok(call(server, "GET", f"/v1/files/{file_id}/versions"))
    assert len(versions) == 11
    assert sorted(item["versionInfo"]["name"] for item in versions) == sorted(
        f"Version {number}" for number in range(1, 12)
    )
