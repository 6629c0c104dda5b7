"""``phash_distance``, ``get_authentication_parameters`` and case conversion (docs/reference/sdk.md
§9-10)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from imagekitio import ImageKit
from imagekitio.constants.errors import ERRORS
from imagekitio.utils import calculation
from imagekitio.utils.formatter import camel_to_snake, snake_to_lower_camel


@pytest.mark.parametrize(
    ("first", "second", "distance"),
    [
        ("f06830ca9f1e3e90", "f06830ca9f1e3e90", 0),
        ("2d5ad3936d2e015b", "2d6ed293db36a4fb", 17),
        ("a4a65595ac94518b", "7838873e791f8400", 37),
        ("33699c96619cc69e", "968e978414fe04ea", 30),
        ("ff", "0", 8),
        ("A4A65595AC94518B", "7838873e791f8400", 37),
        ("0xff", "00", 8),
    ],
)
def test_phash_distance(first: str, second: str, distance: int) -> None:
    assert ImageKit.phash_distance(first, second) == distance


def test_phash_distance_errors() -> None:
    with pytest.raises(TypeError) as missing:
        ImageKit.phash_distance("", "ff")
    assert missing.value.args == (ERRORS.MISSING_PHASH_VALUE.value,)
    with pytest.raises(TypeError) as invalid:
        ImageKit.phash_distance(255, "ff")  # type: ignore[arg-type]
    assert invalid.value.args == (ERRORS.INVALID_PHASH_VALUE.value,)
    with pytest.raises(ValueError):
        ImageKit.phash_distance("not hex", "ff")


@pytest.mark.parametrize(
    ("key", "token", "expire", "signature"),
    [
        ("private_TEST_KEY", "your_token", 1582269249, "06f68dedbb35bb036490e02922f3b7a044957d40"),
        ("private_TEST_KEY", "tok", "1700001800", "8bc13ce8b416d1bdc1e22952879b6a09209def0b"),
        (
            "private_key_test",
            "your_token",
            "1582269249",
            "e71bcd6031016b060d349d212e23e85c791decdd",
        ),
    ],
)
def test_authentication_parameters(key: str, token: str, expire: object, signature: str) -> None:
    ik = ImageKit("public_x", key, "https://ik.imagekit.io/demo")

    params = ik.get_authentication_parameters(token, expire)

    assert params == {"token": token, "expire": expire, "signature": signature}


def test_authentication_parameter_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: object = None) -> FrozenDatetime:
            return cls.fromtimestamp(1700000000.5)

    monkeypatch.setattr(calculation, "datetime", FrozenDatetime)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID("11111111-2222-4333-8444-555555555555"))
    ik = ImageKit("public_x", "private_TEST_KEY", "https://ik.imagekit.io/demo")

    assert ik.get_authentication_parameters() == {
        "token": "11111111-2222-4333-8444-555555555555",
        "expire": 1700001800,
        "signature": "751bbfdfe457dd7f869bfc575de1f39aeb76bfb3",
    }


@pytest.mark.parametrize(
    ("camel", "snake"),
    [
        ("fileId", "file_id"),
        ("thumbnailUrl", "thumbnail_url"),
        ("AITags", "ai_tags"),
        ("pHash", "p_hash"),
        ("GPSVersionID", "gps_version_id"),
        ("YCbCrPositioning", "y_cb_cr_positioning"),
        ("FNumber", "f_number"),
        ("ISO", "iso"),
        ("DateTimeCreated", "date_time_created"),
        ("DPI", "dpi"),
        ("myName_", "my_name_"),
        ("_abc", "_abc"),
    ],
)
def test_camel_to_snake(camel: str, snake: str) -> None:
    assert camel_to_snake(camel) == snake


@pytest.mark.parametrize(
    ("snake", "camel"),
    [
        ("overwrite_ai_tags", "overwriteAiTags"),
        ("include_file_versions", "includeFileVersions"),
        ("search_query", "searchQuery"),
        ("tags", "tags"),
    ],
)
def test_snake_to_lower_camel(snake: str, camel: str) -> None:
    assert snake_to_lower_camel(snake) == camel


def test_client_url_uses_the_client_settings() -> None:
    ik = ImageKit(
        "public_x",
        "private_x",
        "https://ik.imagekit.io/demo",
        transformation_position="query",
    )

    url = ik.url({"path": "/a.jpg", "transformation": [{"height": "300", "width": "400"}]})

    assert url == "https://ik.imagekit.io/demo/a.jpg?tr=h-300%2Cw-400"
