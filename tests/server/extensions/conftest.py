"""Fixtures of the extension tests: the provider stand-ins and tiny ONNX models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.extensions.onnx_builders import classifier_model, segmentation_model
from tests.server.extensions.peers import Peer


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = Peer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def onnx_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("onnx")
    return {
        "classifier": classifier_model(directory / "classifier.onnx"),
        "labels": _labels(directory / "labels.txt"),
        "segmentation": segmentation_model(directory / "u2net.onnx"),
    }


def _labels(path: Path) -> Path:
    path.write_text("Red\nGreen\nBlue\n", encoding="utf-8")
    return path
