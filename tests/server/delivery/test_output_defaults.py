"""Output defaults from settings (ImageKit's dashboard image settings): default quality, JPEG
chroma subsampling, automatic AVIF and the format strategy, measured on decoded output."""

from __future__ import annotations

import io

import requests
from PIL import Image, JpegImagePlugin

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import decode, solid_image, two_colour_png
from tests.server.uploads import uploaded

AVIF_BROWSER = "image/avif,image/webp,image/apng,*/*;q=0.8"
SUBSAMPLING_444, SUBSAMPLING_420 = 0, 2


def _get(server: LiveServer, path: str, accept: str = "image/jpeg") -> requests.Response:
    response = requests.get(f"{server.url_endpoint}{path}", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200, response.headers.get("ik-error")
    return response


def _jpeg(data: bytes) -> JpegImagePlugin.JpegImageFile:
    image = Image.open(io.BytesIO(data))
    assert isinstance(image, JpegImagePlugin.JpegImageFile)
    return image


def _luma_table_sum(data: bytes) -> int:
    """The sum of the luminance quantisation table: larger means a lower quality setting."""
    return sum(_jpeg(data).quantization[0])


def test_default_quality_and_chroma_subsampling_follow_settings(
    live_server_factory: StartServer,
) -> None:
    plain = live_server_factory()
    tuned = live_server_factory(
        env={
            "IMAGEKIT_DEFAULT_QUALITY": "40",
            "IMAGEKIT_CHROMA_SUBSAMPLING": "false",
            "IMAGEKIT_PROGRESSIVE_JPEG": "true",
        }
    )
    results = []
    for server in (plain, tuned):
        path = uploaded(server, two_colour_png(240, 160), "settings.png")["filePath"]
        results.append(
            (
                _get(server, f"/tr:w-120,f-jpg{path}").content,
                _get(server, f"/tr:w-120,f-jpg,q-80{path}").content,
            )
        )
    (plain_default, plain_q80), (tuned_default, tuned_q80) = results
    assert JpegImagePlugin.get_sampling(_jpeg(plain_default)) == SUBSAMPLING_420
    assert JpegImagePlugin.get_sampling(_jpeg(tuned_default)) == SUBSAMPLING_444
    assert "progressive" not in _jpeg(plain_default).info
    assert _jpeg(tuned_default).info.get("progressive") == 1
    # Quality 40 quantises about three times as coarsely as ImageKit's default 80; `q-` in the
    # URL still wins over the setting.
    assert _luma_table_sum(tuned_default) > 2.5 * _luma_table_sum(plain_default)
    assert _luma_table_sum(tuned_q80) == _luma_table_sum(plain_default)
    assert _luma_table_sum(plain_q80) == _luma_table_sum(plain_default)
    assert decode(tuned_default).width == 120


def test_auto_avif_is_negotiated_only_when_enabled(live_server_factory: StartServer) -> None:
    plain = live_server_factory()
    avif = live_server_factory(env={"IMAGEKIT_AUTO_AVIF": "true"})
    for server, expected in ((plain, "image/webp"), (avif, "image/avif")):
        path = uploaded(server, two_colour_png(200, 100), "negotiated.png")["filePath"]
        response = _get(server, f"/tr:w-100,h-50{path}", accept=AVIF_BROWSER)
        assert response.headers["content-type"] == expected
        assert "Accept" in response.headers["vary"]
        image = decode(response.content)
        assert (image.width, image.height) == (100, 50)
        assert image.get("vips-loader") == (
            "heifload_buffer" if expected == "image/avif" else "webpload_buffer"
        )
    # On the AVIF server a browser without AVIF still gets WebP, and one without either JPEG
    # (the cache keeps the three apart); ``path`` is the AVIF server's file.
    assert _get(avif, f"/tr:w-100,h-50{path}", "image/webp,*/*").headers["content-type"] == (
        "image/webp"
    )
    assert _get(avif, f"/tr:w-100,h-50{path}", "*/*").headers["content-type"] == "image/jpeg"
    assert _get(avif, f"/tr:w-100,h-50{path}", AVIF_BROWSER).headers["content-type"] == (
        "image/avif"
    )


def test_smallest_strategy_keeps_the_smallest_accepted_encoding(
    live_server_factory: StartServer,
) -> None:
    # A tiny flat image: AVIF's container costs more than the whole WebP, so preference order
    # (AVIF first) and size order disagree.
    flat = solid_image(32, 32, (200, 30, 60))
    preferring = live_server_factory(env={"IMAGEKIT_AUTO_AVIF": "true"})
    smallest = live_server_factory(
        env={"IMAGEKIT_AUTO_AVIF": "true", "IMAGEKIT_FORMAT_STRATEGY": "smallest"}
    )
    answers = {}
    for name, server in (("preference", preferring), ("smallest", smallest)):
        path = uploaded(server, flat, "flat.png")["filePath"]
        sizes = {
            fmt: len(_get(server, f"/tr:w-16,f-{fmt}{path}").content)
            for fmt in ("avif", "webp", "jpg")
        }
        assert sizes["webp"] < min(sizes["avif"], sizes["jpg"])
        negotiated = _get(server, f"/tr:w-16{path}", AVIF_BROWSER)
        answers[name] = (negotiated.headers["content-type"], len(negotiated.content))
        assert decode(negotiated.content).width == 16
    assert answers["preference"] == ("image/avif", sizes["avif"])
    assert answers["smallest"] == ("image/webp", sizes["webp"])


def test_changed_settings_are_not_answered_from_older_cached_variants(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory()
    path = uploaded(server, two_colour_png(240, 160), "restart.png")["filePath"]
    before = _get(server, f"/tr:w-120,f-jpg{path}").content
    assert JpegImagePlugin.get_sampling(_jpeg(before)) == SUBSAMPLING_420
    server.env["IMAGEKIT_CHROMA_SUBSAMPLING"] = "false"
    server.restart()  # same data dir: the derived blob of the old rendering is still stored
    after = _get(server, f"/tr:w-120,f-jpg{path}").content
    assert JpegImagePlugin.get_sampling(_jpeg(after)) == SUBSAMPLING_444
