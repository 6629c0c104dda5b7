"""Object detection for `fo-<object>` (`fo-car`, `fo-dog`, `fo-person_dog`) with a YOLO model
in ONNX form that the operator supplies (``IMAGEKIT_OBJECT_MODEL``; docs/reference/
transformations.md §3.5). Nothing is downloaded: without a model, object focus is refused.

The model has the signature of Ultralytics' YOLOv8 / YOLO11 ONNX exports: one input
``[1, 3, H, W]`` (RGB, 0..1, letterboxed on grey 114), one output ``[1, 4 + classes, anchors]``
(or transposed) whose rows are the box centre, width and height in input pixels, then one
score a class. Class names come from the export's ``names`` metadata, else COCO's 80 in
their usual order. Detection runs on a copy at most the model's size, so its time and
memory are bounded whatever the source; the session is made once per process and runs on
one thread (the render pool already fills the cores).
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from imagekit_server.imaging.errors import invalid, processing_failed, unsupported
from imagekit_server.imaging.geometry import FaceBox

logger = logging.getLogger(__name__)

MIN_SCORE = 0.3  # a class score below this is not a detection
DEFAULT_SIZE = 640  # the input side when the model leaves it dynamic
_LETTERBOX_GREY = 114  # what YOLO's letterbox pads with
COCO_CLASSES = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
    "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
    "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
    "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
    "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich",
    "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote",
    "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book",
    "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
)  # fmt: skip


@dataclass(frozen=True)
class ObjectModel:
    session: Any  # onnxruntime.InferenceSession
    input_name: str
    height: int
    width: int
    classes: tuple[str, ...]  # as written in URLs: spaces become "_"


def object_model(path: Path) -> ObjectModel:
    """The model at ``path``, loaded once per process and version of the file (replacing
    the file loads the new one, no restart); a file that is not such a model is the
    operator's error, reported as a failed render and logged once, not on every request
    that asks for object focus."""
    try:
        stat = path.stat()
        version: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None  # missing or unreadable: onnxruntime says which, once
    loaded = _loaded(path, version)
    if isinstance(loaded, str):
        raise processing_failed(loaded)
    return loaded


@lru_cache(maxsize=2)
def _loaded(path: Path, version: tuple[int, int] | None) -> ObjectModel | str:
    """The model, or why it could not be loaded (kept like a model: a broken file is not
    read again until it changes)."""
    try:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
    except Exception:  # onnxruntime raises its own exception types
        logger.exception("the object model %s could not be loaded", path)
        return "the object detection model could not be loaded"
    first = session.get_inputs()[0]
    height, width = (side if isinstance(side, int) else DEFAULT_SIZE for side in first.shape[2:4])
    names = _names(session.get_modelmeta().custom_metadata_map.get("names"))
    return ObjectModel(session, first.name, height, width, names)


def _names(metadata: str | None) -> tuple[str, ...]:
    """Ultralytics writes ``{0: 'person', 1: 'bicycle', ...}``; without it, COCO's names."""
    classes: tuple[str, ...] = COCO_CLASSES
    if metadata:
        try:
            by_index = ast.literal_eval(metadata)
            classes = tuple(str(by_index[index]) for index in range(len(by_index)))
        except (ValueError, SyntaxError, KeyError, TypeError):
            pass  # not Ultralytics' format: keep COCO's
    return tuple(name.strip().lower().replace(" ", "_") for name in classes)


def class_indices(model: ObjectModel, focus: str) -> list[int]:
    """The classes `fo-<focus>` asks for: one name (``traffic_light``) or several joined by
    ``_`` (``person_dog``)."""
    if focus in model.classes:
        return [model.classes.index(focus)]
    parts = focus.split("_")
    if all(part in model.classes for part in parts):
        return sorted({model.classes.index(part) for part in parts})
    known = ", ".join(model.classes[:12]) + (", ..." if len(model.classes) > 12 else "")
    raise invalid(f"fo-{focus}: the object model knows no such object (it knows {known})")


def detect_objects(
    image: Any,
    focus: str,
    model_path: Path | None,
    watch: Callable[[Any], Any] = lambda image: image,
    frame: tuple[int, int] | None = None,
) -> FaceBox | None:
    """The box around every detected object `fo-<focus>` names, or None when there is none.

    In ``image``'s pixels, or those of ``frame`` (width, height) when ``image`` is a smaller
    copy of it. ``watch`` puts the render deadline on the libvips work.
    """
    if model_path is None:
        raise unsupported(
            f"fo-{focus} needs an object detection model: this server has none "
            "(its operator can set IMAGEKIT_OBJECT_MODEL)"
        )
    model = object_model(model_path)
    wanted = class_indices(model, focus)
    pixels, scale, pad_x, pad_y = _letterboxed(image, model, watch)
    rows = _detections(model, pixels)
    scores = rows[:, [4 + index for index in wanted]].max(axis=1)
    found = rows[scores >= MIN_SCORE]
    if len(found) == 0:
        return None
    frame_width, frame_height = frame or (image.width, image.height)
    to_x = frame_width / (image.width * scale)
    to_y = frame_height / (image.height * scale)
    centre_x, centre_y, half_w, half_h = found[:, 0], found[:, 1], found[:, 2] / 2, found[:, 3] / 2
    left = max(0, int(((centre_x - half_w).min() - pad_x) * to_x))
    top = max(0, int(((centre_y - half_h).min() - pad_y) * to_y))
    right = min(frame_width, int(np.ceil(((centre_x + half_w).max() - pad_x) * to_x)))
    bottom = min(frame_height, int(np.ceil(((centre_y + half_h).max() - pad_y) * to_y)))
    if right <= left or bottom <= top:
        return None  # boxes wholly in the padding: nothing of the image
    return left, top, right - left, bottom - top


def _letterboxed(
    image: Any, model: ObjectModel, watch: Callable[[Any], Any]
) -> tuple[np.ndarray, float, int, int]:
    """``image`` scaled to fit the model's input, centred on grey: NCHW float32 in 0..1, the
    scale and the padding's left and top."""
    scale = min(model.width / image.width, model.height / image.height)
    small = image.resize(scale) if scale != 1.0 else image
    if small.hasalpha():
        small = small.flatten(background=[_LETTERBOX_GREY] * 3)
    small = small.colourspace("srgb")
    if small.bands == 1:
        small = small.bandjoin([small, small])
    small = small[0:3].cast("uchar")
    pad_x, pad_y = (model.width - small.width) // 2, (model.height - small.height) // 2
    boxed = small.embed(
        pad_x, pad_y, model.width, model.height, extend="background", background=[_LETTERBOX_GREY]
    )
    data = watch(boxed).write_to_memory()
    array = np.frombuffer(data, dtype=np.uint8).reshape(model.height, model.width, 3)
    pixels = array.transpose(2, 0, 1)[np.newaxis].astype(np.float32) / 255.0
    return pixels, scale, pad_x, pad_y


def _detections(model: ObjectModel, pixels: np.ndarray) -> np.ndarray:
    """The output as rows of (centre x, centre y, width, height, class scores...)."""
    output = np.asarray(model.session.run(None, {model.input_name: pixels})[0])
    columns = 4 + len(model.classes)
    if output.ndim == 3 and output.shape[0] == 1:
        output = output[0]
    if output.ndim == 2 and output.shape[0] == columns:
        return output.T
    if output.ndim == 2 and output.shape[1] == columns:
        return output
    raise processing_failed(
        f"the object model's output {list(output.shape)} is not YOLO's "
        f"[1, {columns}, anchors] for its {len(model.classes)} classes"
    )
