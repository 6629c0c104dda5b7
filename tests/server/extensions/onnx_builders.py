"""Tiny ONNX models with the signatures real ones have, so the providers' loading and
pre/post-processing run for real:

- classifier: ``input [1, 3, 224, 224]`` -> ``logits [1, 3]``: the normalised mean of each
  colour channel, so a red picture scores class 0 ("Red") highest.
- segmentation (U2-Net signature): ``input [1, 3, 320, 320]`` -> ``d0 [1, 1, 320, 320]`` =
  sigmoid(-sum of the normalised channels): dark and saturated pixels are salient, a light
  grey background is not.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def classifier_model(path: Path) -> Path:
    shape = numpy_helper.from_array(np.array([1, 3], dtype=np.int64), "shape")
    graph = helper.make_graph(
        [
            helper.make_node("GlobalAveragePool", ["input"], ["pooled"]),
            helper.make_node("Reshape", ["pooled", "shape"], ["logits"]),
        ],
        "tiny-classifier",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])],
        [shape],
    )
    return _save(graph, path)


def segmentation_model(path: Path) -> Path:
    axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")
    graph = helper.make_graph(
        [
            helper.make_node("ReduceSum", ["input", "axes"], ["summed"], keepdims=1),
            helper.make_node("Neg", ["summed"], ["negated"]),
            helper.make_node("Sigmoid", ["negated"], ["d0"]),
        ],
        "tiny-u2net",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 320, 320])],
        [helper.make_tensor_value_info("d0", TensorProto.FLOAT, [1, 1, 320, 320])],
        [axes],
    )
    return _save(graph, path)
