"""Delivery through URL endpoints with origins: an S3 API server (moto) and a web folder on
127.0.0.1; pixels compared with the same image uploaded to the media library."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import decode, pixel, two_colour_png
from tests.server.origins.conftest import (
    TIMEOUT,
    api,
    create_endpoint,
    create_origin,
    s3_origin_body,
    write_file,
)
from tests.server.origins.peers import WebFolder
from tests.server.uploads import uploaded

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

RED = [255, 0, 0]
BLUE = [0, 0, 255]


def _get(server: LiveServer, path: str, **kwargs: object) -> requests.Response:
    return requests.get(f"{server.url_endpoint}/{path}", timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]


def _close(values: list[float], expected: list[int], tolerance: int = 8) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(values[:3], expected, strict=True))


def test_same_transformation_same_pixels_from_library_s3_and_web_folder(
    origin_server: LiveServer,
    folder: WebFolder,
    origin_bucket: str,
    s3_admin_client: S3Client,
    s3_server: str,
) -> None:
    image = two_colour_png(80, 40)
    name = f"{secrets.token_hex(4)}.png"
    uploaded(origin_server, image, name, folder="/same", useUniqueFileName="false")
    s3_admin_client.put_object(Bucket=origin_bucket, Key=f"imgs/same/{name}", Body=image)
    write_file(folder.root, f"same/{name}", image)
    s3 = create_origin(origin_server, s3_origin_body(origin_bucket, s3_server, prefix="/imgs/"))
    web = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "web", "baseUrl": folder.base_url}
    )
    s3_prefix = create_endpoint(origin_server, [s3["id"]])["urlPrefix"]
    web_prefix = create_endpoint(origin_server, [web["id"]])["urlPrefix"]

    chain = "tr:w-40,h-20,f-png"
    library = _get(origin_server, f"{chain}/same/{name}")
    from_s3 = _get(origin_server, f"{s3_prefix}/{chain}/same/{name}")
    from_web = _get(origin_server, f"{web_prefix}/{chain}/same/{name}")
    for response in (library, from_s3, from_web):
        assert response.status_code == 200, response.headers.get("ik-error")
        assert response.headers["content-type"] == "image/png"
        image_out = decode(response.content)
        assert (image_out.width, image_out.height) == (40, 20)
        assert _close(pixel(response.content, 5, 10), RED)
        assert _close(pixel(response.content, 35, 10), BLUE)
    assert decode(from_s3.content).write_to_memory() == decode(library.content).write_to_memory()
    assert decode(from_web.content).write_to_memory() == decode(library.content).write_to_memory()
    original = _get(origin_server, f"{s3_prefix}/same/{name}")
    assert original.status_code == 200
    assert original.content == image
    assert original.headers["content-type"] == "image/png"


def test_first_origin_that_has_the_file_wins(
    origin_server: LiveServer,
    folder: WebFolder,
    origin_bucket: str,
    s3_admin_client: S3Client,
    s3_server: str,
) -> None:
    from tests.server.media import solid_image

    only_in_s3 = f"order/{secrets.token_hex(4)}.png"
    in_both = f"order/{secrets.token_hex(4)}.png"
    s3_admin_client.put_object(
        Bucket=origin_bucket, Key=only_in_s3, Body=solid_image(10, 10, (0, 255, 0))
    )
    s3_admin_client.put_object(
        Bucket=origin_bucket, Key=in_both, Body=solid_image(10, 10, (0, 255, 0))
    )
    write_file(folder.root, in_both, solid_image(10, 10, (255, 255, 0)))
    web = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "web", "baseUrl": folder.base_url}
    )
    s3 = create_origin(origin_server, s3_origin_body(origin_bucket, s3_server))
    prefix = create_endpoint(origin_server, [web["id"], s3["id"]])["urlPrefix"]

    green = _get(origin_server, f"{prefix}/{only_in_s3}")
    yellow = _get(origin_server, f"{prefix}/{in_both}")
    missing = _get(origin_server, f"{prefix}/order/none.png")
    assert _close(pixel(green.content, 5, 5), [0, 255, 0])
    assert _close(pixel(yellow.content, 5, 5), [255, 255, 0])
    assert missing.status_code == 404
    assert missing.headers["ik-error"].startswith("ENOENT")


def test_s3_type_uses_the_servers_s3_endpoint(
    origin_server: LiveServer, origin_bucket: str, s3_admin_client: S3Client
) -> None:
    key = f"typed/{secrets.token_hex(4)}.png"
    s3_admin_client.put_object(Bucket=origin_bucket, Key=key, Body=two_colour_png(20, 10))
    origin = create_origin(
        origin_server,
        {
            "type": "S3",
            "name": "aws-style",
            "bucket": origin_bucket,
            "accessKey": "testing",
            "secretKey": "testing",
        },
    )
    prefix = create_endpoint(origin_server, [origin["id"]])["urlPrefix"]
    response = _get(origin_server, f"{prefix}/tr:w-10/{key}")
    assert response.status_code == 200, response.headers.get("ik-error")
    assert decode(response.content).width == 10


def test_fetched_originals_are_cached_and_purge_clears_them(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    from tests.server.media import solid_image

    relative = f"cached/{secrets.token_hex(4)}.png"
    write_file(folder.root, relative, solid_image(30, 30, (255, 0, 0)))
    web = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "web", "baseUrl": folder.base_url}
    )
    prefix = create_endpoint(origin_server, [web["id"]])["urlPrefix"]
    for chain in ("tr:w-10", "tr:w-20", "tr:w-10", ""):
        response = _get(origin_server, f"{prefix}/{chain + '/' if chain else ''}{relative}")
        assert response.status_code == 200
    assert len(folder.log.for_path(f"/{relative}")) == 1

    write_file(folder.root, relative, solid_image(30, 30, (0, 0, 255)))
    still_cached = _get(origin_server, f"{prefix}/tr:w-10/{relative}")
    assert _close(pixel(still_cached.content, 5, 5), RED)
    purge = api(
        origin_server,
        "POST",
        "/v1/files/purge",
        json={"url": f"{origin_server.url_endpoint}/{prefix}/{relative}"},
    )
    assert purge.status_code == 201, purge.text
    fresh = _get(origin_server, f"{prefix}/tr:w-10/{relative}")
    assert _close(pixel(fresh.content, 5, 5), BLUE)
    assert len(folder.log.for_path(f"/{relative}")) == 2


def test_signed_urls_on_an_origin_endpoint(origin_server: LiveServer, folder: WebFolder) -> None:
    import hashlib
    import hmac

    relative = f"signed/{secrets.token_hex(4)}.png"
    write_file(folder.root, relative, two_colour_png(20, 10))
    web = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "web", "baseUrl": folder.base_url}
    )
    prefix = create_endpoint(origin_server, [web["id"]])["urlPrefix"]
    signed_part = f"tr:w-10/{relative}"
    expiry = 9999999999
    signature = hmac.new(
        origin_server.private_key.encode(), f"{signed_part}{expiry}".encode(), hashlib.sha1
    ).hexdigest()
    good = _get(origin_server, f"{prefix}/{signed_part}?ik-t={expiry}&ik-s={signature}")
    bad = _get(origin_server, f"{prefix}/{signed_part}?ik-t={expiry}&ik-s={'0' * 40}")
    assert good.status_code == 200
    assert bad.status_code == 401
    assert bad.headers["ik-error"].startswith("EUNAUTHORIZED")


def test_origin_urls_cannot_layer_private_library_files_unsigned(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    import hashlib
    import hmac

    relative = f"layered/{secrets.token_hex(4)}.png"
    write_file(folder.root, relative, two_colour_png(40, 20))
    web = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "web", "baseUrl": folder.base_url}
    )
    prefix = create_endpoint(origin_server, [web["id"]])["urlPrefix"]
    secret = uploaded(
        origin_server, two_colour_png(20, 10), f"{secrets.token_hex(4)}.png", isPrivateFile="true"
    )
    layer = secret["filePath"].strip("/").replace("/", "@@")
    signed_part = f"tr:l-image,i-{layer},w-10,l-end/{relative}"
    refused = _get(origin_server, f"{prefix}/{signed_part}")
    assert refused.status_code == 401
    assert refused.headers["ik-error"].startswith("EUNAUTHORIZED")
    expiry = 9999999999
    signature = hmac.new(
        origin_server.private_key.encode(), f"{signed_part}{expiry}".encode(), hashlib.sha1
    ).hexdigest()
    allowed = _get(origin_server, f"{prefix}/{signed_part}?ik-t={expiry}&ik-s={signature}")
    assert allowed.status_code == 200, allowed.headers.get("ik-error")
    assert decode(allowed.content).width == 40


def test_web_proxy_fetches_absolute_urls(origin_server: LiveServer, folder: WebFolder) -> None:
    relative = f"proxy/{secrets.token_hex(4)}.png"
    write_file(folder.root, relative, two_colour_png(40, 20))
    proxy = create_origin(origin_server, {"type": "WEB_PROXY", "name": "proxy"})
    prefix = create_endpoint(origin_server, [proxy["id"]])["urlPrefix"]
    response = _get(origin_server, f"{prefix}/tr:w-20/{folder.base_url}/{relative}")
    assert response.status_code == 200, response.headers.get("ik-error")
    assert (decode(response.content).width, decode(response.content).height) == (20, 10)
    assert _close(pixel(response.content, 15, 5), BLUE)
    not_a_url = _get(origin_server, f"{prefix}/images/a.png")
    assert not_a_url.status_code == 404


def test_originals_honour_head_range_conditional_and_canonical(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    relative = f"headers/{secrets.token_hex(4)}.png"
    image = two_colour_png(40, 20)
    write_file(folder.root, relative, image)
    web = create_origin(
        origin_server,
        {
            "type": "WEB_FOLDER",
            "name": "web",
            "baseUrl": folder.base_url,
            "includeCanonicalHeader": True,
            "baseUrlForCanonicalHeader": "https://www.example.com/img",
        },
    )
    prefix = create_endpoint(origin_server, [web["id"]])["urlPrefix"]
    url = f"{origin_server.url_endpoint}/{prefix}/{relative}"
    whole = requests.get(url, timeout=TIMEOUT)
    assert whole.content == image
    assert whole.headers["link"] == f'<https://www.example.com/img/{relative}>; rel="canonical"'
    head = requests.head(url, timeout=TIMEOUT)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(image))
    part = requests.get(url, headers={"Range": "bytes=0-9"}, timeout=TIMEOUT)
    assert part.status_code == 206 and part.content == image[:10]
    again = requests.get(url, headers={"If-None-Match": whole.headers["etag"]}, timeout=TIMEOUT)
    assert again.status_code == 304
    transformed = requests.get(
        f"{origin_server.url_endpoint}/{prefix}/tr:w-10/{relative}", timeout=TIMEOUT
    )
    assert transformed.headers["link"] == whole.headers["link"]


def test_forward_host_header_and_wildcard_purge(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    from tests.server.media import solid_image

    directory = f"wild/{secrets.token_hex(4)}"
    names = [f"{directory}/a.png", f"{directory}/b.png"]
    for name in names:
        write_file(folder.root, name, solid_image(8, 8, (255, 0, 0)))
    forwarding = create_origin(
        origin_server,
        {
            "type": "WEB_FOLDER",
            "name": "w",
            "baseUrl": folder.base_url,
            "forwardHostHeaderToOrigin": True,
        },
    )
    prefix = create_endpoint(origin_server, [forwarding["id"]])["urlPrefix"]
    for name in names:
        response = _get(origin_server, f"{prefix}/{name}", headers={"Host": "cdn.example.org"})
        assert response.status_code == 200
        assert folder.log.for_path(f"/{name}")[0]["host"] == "cdn.example.org"
    purge = api(
        origin_server,
        "POST",
        "/v1/files/purge",
        json={"url": f"{origin_server.url_endpoint}/{prefix}/{directory}/*"},
    )
    assert purge.status_code == 201, purge.text
    for name in names:
        assert _get(origin_server, f"{prefix}/{name}").status_code == 200
        assert len(folder.log.for_path(f"/{name}")) == 2
