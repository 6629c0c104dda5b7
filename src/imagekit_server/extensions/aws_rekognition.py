"""``aws-auto-tagging`` on AWS Rekognition DetectLabels through boto3 (credentials and region
the usual AWS way; endpoint overridable for Rekognition-compatible services and tests)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from imagekit_server.extensions.pixels import jpeg_copy
from imagekit_server.extensions.providers import Label, ProviderError, best_labels

UPLOAD_SIZE = 1600  # DetectLabels takes at most 5 MB of image bytes


class RekognitionTagger:
    inline = False

    def __init__(self, endpoint_url: str | None, region: str, timeout: float) -> None:
        config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 2})
        self.client: Any = boto3.client(
            "rekognition", endpoint_url=endpoint_url, region_name=region, config=config
        )

    def labels(self, image: bytes, *, max_labels: int, min_confidence: float) -> list[Label]:
        try:
            answer = self.client.detect_labels(
                Image={"Bytes": jpeg_copy(image, UPLOAD_SIZE)},
                MaxLabels=max_labels,
                MinConfidence=float(min_confidence),
            )
        except ClientError as error:
            raise ProviderError(f"AWS Rekognition refused the request: {error}") from error
        except BotoCoreError as error:
            raise ProviderError(f"AWS Rekognition could not be reached: {error}") from error
        found = [
            Label(str(item["Name"]), round(float(item["Confidence"]), 2))
            for item in answer.get("Labels", [])
        ]
        return best_labels(found, max_labels=max_labels, min_confidence=min_confidence)
