"""``google-auto-tagging`` on Google Cloud Vision: ``POST {endpoint}/v1/images:annotate?key=``
with one LABEL_DETECTION request; each ``labelAnnotations`` entry's ``description`` and
``score`` (0..1) become a label (confidence in percent)."""

from __future__ import annotations

import base64
from typing import Any

import requests

from imagekit_server.extensions.pixels import jpeg_copy
from imagekit_server.extensions.providers import Label, ProviderError, best_labels

UPLOAD_SIZE = 1600  # longest side sent: Vision's own recommendation for labels is far below


class GoogleVisionTagger:
    inline = False

    def __init__(self, api_key: str | None, endpoint: str, timeout: float) -> None:
        if not api_key:
            raise ProviderError(
                "the google provider needs an API key (IMAGEKIT_GOOGLE_VISION_API_KEY)"
            )
        self.api_key = api_key
        self.url = endpoint.rstrip("/") + "/v1/images:annotate"
        self.timeout = timeout

    def labels(self, image: bytes, *, max_labels: int, min_confidence: float) -> list[Label]:
        content = base64.b64encode(jpeg_copy(image, UPLOAD_SIZE)).decode("ascii")
        body = {
            "requests": [
                {
                    "image": {"content": content},
                    "features": [{"type": "LABEL_DETECTION", "maxResults": max(max_labels, 10)}],
                }
            ]
        }
        try:
            response = requests.post(
                self.url, params={"key": self.api_key}, json=body, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise ProviderError(f"Google Cloud Vision could not be reached: {error}") from error
        answer = _json(response)
        if response.status_code != 200:
            raise ProviderError(
                f"Google Cloud Vision answered {response.status_code}: {_error(answer)}"
            )
        first = (answer.get("responses") or [{}])[0]
        if "error" in first:
            raise ProviderError(f"Google Cloud Vision refused the image: {_error(first)}")
        found = [
            Label(str(item["description"]), round(float(item["score"]) * 100, 2))
            for item in first.get("labelAnnotations", [])
            if "description" in item and "score" in item
        ]
        return best_labels(found, max_labels=max_labels, min_confidence=min_confidence)


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _error(answer: dict[str, Any]) -> str:
    error = answer.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("status") or error)
    return "no error message"
