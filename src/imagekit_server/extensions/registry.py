"""Which provider runs each extension, from the settings; providers are built once per
process and shared. A provider that cannot be built (no key, no model) raises
``ProviderError`` with the setting to fix, and the extension reports ``failed``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from imagekit_server.extensions.providers import (
    BackgroundRemover,
    Describer,
    ProviderError,
    Tagger,
)
from imagekit_server.settings import Settings

TAGGING_EXTENSIONS = {
    "google-auto-tagging": "extension_google_auto_tagging",
    "aws-auto-tagging": "extension_aws_auto_tagging",
}


class Providers:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._built: dict[str, Any] = {}
        self._lock = threading.Lock()

    def tagger(self, extension: str) -> Tagger:
        choice = getattr(self.settings, TAGGING_EXTENSIONS[extension])
        tagger: Tagger = self._get(f"tagger:{choice}", lambda: self._make_tagger(choice, extension))
        return tagger

    def remover(self) -> BackgroundRemover:
        choice = self.settings.extension_remove_bg
        remover: BackgroundRemover = self._get(
            f"remover:{choice}", lambda: self._make_remover(choice)
        )
        return remover

    def describer(self) -> Describer:
        if self.settings.extension_ai_auto_description == "none":
            raise _disabled("ai-auto-description", "IMAGEKIT_EXT_AI_AUTO_DESCRIPTION")
        from imagekit_server.extensions.builtin_description import BuiltinDescriber

        describer: Describer = self._get("describer:builtin", BuiltinDescriber)
        return describer

    def provider_for(self, extension: str) -> Tagger | BackgroundRemover | Describer:
        if extension in TAGGING_EXTENSIONS:
            return self.tagger(extension)
        if extension == "remove-bg":
            return self.remover()
        if extension == "ai-auto-description":
            return self.describer()
        raise ProviderError(f"{extension} is not supported by this server")

    def _get(self, key: str, make: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._built.get(key)
        if found is None:
            found = make()  # outside the lock: a model load must not stall other extensions
            with self._lock:
                found = self._built.setdefault(key, found)
        return found

    def _make_tagger(self, choice: str, extension: str) -> Tagger:
        settings = self.settings
        if choice == "builtin":
            from imagekit_server.extensions.builtin_tagging import BuiltinTagger

            return BuiltinTagger()
        if choice == "google":
            from imagekit_server.extensions.google_vision import GoogleVisionTagger

            return GoogleVisionTagger(
                settings.google_vision_api_key,
                settings.google_vision_endpoint,
                settings.extension_timeout_seconds,
            )
        if choice == "aws":
            from imagekit_server.extensions.aws_rekognition import RekognitionTagger

            return RekognitionTagger(
                settings.rekognition_endpoint_url,
                settings.rekognition_region,
                settings.extension_timeout_seconds,
            )
        if choice == "onnx":
            from imagekit_server.extensions.onnx_models import OnnxClassifier

            return OnnxClassifier(settings.onnx_classifier_path, settings.onnx_classifier_labels)
        raise _disabled(extension, "IMAGEKIT_EXT_" + TAGGING_EXTENSIONS[extension][10:].upper())

    def _make_remover(self, choice: str) -> BackgroundRemover:
        settings = self.settings
        if choice == "builtin":
            from imagekit_server.extensions.builtin_background import BuiltinBackgroundRemover

            return BuiltinBackgroundRemover(settings)
        if choice == "removebg":
            from imagekit_server.extensions.removebg_api import RemoveBgRemover

            return RemoveBgRemover(
                settings.removebg_api_key,
                settings.removebg_endpoint,
                settings.extension_timeout_seconds,
            )
        if choice == "onnx":
            from imagekit_server.extensions.onnx_models import OnnxBackgroundRemover

            return OnnxBackgroundRemover(settings)
        raise _disabled("remove-bg", "IMAGEKIT_EXT_REMOVE_BG")


def _disabled(extension: str, variable: str) -> ProviderError:
    return ProviderError(f"{extension} has no provider on this server ({variable}=none)")


def providers(context: Any) -> Providers:
    """The context's shared ``Providers``."""
    found: Providers = context.component(Providers, lambda: Providers(context.settings))
    return found
