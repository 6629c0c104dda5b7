"""Transformed URLs on the real server: path and query forms, chains, format negotiation,
errors, caching headers, HEAD/304/range and the derived-image cache."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
import pyvips
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.eventually import eventually
from tests.server.media import decode, pixel, two_colour_png
from tests.server.uploads import uploaded

TIMEOUT = 30
PORTRAIT = Path(__file__).parents[2] / "data" / "astronaut.jpg"  # public domain, NASA
SOURCE = two_colour_png(400, 200)  # left half red, right half blue
WEBP_ACCEPT = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"


@pytest.fixture(scope="module")
def stored(live_server: LiveServer) -> dict[str, Any]:
    name = f"{secrets.token_hex(4)}-source.png"
    return uploaded(live_server, SOURCE, name, folder="/transform", useUniqueFileName="false")


def _path_url(server: LiveServer, chain: str, file_path: str) -> str:
    return f"{server.url_endpoint}/tr:{chain}{file_path}"


def _get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, timeout=TIMEOUT)


def _is_red(rgb: list[float]) -> bool:
    return rgb[0] > 200 and rgb[1] < 60 and rgb[2] < 60


def _is_blue(rgb: list[float]) -> bool:
    return rgb[2] > 200 and rgb[0] < 60 and rgb[1] < 60


def test_path_form_resizes(live_server: LiveServer, stored: dict[str, Any]) -> None:
    response = _get(_path_url(live_server, "w-100", stored["filePath"]))
    assert response.status_code == 200, response.headers.get("ik-error")
    image = decode(response.content)
    assert (image.width, image.height) == (100, 50)
    assert response.headers["content-type"] == "image/jpeg"
    assert _is_red(pixel(response.content, 10, 25)) and _is_blue(pixel(response.content, 90, 25))
    assert "max-age=15552000" in response.headers["cache-control"]
    assert response.headers["vary"] == "Accept"


def test_query_form_and_chain(live_server: LiveServer, stored: dict[str, Any]) -> None:
    url = f"{live_server.url_endpoint}{stored['filePath']}?tr=w-200,h-100:rt-90"
    response = _get(url)
    assert response.status_code == 200, response.headers.get("ik-error")
    image = decode(response.content)
    assert (image.width, image.height) == (100, 200)
    # Rotated clockwise: the red left half is now on top.
    assert _is_red(pixel(response.content, 50, 20)) and _is_blue(pixel(response.content, 50, 180))


def test_path_and_query_chains_join(live_server: LiveServer, stored: dict[str, Any]) -> None:
    url = _path_url(live_server, "w-200", stored["filePath"]) + "?tr=rt-180"
    response = _get(url)
    assert response.status_code == 200
    image = decode(response.content)
    assert (image.width, image.height) == (200, 100)
    assert _is_blue(pixel(response.content, 20, 50)) and _is_red(pixel(response.content, 180, 50))


def test_format_negotiation_and_vary(live_server: LiveServer, stored: dict[str, Any]) -> None:
    url = _path_url(live_server, "w-80", stored["filePath"])
    webp = _get(url, Accept=WEBP_ACCEPT)
    assert webp.headers["content-type"] == "image/webp"
    assert webp.content[8:12] == b"WEBP"
    assert decode(webp.content).width == 80
    plain = _get(url, Accept="image/png,*/*")
    assert plain.headers["content-type"] == "image/jpeg"
    assert webp.headers["etag"] != plain.headers["etag"]
    assert webp.headers["vary"] == plain.headers["vary"] == "Accept"
    auto = _get(_path_url(live_server, "w-80,f-auto", stored["filePath"]), Accept=WEBP_ACCEPT)
    assert auto.headers["content-type"] == "image/webp"
    explicit = _get(_path_url(live_server, "w-80,f-png", stored["filePath"]), Accept=WEBP_ACCEPT)
    assert explicit.headers["content-type"] == "image/png"
    assert "vary" not in explicit.headers
    assert _is_red(pixel(explicit.content, 5, 20))


def test_orig_true_sends_the_stored_bytes(live_server: LiveServer, stored: dict[str, Any]) -> None:
    response = _get(_path_url(live_server, "w-50,orig-true", stored["filePath"]))
    assert response.status_code == 200
    assert response.content == SOURCE


@pytest.mark.parametrize(
    ("chain", "code"),
    [
        ("w-abc", "EINVALIDTRANSFORMATION"),
        ("zz-12", "EINVALIDTRANSFORMATION"),
        ("w-100,oi-logo.png", None),
        ("n-does_not_exist", "EINVALIDTRANSFORMATION"),
        ("w-20000,h-20000,c-force", "ELIMIT"),
        ("w-100,h-100,fo-car", "EUNSUPPORTED"),  # no object model (IMAGEKIT_OBJECT_MODEL)
    ],
)
def test_invalid_chains_answer_400_with_ik_error(
    live_server: LiveServer, stored: dict[str, Any], chain: str, code: str | None
) -> None:
    response = _get(_path_url(live_server, chain, stored["filePath"]))
    assert response.status_code == 400, (chain, response.status_code)
    assert response.headers["cache-control"] == "no-store"
    if code is not None:
        assert response.headers["ik-error"].startswith(f"{code} - ")


def test_missing_file_is_404(live_server: LiveServer) -> None:
    response = _get(_path_url(live_server, "w-100", "/transform/missing.png"))
    assert response.status_code == 404
    assert response.headers["ik-error"].startswith("ENOENT")


def test_default_image_gets_the_whole_chain(
    live_server: LiveServer, stored: dict[str, Any]
) -> None:
    default = stored["filePath"].lstrip("/").replace("/", "@@")
    response = _get(_path_url(live_server, f"w-40,di-{default}", "/transform/missing.png"))
    assert response.status_code == 200
    image = decode(response.content)
    assert (image.width, image.height) == (40, 20)
    assert _is_red(pixel(response.content, 5, 10)) and _is_blue(pixel(response.content, 35, 10))
    absent = _get(_path_url(live_server, "w-40,di-transform@@nothing.png", "/transform/x.png"))
    assert absent.status_code == 404


def test_head_conditional_and_range(live_server: LiveServer, stored: dict[str, Any]) -> None:
    url = _path_url(live_server, "w-120", stored["filePath"])
    full = _get(url)
    etag, length = full.headers["etag"], len(full.content)
    assert etag.startswith('"') and etag != f'"{stored.get("etag", "")}"'
    head = requests.head(url, timeout=TIMEOUT)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(length)
    assert head.headers["etag"] == etag
    not_modified = _get(url, **{"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag and not_modified.headers["vary"] == "Accept"
    since = _get(url, **{"If-Modified-Since": full.headers["last-modified"]})
    assert since.status_code == 304
    part = _get(url, Range="bytes=0-99")
    assert part.status_code == 206 and part.content == full.content[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{length}"
    stale = _get(url, Range="bytes=0-99", **{"If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == full.content
    beyond = _get(url, Range=f"bytes={length}-")
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{length}"


def _derived_blobs(server: LiveServer, file_id: str) -> list[Path]:
    folder = server.data_dir / "blobs" / "derived" / server.imagekit_id / file_id
    return sorted(folder.iterdir()) if folder.exists() else []


def test_derived_cache_renders_once(live_server: LiveServer) -> None:
    body = uploaded(live_server, two_colour_png(60, 30), f"{secrets.token_hex(4)}.png")
    url = _path_url(live_server, "w-30,bl-2", body["filePath"])
    assert _derived_blobs(live_server, body["fileId"]) == []
    first = _get(url)
    assert first.status_code == 200 and "age" not in first.headers
    blobs = eventually(lambda: _derived_blobs(live_server, body["fileId"]))
    assert len(blobs) == 1
    stamp = blobs[0].stat().st_mtime_ns
    second = _get(url)
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert "age" in second.headers  # answered from the in-memory cache
    assert _derived_blobs(live_server, body["fileId"])[0].stat().st_mtime_ns == stamp


def test_overwrite_invalidates_variants(live_server: LiveServer) -> None:
    name = f"{secrets.token_hex(4)}-swap.png"
    body = uploaded(live_server, two_colour_png(60, 30), name, useUniqueFileName="false")
    url = _path_url(live_server, "w-30,f-png", body["filePath"])
    assert _is_red(pixel(_get(url).content, 2, 2))
    flipped = decode(two_colour_png(60, 30)).fliphor().write_to_buffer(".png")
    uploaded(live_server, flipped, name, useUniqueFileName="false")
    after = _get(url)
    assert _is_blue(pixel(after.content, 2, 2)), "the overwritten file must show at once"


def test_purge_removes_derived_blobs(live_server: LiveServer) -> None:
    body = uploaded(live_server, two_colour_png(60, 30), f"{secrets.token_hex(4)}.png")
    url = _path_url(live_server, "w-20", body["filePath"])
    assert _get(url).status_code == 200
    assert eventually(lambda: _derived_blobs(live_server, body["fileId"]))
    purge = requests.post(
        f"{live_server.base_url}/v1/files/purge",
        json={"url": body["url"] + "*"},
        auth=live_server.auth,
        timeout=TIMEOUT,
    )
    assert purge.status_code == 201, purge.text
    assert _derived_blobs(live_server, body["fileId"]) == []
    again = _get(url)
    assert again.status_code == 200 and "age" not in again.headers  # rendered anew


def test_attachment_headers_on_transformed_output(
    live_server: LiveServer, stored: dict[str, Any]
) -> None:
    url = _path_url(live_server, "w-50", stored["filePath"])
    response = _get(url + "?ik-attachment=true")
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="{stored["name"]}"'
    )
    renamed = _get(url + "?ik-attachment=true&ik-attachment-filename=a%0D%0Ab%22.jpg")
    assert renamed.status_code == 200
    assert renamed.headers["content-disposition"].startswith('attachment; filename="a??b_.jpg"')
    assert decode(renamed.content).width == 50


def test_custom_focus_edits_reach_fo_custom_variants(live_server: LiveServer) -> None:
    body = uploaded(live_server, two_colour_png(200, 100), f"{secrets.token_hex(4)}-focus.png")
    url = _path_url(live_server, "w-50,h-100,cm-extract,fo-custom,f-png", body["filePath"])

    def set_focus(area: str) -> None:
        response = requests.patch(
            f"{live_server.base_url}/v1/files/{body['fileId']}/details",
            json={"customCoordinates": area},
            auth=live_server.auth,
            timeout=TIMEOUT,
        )
        assert response.status_code == 200, response.text

    set_focus("0,0,50,100")
    assert _is_red(pixel(_get(url).content, 25, 50))
    set_focus("150,0,50,100")
    assert _is_blue(pixel(_get(url).content, 25, 50)), "a new focus area must not hit the cache"


def test_face_focus_crops_around_the_face(live_server: LiveServer) -> None:
    portrait = pyvips.Image.new_from_file(str(PORTRAIT))
    canvas = pyvips.Image.black(900, 360).new_from_image([255, 0, 255]).cast("uchar")
    canvas = canvas.insert(portrait, 560, 20).copy(interpretation="srgb")
    body = uploaded(live_server, bytes(canvas.pngsave_buffer()), f"{secrets.token_hex(4)}-face.png")
    faces, centred = (
        _get(_path_url(live_server, f"w-120,h-120,cm-extract,{focus}f-png", body["filePath"]))
        for focus in ("fo-face,", "")
    )
    assert faces.status_code == 200, faces.headers.get("ik-error")
    image = decode(faces.content)
    assert (image.width, image.height) == (120, 120)
    # The face is at about (700, 91) on the canvas: skin, not the magenta background.
    magenta = (image[0] > 200) & (image[1] < 60) & (image[2] > 200)
    assert magenta.avg() < 0.05 * 255
    assert decode(centred.content)(60, 60)[:3] == [255, 0, 255]


def test_client_hints_width_auto(live_server: LiveServer, stored: dict[str, Any]) -> None:
    url = _path_url(live_server, "w-auto,f-png", stored["filePath"])
    hinted = _get(url, **{"Sec-CH-Width": "212", "Sec-CH-DPR": "2"})
    assert hinted.status_code == 200, hinted.headers.get("ik-error")
    assert decode(hinted.content).width == 300  # 212 rounded up to the next 100
    assert hinted.headers["content-dpr"] == "2.83"
    assert "Sec-CH-Width" in hinted.headers["vary"]
    plain = _get(url)
    assert decode(plain.content).width == 400 and "content-dpr" not in plain.headers
    doubled = _get(_path_url(live_server, "w-100,dpr-auto,f-png", stored["filePath"]),
                   **{"Sec-CH-DPR": "2"})  # fmt: skip
    assert decode(doubled.content).width == 200
