"""Client-side checks raise the 4.x errors before any request is sent (docs/reference/sdk.md §4,
§8)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from imagekitio import ImageKit
from imagekitio.async_client import AsyncImageKit
from imagekitio.constants.errors import ERRORS
from imagekitio.models.ListAndSearchFileRequestOptions import ListAndSearchFileRequestOptions
from imagekitio.models.UpdateCustomMetadataFieldsRequestOptions import (
    UpdateCustomMetadataFieldsRequestOptions,
)
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions
from tests.fixtures.recording_server import RecordingServer
from tests.sdk.conftest import PRIVATE_KEY, PUBLIC_KEY, URL_ENDPOINT


def _bad_list_options() -> ListAndSearchFileRequestOptions:
    options = ListAndSearchFileRequestOptions(type="file")
    options.name = "x"  # type: ignore[attr-defined]
    return options


def _bad_upload_options() -> UploadFileRequestOptions:
    options = UploadFileRequestOptions(folder="/a")
    options.color = "red"  # type: ignore[attr-defined]
    return options


CHECKS: list[tuple[str, Callable[[ImageKit], Any], type[Exception], Any]] = [
    (
        "upload without file",
        lambda ik: ik.upload_file(None, "a.jpg"),
        TypeError,
        ERRORS.MISSING_UPLOAD_FILE_PARAMETER.value,
    ),
    (
        "upload without name",
        lambda ik: ik.upload(b"x", ""),
        TypeError,
        ERRORS.MISSING_UPLOAD_FILENAME_PARAMETER.value,
    ),
    (
        "upload unknown option",
        lambda ik: ik.upload_file(b"x", "a", _bad_upload_options()),
        ValueError,
        "Invalid upload options",
    ),
    (
        "upload unknown response field",
        lambda ik: ik.upload_file(b"x", "a", UploadFileRequestOptions(response_fields=["nope"])),
        ValueError,
        "Invalid upload options",
    ),
    (
        "list unknown option",
        lambda ik: ik.list_files(_bad_list_options()),
        ValueError,
        "Invalid option for list_files",
    ),
    (
        "details without id",
        lambda ik: ik.get_file_details(None),
        TypeError,
        ERRORS.FILE_ID_MISSING.value,
    ),
    (
        "versions without id",
        lambda ik: ik.get_file_versions(""),
        TypeError,
        ERRORS.FILE_ID_MISSING.value,
    ),
    (
        "version details without version",
        lambda ik: ik.get_file_version_details("f1", None),
        TypeError,
        ERRORS.VERSION_ID_MISSING.value,
    ),
    (
        "update without id",
        lambda ik: ik.update_file_details("", None),
        TypeError,
        ERRORS.FILE_ID_MISSING.value,
    ),
    (
        "update without options",
        lambda ik: ik.update_file_details("f1", None),
        ValueError,
        ERRORS.UPDATE_DATA_MISSING.value,
    ),
    ("delete without id", lambda ik: ik.delete_file(), TypeError, ERRORS.FILE_ID_MISSING.value),
    (
        "delete version without version",
        lambda ik: ik.delete_file_version("f1", None),  # type: ignore[arg-type]
        TypeError,
        ERRORS.VERSION_ID_MISSING.value,
    ),
    (
        "restore without id",
        lambda ik: ik.restore_file_version(None, "v1"),  # type: ignore[arg-type]
        TypeError,
        ERRORS.FILE_ID_MISSING.value,
    ),
    ("bulk delete empty", lambda ik: ik.bulk_delete([]), ValueError, "Need to pass ids in list"),
    ("purge without url", lambda ik: ik.purge_cache(), TypeError, ERRORS.MISSING_FILE_URL.value),
    (
        "purge status empty",
        lambda ik: ik.get_purge_cache_status(),
        TypeError,
        ERRORS.CACHE_PURGE_STATUS_ID_MISSING.value,
    ),
    (
        "purge status None",
        lambda ik: ik.get_purge_file_cache_status(None),  # type: ignore[arg-type]
        TypeError,
        ERRORS.CACHE_PURGE_STATUS_ID_MISSING.value,
    ),
    (
        "metadata empty",
        lambda ik: ik.get_metadata(""),
        TypeError,
        ERRORS.FILE_ID_MISSING.value,
    ),
    (
        "metadata None",
        lambda ik: ik.get_file_metadata(None),
        TypeError,
        ERRORS.FILE_ID_MISSING.value,
    ),
    (
        "remote metadata empty",
        lambda ik: ik.get_remote_url_metadata(),
        ValueError,
        "You must provide remote url",
    ),
    (
        "custom field update without id",
        lambda ik: ik.update_custom_metadata_fields(
            "", UpdateCustomMetadataFieldsRequestOptions(label="x")
        ),
        ValueError,
        ERRORS.MISSING_CUSTOM_METADATA_FIELD_ID,
    ),
    (
        "custom field update without options",
        lambda ik: ik.update_custom_metadata_fields("cf1", None),
        ValueError,
        ERRORS.UPDATE_DATA_MISSING.value,
    ),
    (
        "upload of an int",
        lambda ik: ik.upload_file(42, "a.jpg"),  # type: ignore[arg-type]
        TypeError,
        None,
    ),
    (
        "options as an unrelated object",
        lambda ik: ik.copy_file(42),  # type: ignore[arg-type]
        TypeError,
        None,
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "argument"), [c[1:] for c in CHECKS], ids=[c[0] for c in CHECKS]
)
def test_invalid_call_fails_before_sending(
    call: Callable[[ImageKit], Any],
    error: type[Exception],
    argument: Any,
    ik: ImageKit,
    recording_server: RecordingServer,
) -> None:
    with pytest.raises(error) as caught:
        call(ik)

    if argument is not None:
        assert caught.value.args == (argument,)
    assert recording_server.requests == []


@pytest.mark.parametrize(
    ("call", "error", "argument"), [c[1:] for c in CHECKS], ids=[c[0] for c in CHECKS]
)
def test_async_client_checks_the_same_when_awaited(
    call: Callable[[Any], Any],
    error: type[Exception],
    argument: Any,
    recording_server: RecordingServer,
) -> None:
    async def main() -> None:
        base = recording_server.base_url
        options = {"api_base_url": base, "upload_base_url": base}
        async with AsyncImageKit(PUBLIC_KEY, PRIVATE_KEY, URL_ENDPOINT, **options) as ik:
            pending = call(ik)  # nothing is checked until the coroutine runs
            assert inspect.iscoroutine(pending)
            with pytest.raises(error) as caught:
                await pending
        if argument is not None:
            assert caught.value.args == (argument,)

    asyncio.run(main())
    assert recording_server.requests == []


@pytest.mark.parametrize("missing", ["public_key", "private_key", "url_endpoint"])
@pytest.mark.parametrize("value", [None, ""])
def test_constructor_requires_all_three_keys(missing: str, value: str | None) -> None:
    keys: dict[str, Any] = {
        "public_key": "public_x",
        "private_key": "private_x",
        "url_endpoint": "https://ik.imagekit.io/demo",
        missing: value,
    }

    with pytest.raises(ValueError) as caught:
        ImageKit(**keys)

    assert caught.value.args == (ERRORS.MANDATORY_INITIALIZATION_MISSING.value,)


def test_constructor_defaults() -> None:
    ik = ImageKit("public_x", "private_x", "https://ik.imagekit.io/demo")

    assert ik.ik_request.transformation_position == "path"
    assert ik.ik_request.options == {}
    assert ik.url_obj.request is ik.ik_request
    assert ik.file.request is ik.ik_request


def test_invalid_list_options_are_not_mutated() -> None:
    options = ListAndSearchFileRequestOptions(tags=["a", "b"])
    ik = ImageKit("public_x", "private_x", "https://ik.imagekit.io/demo")

    assert ik.file.is_valid_list_options({"tags": "a"})
    assert not ik.file.is_valid_list_options({"name": "a"})
    assert options.tags == ["a", "b"]
