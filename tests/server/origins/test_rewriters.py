"""URL rewriters: Cloudinary, imgix and Akamai URLs translated to ImageKit chains (pure
function), and served end to end through an endpoint."""

from __future__ import annotations

import secrets

import pytest
import requests

from imagekit_server.origins.endpoint_models import UrlRewriter
from imagekit_server.origins.rewriters import RewriteError, rewrite_target
from tests.fixtures.live_server import LiveServer
from tests.server.media import decode, pixel, two_colour_png
from tests.server.origins.conftest import TIMEOUT, create_endpoint, create_origin, write_file
from tests.server.origins.peers import WebFolder

ENDPOINT = "demo/legacy"


def _rewrite(kind: str, path: str, query: str = "", preserve: bool = False) -> tuple[str, str]:
    return rewrite_target(UrlRewriter(kind, preserve), f"/{ENDPOINT}/{path}", query, ENDPOINT)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("image/upload/sample.jpg", "/demo/legacy/sample.jpg"),
        ("image/upload/v1612345/folder/sample.jpg", "/demo/legacy/folder/sample.jpg"),
        (
            "image/upload/w_300,h_200,c_fill,g_north_east/folder/a.png",
            "/demo/legacy/tr:w-300,h-200,c-maintain_ratio,fo-top_right/folder/a.png",
        ),
        (
            "image/upload/w_300,c_scale/e_grayscale/v3/a.png",
            "/demo/legacy/tr:w-300:e-grayscale/a.png",
        ),
        (
            "image/upload/w_300,h_100,c_scale,q_auto,f_auto/a.png",
            "/demo/legacy/tr:w-300,h-100,c-force,f-auto/a.png",
        ),
        (
            "image/upload/w_100,h_100,c_pad,b_rgb:ff0000,a_-90,ar_16:9/a.png",
            "/demo/legacy/tr:w-100,h-100,cm-pad_resize,bg-FF0000,rt-N90,ar-16-9/a.png",
        ),
        ("tr:w-10/image/upload/h_5/a.png", "/demo/legacy/tr:w-10:h-5/a.png"),
        ("plain/path/a.png", "/demo/legacy/plain/path/a.png"),
    ],
)
def test_cloudinary_paths(path: str, expected: str) -> None:
    assert _rewrite("CLOUDINARY", path) == (expected, "")


def test_cloudinary_keeps_asset_and_delivery_types_when_asked() -> None:
    rewritten, _ = _rewrite("CLOUDINARY", "image/upload/w_10/v1/a.png", preserve=True)
    assert rewritten == "/demo/legacy/tr:w-10/image/upload/a.png"


@pytest.mark.parametrize("component", ["e_blur:300", "w_abc", "c_thumb", "l_logo"])
def test_cloudinary_parameters_without_an_equivalent_are_refused(component: str) -> None:
    with pytest.raises(RewriteError, match="EINVALIDTRANSFORMATION - Cloudinary parameter"):
        _rewrite("CLOUDINARY", f"image/upload/{component}/a.png")


@pytest.mark.parametrize(
    ("query", "chain", "kept"),
    [
        ("w=300&h=200&fit=crop&crop=top,left", "w-300,h-200,c-maintain_ratio,fo-top_left", ""),
        ("w=100&fit=max&auto=format,compress", "w-100,c-at_max,f-auto", ""),
        ("fm=png&q=70&v=3", "f-png,q-70", "v=3"),
        ("bg=80FF0000&rot=90&flip=h&sat=-100", "bg-FF000080,rt-90,fl-h,e-grayscale", ""),
        ("dpr=2&w=50&ik-t=9&ik-s=abc", "dpr-2,w-50", "ik-t=9&ik-s=abc"),
        ("crop=faces&fit=crop&w=10&h=10", "fo-face,c-maintain_ratio,w-10,h-10", ""),
    ],
)
def test_imgix_queries(query: str, chain: str, kept: str) -> None:
    assert _rewrite("IMGIX", "a/b.png", query) == (f"/demo/legacy/tr:{chain}/a/b.png", kept)


@pytest.mark.parametrize("query", ["blur=20", "fit=facearea", "sat=20", "crop=focalpoint"])
def test_imgix_parameters_without_an_equivalent_are_refused(query: str) -> None:
    with pytest.raises(RewriteError, match="imgix parameter"):
        _rewrite("IMGIX", "a.png", query)


def test_akamai_queries() -> None:
    rewritten = _rewrite("AKAMAI", "a.png", "imwidth=320&imdensity=2&impolicy=small&x=1")
    assert rewritten == ("/demo/legacy/tr:w-320,dpr-2,n-small/a.png", "x=1")
    with pytest.raises(RewriteError, match="Akamai parameter 'im=Resize"):
        _rewrite("AKAMAI", "a.png", "im=Resize,width=250")


def test_rewritten_urls_are_served(origin_server: LiveServer, folder: WebFolder) -> None:
    relative = f"rewrite/{secrets.token_hex(4)}.png"
    write_file(folder.root, relative, two_colour_png(80, 40))
    origin = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "w", "baseUrl": folder.base_url}
    )
    base = origin_server.url_endpoint
    urls = {}
    for kind in ("CLOUDINARY", "IMGIX", "AKAMAI"):
        prefix = create_endpoint(origin_server, [origin["id"]], urlRewriter={"type": kind})[
            "urlPrefix"
        ]
        urls[kind] = f"{base}/{prefix}"
    responses = [
        requests.get(f"{urls['CLOUDINARY']}/image/upload/w_40/{relative}", timeout=TIMEOUT),
        requests.get(f"{urls['IMGIX']}/{relative}?w=40&fm=png", timeout=TIMEOUT),
        requests.get(f"{urls['AKAMAI']}/{relative}?imwidth=40", timeout=TIMEOUT),
    ]
    for response in responses:
        assert response.status_code == 200, response.headers.get("ik-error")
        image = decode(response.content)
        assert (image.width, image.height) == (40, 20)
        assert pixel(response.content, 35, 10)[2] > 200
    refused = requests.get(f"{urls['IMGIX']}/{relative}?blur=30", timeout=TIMEOUT)
    assert refused.status_code == 400
    assert refused.headers["ik-error"].startswith("EINVALIDTRANSFORMATION")
