"""``remove-bg`` on remove.bg's HTTP API: ``POST {endpoint}/v1.0/removebg`` (multipart,
``X-Api-Key``), the image as ``image_file``; ImageKit's options are remove.bg's own
parameters, so they are passed through. A 200 answer is the result image."""

from __future__ import annotations

from typing import Any

import requests

from imagekit_server.extensions.providers import BackgroundOptions, Cutout, ProviderError

_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp"}


class RemoveBgRemover:
    inline = False

    def __init__(self, api_key: str | None, endpoint: str, timeout: float) -> None:
        if not api_key:
            raise ProviderError(
                "the removebg provider needs an API key (IMAGEKIT_REMOVEBG_API_KEY)"
            )
        self.api_key = api_key
        self.url = endpoint.rstrip("/") + "/v1.0/removebg"
        self.timeout = timeout

    def remove_background(self, image: bytes, options: BackgroundOptions) -> Cutout:
        fields: dict[str, Any] = {
            "size": "auto",
            "format": "png",
            "add_shadow": str(options.add_shadow).lower(),
            "semitransparency": str(options.semitransparency).lower(),
        }
        if options.bg_color:
            fields["bg_color"] = options.bg_color
        if options.bg_image_url:
            fields["bg_image_url"] = options.bg_image_url
        try:
            response = requests.post(
                self.url,
                headers={"X-Api-Key": self.api_key, "Accept": "image/*"},
                data=fields,
                files={"image_file": ("image", image)},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ProviderError(f"remove.bg could not be reached: {error}") from error
        if response.status_code != 200:
            raise ProviderError(f"remove.bg answered {response.status_code}: {_errors(response)}")
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind not in _FORMATS:
            raise ProviderError(
                f"remove.bg answered with {kind or 'no content type'}, not an image"
            )
        return Cutout(response.content, _FORMATS[kind])


def _errors(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or []
        return "; ".join(str(item.get("title", item)) for item in errors) or "no error message"
    except (ValueError, AttributeError):
        return "no error message"
