"""Settings from environment variables: defaults, conversions, refusals."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from imagekit_server.settings import Settings, SettingsError


def test_defaults_live_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({}, data_dir=tmp_path)
    assert settings.imagekit_id == "demo"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'imagekit.sqlite3'}"
    assert settings.storage_url == str(tmp_path.resolve() / "blobs")
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.url_endpoint("demo") == "http://127.0.0.1:8000/demo"


def test_environment_values_are_converted() -> None:
    settings = Settings.from_env(
        {
            "IMAGEKIT_ID": "acme",
            "IMAGEKIT_PORT": "9000",
            "IMAGEKIT_PUBLIC_URL": "https://media.example.com/",
            "IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8, intranet.local",
            "IMAGEKIT_MAX_UPLOAD_BYTES": "1024",
            "DATABASE_URL": "postgresql+psycopg://u@h/db",
            "IMAGEKIT_STORAGE": "s3://bucket/prefix",
        }
    )
    assert (settings.imagekit_id, settings.port, settings.max_upload_bytes) == ("acme", 9000, 1024)
    assert settings.url_endpoint("acme") == "https://media.example.com/acme"
    assert settings.fetch_allowlist.hosts == {"intranet.local"}
    assert settings.fetch_allowlist.networks == (ipaddress.ip_network("127.0.0.0/8"),)
    assert settings.storage_url == "s3://bucket/prefix"


def test_output_defaults_are_read() -> None:
    settings = Settings.from_env(
        {
            "IMAGEKIT_DEFAULT_QUALITY": "65",
            "IMAGEKIT_AUTO_AVIF": "on",
            "IMAGEKIT_CHROMA_SUBSAMPLING": "false",
            "IMAGEKIT_FORMAT_STRATEGY": " smallest ",
            "IMAGEKIT_PROGRESSIVE_JPEG": "true",
            "IMAGEKIT_AVIF_EFFORT": "5",
        }
    )
    assert settings.progressive_jpeg and settings.avif_effort == 5
    assert settings.default_quality == 65
    assert settings.auto_avif and not settings.chroma_subsampling
    assert settings.format_strategy == "smallest"
    plain = Settings.from_env({})
    assert (plain.default_quality, plain.auto_avif, plain.chroma_subsampling) == (80, False, True)
    assert plain.format_strategy == "preference"
    assert (plain.progressive_jpeg, plain.avif_effort) == (False, 3)


@pytest.mark.parametrize(
    "env",
    [
        {"IMAGEKIT_PORT": "eighty"},
        {"IMAGEKIT_MAX_UPLOAD_BYTES": "0"},
        {"IMAGEKIT_MIGRATE_ON_START": "perhaps"},
        {"IMAGEKIT_ID": "a/b"},
        {"IMAGEKIT_DEFAULT_QUALITY": "0"},
        {"IMAGEKIT_DEFAULT_QUALITY": "101"},
        {"IMAGEKIT_AUTO_AVIF": "sometimes"},
        {"IMAGEKIT_FORMAT_STRATEGY": "fastest"},
        {"IMAGEKIT_AVIF_EFFORT": "10"},
        {"IMAGEKIT_AVIF_EFFORT": "-1"},
        {"IMAGEKIT_PROGRESSIVE_JPEG": "maybe"},
    ],
)
def test_invalid_values_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(env)
