"""Provider choice from the settings (with reasons an operator can act on), and the built-in
tagger and describer on a real portrait."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagekit_server.extensions.builtin_description import BuiltinDescriber
from imagekit_server.extensions.builtin_tagging import BuiltinTagger
from imagekit_server.extensions.providers import ProviderError
from imagekit_server.extensions.registry import Providers
from imagekit_server.settings import Settings, SettingsError

PORTRAIT = Path(__file__).parents[2] / "data" / "astronaut.jpg"


def test_settings_read_and_check_the_provider_choices() -> None:
    settings = Settings.from_env(
        {
            "IMAGEKIT_EXT_GOOGLE_AUTO_TAGGING": "google",
            "IMAGEKIT_EXT_REMOVE_BG": "onnx",
            "IMAGEKIT_ONNX_SEGMENTATION": "/models/u2net.onnx",
            "IMAGEKIT_EXTENSION_WORKERS": "4",
            "IMAGEKIT_AI_RENDER_WAIT": "2.5",
        }
    )
    assert settings.extension_google_auto_tagging == "google"
    assert settings.extension_remove_bg == "onnx"
    assert settings.onnx_segmentation_path == Path("/models/u2net.onnx")
    assert (settings.extension_workers, settings.ai_render_wait_seconds) == (4, 2.5)
    with pytest.raises(SettingsError, match="IMAGEKIT_EXT_REMOVE_BG"):
        Settings.from_env({"IMAGEKIT_EXT_REMOVE_BG": "google"})
    with pytest.raises(SettingsError, match="IMAGEKIT_EXTENSION_WORKERS"):
        Settings.from_env({"IMAGEKIT_EXTENSION_WORKERS": "0"})


@pytest.mark.parametrize(
    ("changes", "extension", "reason"),
    [
        ({"extension_google_auto_tagging": "none"}, "google-auto-tagging", "=none"),
        ({"extension_google_auto_tagging": "google"}, "google-auto-tagging", "API key"),
        ({"extension_remove_bg": "removebg"}, "remove-bg", "IMAGEKIT_REMOVEBG_API_KEY"),
        ({"extension_remove_bg": "onnx"}, "remove-bg", "IMAGEKIT_ONNX_SEGMENTATION"),
        ({"extension_aws_auto_tagging": "onnx"}, "aws-auto-tagging", "IMAGEKIT_ONNX_CLASSIFIER"),
        ({"extension_ai_auto_description": "none"}, "ai-auto-description", "=none"),
        ({}, "ai-tasks", "not supported"),
    ],
)
def test_an_unusable_provider_names_what_to_fix(
    changes: dict[str, str], extension: str, reason: str
) -> None:
    providers = Providers(Settings(**changes))  # type: ignore[arg-type]
    with pytest.raises(ProviderError, match=reason):
        providers.provider_for(extension)


def test_builtin_providers_are_shared_and_inline() -> None:
    providers = Providers(Settings())
    tagger = providers.provider_for("google-auto-tagging")
    assert tagger is providers.provider_for("aws-auto-tagging") and tagger.inline
    assert not providers.provider_for("remove-bg").inline


def test_builtin_tagger_finds_the_face_of_a_portrait() -> None:
    labels = BuiltinTagger().labels(PORTRAIT.read_bytes(), max_labels=10, min_confidence=80)
    names = [label.name for label in labels]
    assert names[:3] == ["Square", "Face", "Person"]
    description = BuiltinDescriber().describe(PORTRAIT.read_bytes())
    assert description.startswith("A square image of a person")
