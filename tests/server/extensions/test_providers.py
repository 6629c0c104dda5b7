"""Each provider against its real peer on 127.0.0.1: Google Cloud Vision and remove.bg
stand-ins that follow their documented shapes, moto's Rekognition (DetectLabels), tiny ONNX
models with the real signatures, and the built-in providers on generated pictures."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from imagekit_server.extensions.aws_rekognition import RekognitionTagger
from imagekit_server.extensions.builtin_background import BuiltinBackgroundRemover
from imagekit_server.extensions.builtin_tagging import BuiltinTagger
from imagekit_server.extensions.google_vision import GoogleVisionTagger
from imagekit_server.extensions.onnx_models import OnnxBackgroundRemover, OnnxClassifier
from imagekit_server.extensions.providers import BackgroundOptions, Label, ProviderError
from imagekit_server.extensions.removebg_api import RemoveBgRemover
from imagekit_server.settings import FetchAllowlist, Settings
from tests.fixtures.live_server import free_port
from tests.fixtures.recording_server import RecordingServer, Reply
from tests.fixtures.s3 import TEST_CREDENTIALS
from tests.server.extensions.images import busy_photo, product_shot
from tests.server.extensions.peers import API_KEY, Peer
from tests.server.media import decode, solid_image


def test_google_vision_labels_map_score_to_confidence(peer: Peer) -> None:
    tagger = GoogleVisionTagger(API_KEY, peer.url, 10)
    image = solid_image(2400, 1200, (210, 20, 20), ".jpg")
    labels = tagger.labels(image, max_labels=5, min_confidence=50)
    assert labels == [Label("Red", 90.0), Label("Rectangle", 55.0)]
    assert tagger.labels(image, max_labels=5, min_confidence=60) == [Label("Red", 90.0)]
    assert tagger.labels(image, max_labels=1, min_confidence=0) == [Label("Red", 90.0)]
    sent = peer.calls[0]
    assert sent["key"] == API_KEY
    request = sent["body"]["requests"][0]
    assert request["features"] == [{"type": "LABEL_DETECTION", "maxResults": 10}]
    copy = decode(base64.b64decode(request["image"]["content"]))
    assert max(copy.width, copy.height) == 1600  # downscaled before sending


def test_google_vision_errors_become_reasons(peer: Peer) -> None:
    with pytest.raises(ProviderError, match="API key not valid"):
        GoogleVisionTagger("wrong", peer.url, 10).labels(
            solid_image(8, 8, (1, 2, 3), ".jpg"), max_labels=3, min_confidence=0
        )
    with pytest.raises(ProviderError, match="could not be reached"):
        GoogleVisionTagger(API_KEY, f"http://127.0.0.1:{free_port()}", 2).labels(
            solid_image(8, 8, (1, 2, 3), ".jpg"), max_labels=3, min_confidence=0
        )
    with pytest.raises(ProviderError, match="IMAGEKIT_GOOGLE_VISION_API_KEY"):
        GoogleVisionTagger(None, peer.url, 10)


def test_rekognition_detect_labels_through_moto(
    s3_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    tagger = RekognitionTagger(s3_server, "us-east-1", 10)
    image = solid_image(64, 48, (90, 90, 90), ".jpg")
    # moto answers DetectLabels with one fixed label; the request and mapping are ours.
    assert tagger.labels(image, max_labels=5, min_confidence=50) == [Label("Mobile Phone", 99.94)]
    assert tagger.labels(image, max_labels=5, min_confidence=99.95) == []


def test_rekognition_unreachable_is_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    tagger = RekognitionTagger(f"http://127.0.0.1:{free_port()}", "us-east-1", 1)
    with pytest.raises(ProviderError, match="Rekognition"):
        tagger.labels(solid_image(8, 8, (1, 2, 3), ".jpg"), max_labels=3, min_confidence=0)


def test_remove_bg_api_passes_the_options_and_returns_the_image(peer: Peer) -> None:
    remover = RemoveBgRemover(API_KEY, peer.url, 10)
    result = remover.remove_background(
        product_shot(), BackgroundOptions(add_shadow=True, bg_color="ff00ff")
    )
    assert result.format == "png"
    image = decode(result.data)
    assert [round(v) for v in image.getpoint(3, 3)[:3]] == [255, 0, 255]
    fields = peer.calls[0]["fields"]
    assert (fields["size"], fields["add_shadow"], fields["bg_color"]) == (
        b"auto",
        b"true",
        b"ff00ff",
    )
    assert fields["image_file"] == product_shot()
    cutout = decode(remover.remove_background(product_shot(), BackgroundOptions()).data)
    assert cutout.bands == 4 and cutout.getpoint(3, 3)[3] == 0


def test_remove_bg_api_errors_become_reasons(peer: Peer) -> None:
    with pytest.raises(ProviderError, match="API Key invalid"):
        RemoveBgRemover("wrong", peer.url, 10).remove_background(b"x", BackgroundOptions())
    with pytest.raises(ProviderError, match="Failed to read image"):
        RemoveBgRemover(API_KEY, peer.url, 10).remove_background(b"x", BackgroundOptions())


def test_onnx_classifier_runs_the_model(onnx_models: dict[str, Path]) -> None:
    tagger = OnnxClassifier(onnx_models["classifier"], onnx_models["labels"])
    labels = tagger.labels(
        solid_image(300, 200, (20, 30, 230), ".jpg"), max_labels=2, min_confidence=0
    )
    assert labels[0].name == "Blue" and labels[0].confidence > 90
    assert len(labels) == 2


def test_onnx_classifier_configuration_errors(onnx_models: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="IMAGEKIT_ONNX_CLASSIFIER"):
        OnnxClassifier(None, onnx_models["labels"])
    with pytest.raises(ProviderError, match="could not be loaded"):
        OnnxClassifier(onnx_models["labels"], onnx_models["labels"])
    two = tmp_path / "two.txt"
    two.write_text("a\nb\n")
    with pytest.raises(ProviderError, match="3 outputs"):
        OnnxClassifier(onnx_models["classifier"], two).labels(
            solid_image(8, 8, (1, 2, 3), ".jpg"), max_labels=1, min_confidence=0
        )


def test_onnx_segmentation_makes_the_alpha_mask(onnx_models: dict[str, Path]) -> None:
    settings = Settings(onnx_segmentation_path=onnx_models["segmentation"])
    result = OnnxBackgroundRemover(settings).remove_background(product_shot(), BackgroundOptions())
    image = decode(result.data)
    assert (image.width, image.height, image.bands) == (400, 300, 4)
    assert image.getpoint(180, 150)[3] > 200  # the red box
    assert image.getpoint(5, 5)[3] < 40  # the light background


def test_builtin_remover_cuts_a_product_shot_with_soft_edges() -> None:
    remover = BuiltinBackgroundRemover(Settings())
    image = decode(remover.remove_background(product_shot(), BackgroundOptions()).data)
    assert (image.width, image.height, image.bands) == (400, 300, 4)
    assert image.getpoint(5, 5)[3] == 0 and image.getpoint(395, 295)[3] == 0
    assert image.getpoint(180, 150)[3] == 255 and image.getpoint(300, 120)[3] == 255
    edge = [image.getpoint(x, 150)[3] for x in range(90, 110)]
    assert any(0 < alpha < 255 for alpha in edge)  # feathered, not a hard step
    coloured = decode(
        remover.remove_background(product_shot(), BackgroundOptions(bg_color="00ff00")).data
    )
    assert coloured.bands == 3 and [round(v) for v in coloured.getpoint(5, 5)] == [0, 255, 0]
    shadowed = decode(
        remover.remove_background(product_shot(), BackgroundOptions(add_shadow=True)).data
    )
    below = shadowed.getpoint(180, 228)  # just under the box
    assert 0 < below[3] < 255 and below[0] < 20  # a translucent dark shadow


def test_builtin_remover_refuses_a_busy_background() -> None:
    with pytest.raises(ProviderError, match="not plain enough"):
        BuiltinBackgroundRemover(Settings()).remove_background(busy_photo(), BackgroundOptions())


def test_builtin_tagger_measures_shape_colour_and_transparency() -> None:
    tagger = BuiltinTagger()
    labels = {
        label.name: label.confidence
        for label in tagger.labels(product_shot(), max_labels=10, min_confidence=5)
    }
    assert labels["Horizontal"] == 99.0 and labels["White"] > 50
    grey = tagger.labels(solid_image(100, 300, (128, 128, 128)), max_labels=10, min_confidence=0)
    assert {"Vertical", "Black And White", "Gray"} <= {label.name for label in grey}
    cutout = BuiltinBackgroundRemover(Settings()).remove_background(
        product_shot(), BackgroundOptions()
    )
    names = [label.name for label in tagger.labels(cutout.data, max_labels=10, min_confidence=0)]
    assert "Transparent" in names and "White" not in names  # see-through pixels do not count


def test_damaged_image_data_is_refused_not_analysed() -> None:
    truncated = product_shot()[:3000]  # libvips alone would fill the rest with grey
    with pytest.raises(ProviderError, match="damaged"):
        BuiltinTagger().labels(truncated, max_labels=5, min_confidence=0)
    with pytest.raises(ProviderError, match="damaged"):
        BuiltinBackgroundRemover(Settings()).remove_background(truncated, BackgroundOptions())


def test_builtin_remover_composites_over_bg_image_url(recording_server: RecordingServer) -> None:
    recording_server.default_reply = Reply(
        200, raw=solid_image(50, 40, (0, 0, 255)), headers={"Content-Type": "image/png"}
    )
    url = recording_server.base_url + "/backdrop.png"
    allowed = Settings(fetch_allowlist=FetchAllowlist.parse("127.0.0.1"))
    result = BuiltinBackgroundRemover(allowed).remove_background(
        product_shot(), BackgroundOptions(bg_image_url=url)
    )
    image = decode(result.data)
    assert image.bands == 3 and [round(v) for v in image.getpoint(3, 3)] == [0, 0, 255]
    assert image.getpoint(180, 150)[0] > 150  # the subject stays on top
    with pytest.raises(ProviderError, match="could not be fetched"):  # private host refused
        BuiltinBackgroundRemover(Settings()).remove_background(
            product_shot(), BackgroundOptions(bg_image_url=url)
        )
