"""Local models through onnxruntime, loaded from paths the operator sets (nothing downloaded):

- an image classifier for tagging: input NCHW float32 ``[1, 3, H, W]`` (H, W from the model,
  224 when dynamic), ImageNet mean/std normalisation, output ``[1, classes]`` logits or
  probabilities; the labels file has one class name a line, in output order.
- a salient-object segmentation model for background removal, the U2-Net / ISNet signature:
  input ``[1, 3, H, W]`` (320 or 1024 in the published models), output(s) ``[1, 1, H, W]``
  whose first is the saliency map; it is min-max normalised into the alpha mask.

Sessions are made once per path and shared (onnxruntime sessions are thread-safe).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pyvips

from imagekit_server.extensions.builtin_background import fit_mask
from imagekit_server.extensions.cutout import finish, with_alpha
from imagekit_server.extensions.pixels import as_array, decode, from_array, thumbnail
from imagekit_server.extensions.providers import (
    BackgroundOptions,
    Cutout,
    Label,
    ProviderError,
    best_labels,
)
from imagekit_server.settings import Settings

_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
_sessions: dict[Path, Any] = {}
_lock = threading.Lock()


def session(path: Path | None, setting: str) -> Any:
    if path is None:
        raise ProviderError(f"the onnx provider needs a model path ({setting})")
    with _lock:
        found = _sessions.get(path)
        if found is None:
            try:
                import onnxruntime
            except ImportError as error:
                raise ProviderError("onnxruntime is not installed") from error
            try:
                found = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            except Exception as error:  # onnxruntime raises its own exception types
                raise ProviderError(
                    f"the ONNX model {path} could not be loaded: {error}"
                ) from error
            _sessions[path] = found
    return found


def input_size(model: Any, default: int) -> tuple[int, int]:
    shape = model.get_inputs()[0].shape
    height, width = shape[2], shape[3]
    return (
        height if isinstance(height, int) and height > 0 else default,
        width if isinstance(width, int) and width > 0 else default,
    )


def tensor(image: Any, height: int, width: int) -> np.ndarray:
    """``image`` (pyvips sRGB) squashed to ``width`` x ``height``, normalised, NCHW."""
    if image.hasalpha():
        image = image.flatten(background=[255, 255, 255])
    resized = image.resize(width / image.width, vscale=height / image.height)
    pixels = as_array(resized)[:height, :width, :3].astype(np.float32) / 255.0
    if pixels.shape[:2] != (height, width):
        pixels = np.pad(
            pixels, ((0, height - pixels.shape[0]), (0, width - pixels.shape[1]), (0, 0)), "edge"
        )
    return ((pixels - _MEAN) / _STD).transpose(2, 0, 1)[None].astype(np.float32)


class OnnxClassifier:
    inline = False

    def __init__(self, model_path: Path | None, labels_path: Path | None) -> None:
        self.model = session(model_path, "IMAGEKIT_ONNX_CLASSIFIER")
        if labels_path is None:
            raise ProviderError(
                "the onnx tagger needs a labels file (IMAGEKIT_ONNX_CLASSIFIER_LABELS)"
            )
        try:
            lines = labels_path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ProviderError(f"the labels file {labels_path} could not be read") from error
        self.names = [line.strip() for line in lines if line.strip()]

    def labels(self, image: bytes, *, max_labels: int, min_confidence: float) -> list[Label]:
        height, width = input_size(self.model, 224)
        small = thumbnail(image, max(height, width) * 2)
        name = self.model.get_inputs()[0].name
        scores = np.asarray(self.model.run(None, {name: tensor(small, height, width)})[0])
        scores = scores.reshape(-1).astype(np.float64)
        if len(scores) != len(self.names):
            raise ProviderError(
                f"the classifier has {len(scores)} outputs, the labels file {len(self.names)} lines"
            )
        if not (scores.min() >= 0 and abs(scores.sum() - 1) < 1e-3):
            exp = np.exp(scores - scores.max())
            scores = exp / exp.sum()
        found = [
            Label(self.names[index], round(float(scores[index]) * 100, 2))
            for index in np.argsort(-scores)[: max_labels * 2]
        ]
        return best_labels(found, max_labels=max_labels, min_confidence=min_confidence)


class OnnxBackgroundRemover:
    inline = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = session(settings.onnx_segmentation_path, "IMAGEKIT_ONNX_SEGMENTATION")

    def remove_background(self, image: bytes, options: BackgroundOptions) -> Cutout:
        try:
            return finish(self.cutout(image), options, self.settings)
        except pyvips.Error as error:  # raised late: libvips decodes while encoding
            raise ProviderError("the image data is damaged") from error

    def cutout(self, image: bytes) -> Any:
        full = decode(image)
        return with_alpha(full, self.mask(full))

    def mask(self, full: Any) -> Any:
        height, width = input_size(self.model, 320)
        name = self.model.get_inputs()[0].name
        saliency = np.asarray(self.model.run(None, {name: tensor(full, height, width)})[0])
        saliency = saliency.reshape(saliency.shape[-2], saliency.shape[-1]).astype(np.float32)
        low, high = float(saliency.min()), float(saliency.max())
        if high - low < 1e-6:
            raise ProviderError("the segmentation model found no subject")
        scaled = ((saliency - low) / (high - low) * 255).round().astype(np.uint8)
        return fit_mask(from_array(scaled), full.width, full.height).cast("uchar")
