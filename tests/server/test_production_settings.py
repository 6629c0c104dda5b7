"""The observability, abuse and error-help settings: read from the environment, validated."""

from __future__ import annotations

import pytest

from imagekit_server.errors import DEFAULT_HELP, ApiError
from imagekit_server.settings import Settings, SettingsError


def test_the_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "IMAGEKIT_LOG_LEVEL": "WARNING",
            "IMAGEKIT_LOG_FORMAT": "json",
            "IMAGEKIT_ACCESS_LOG": "off",
            "IMAGEKIT_METRICS": "no",
            "IMAGEKIT_RATE_LIMIT_UPLOADS": "30",
            "IMAGEKIT_RATE_LIMIT_API": "600",
            "IMAGEKIT_RATE_LIMIT_RENDERS": "120.5",
            "IMAGEKIT_RENDER_QUEUE": "16",
            "IMAGEKIT_TRUST_FORWARDED_FOR": "on",
            "IMAGEKIT_ERROR_HELP": " Mail ops@example.com ",
        }
    )
    assert (settings.log_level, settings.log_format) == ("warning", "json")
    assert not settings.access_log and not settings.metrics
    assert (settings.rate_limit_uploads, settings.rate_limit_api) == (30, 600)
    assert settings.rate_limit_renders == 120.5 and settings.render_queue_limit == 16
    assert settings.trust_forwarded_for
    assert settings.error_help == "Mail ops@example.com"


def test_defaults_leave_limits_off_and_observability_on() -> None:
    settings = Settings.from_env({})
    assert settings.access_log and settings.metrics and settings.log_format == "text"
    assert settings.rate_limit_uploads == settings.rate_limit_api == 0
    assert settings.error_help == DEFAULT_HELP and "imagekit.io" not in DEFAULT_HELP


@pytest.mark.parametrize(
    "env",
    [
        {"IMAGEKIT_LOG_LEVEL": "loud"},
        {"IMAGEKIT_LOG_FORMAT": "xml"},
        {"IMAGEKIT_RATE_LIMIT_API": "-1"},
        {"IMAGEKIT_RENDER_QUEUE": "0"},
        {"IMAGEKIT_RATE_LIMIT_RENDERS": "many"},
    ],
)
def test_invalid_values_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(env)


def test_an_error_names_its_own_help_or_takes_the_configured_one() -> None:
    assert ApiError("x").body("Ask the media team.")["help"] == "Ask the media team."
    assert ApiError("x", help="specific").body("Ask the media team.")["help"] == "specific"
