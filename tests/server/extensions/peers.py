"""Local stand-ins for the remote providers, on 127.0.0.1, following their documented shapes:

- Google Cloud Vision ``POST /v1/images:annotate?key=``: checks the key and each request's
  shape, decodes ``image.content`` and answers ``labelAnnotations`` naming the image's mean
  colour (score 0.9) and ``Rectangle`` (0.55); undecodable content gets a per-image ``error``.
- remove.bg ``POST /v1.0/removebg`` (multipart, ``X-Api-Key``): decodes ``image_file`` and
  answers a PNG whose alpha drops the pixels that match the top-left corner's colour
  (``bg_color`` flattens onto that colour); errors as ``{"errors": [{"title", "code"}]}``.

Both record what they were sent (``calls``) and the most calls they held at once
(``most_in_flight``), and can be slowed down (``delay``).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pyvips

API_KEY = "test-key"


class Peer:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.delay = 0.0
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler(peer: Peer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            target = urlsplit(self.path)
            if target.path == "/v1/images:annotate":
                key = parse_qs(target.query).get("key", [""])[0]
                peer.calls.append({"path": target.path, "key": key, "body": json.loads(body)})
                status, payload, kind = _annotate(key, json.loads(body))
            elif target.path == "/v1.0/removebg":
                fields = _multipart(self.headers.get("Content-Type", ""), body)
                peer.calls.append({"path": target.path, "fields": fields})
                status, payload, kind = _remove_bg(self.headers.get("X-Api-Key"), fields)
            else:
                status, payload, kind = 404, b"{}", "application/json"
            with peer.lock:
                peer.in_flight += 1
                peer.most_in_flight = max(peer.most_in_flight, peer.in_flight)
            time.sleep(peer.delay)
            with peer.lock:
                peer.in_flight -= 1
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _annotate(key: str, body: dict[str, Any]) -> tuple[int, bytes, str]:
    if key != API_KEY:
        error = {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}
        return 400, json.dumps({"error": error}).encode(), "application/json"
    responses = []
    for item in body["requests"]:
        assert item["features"][0]["type"] == "LABEL_DETECTION"
        try:
            image = pyvips.Image.new_from_buffer(base64.b64decode(item["image"]["content"]), "")
            red, green, blue = (
                image.stats()(4, 1)[0],
                image.stats()(4, 2)[0],
                image.stats()(4, 3)[0],
            )
        except (pyvips.Error, ValueError):
            responses.append({"error": {"code": 3, "message": "Bad image data."}})
            continue
        colour = ("Red", "Green", "Blue")[int(np.argmax([red, green, blue]))]
        labels = [
            {"mid": "/m/colour", "description": colour, "score": 0.9, "topicality": 0.9},
            {"mid": "/m/rect", "description": "Rectangle", "score": 0.55, "topicality": 0.55},
        ]
        responses.append({"labelAnnotations": labels[: item["features"][0]["maxResults"]]})
    return 200, json.dumps({"responses": responses}).encode(), "application/json"


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[str(name)] = part.get_payload(decode=True) or b""
    return fields


def _remove_bg(key: str | None, fields: dict[str, bytes]) -> tuple[int, bytes, str]:
    if key != API_KEY:
        errors = [{"title": "API Key invalid", "code": "auth_failed"}]
        return 403, json.dumps({"errors": errors}).encode(), "application/json"
    try:
        image = pyvips.Image.new_from_buffer(fields["image_file"], "")
    except (KeyError, pyvips.Error):
        errors = [{"title": "Failed to read image", "code": "unknown_foreground"}]
        return 400, json.dumps({"errors": errors}).encode(), "application/json"
    corner = image.getpoint(0, 0)
    distance = ((image - corner) ** 2).bandmean() ** 0.5
    alpha = (distance > 20).ifthenelse(255, 0).cast("uchar")
    result = image.bandjoin(alpha)
    if fields.get("bg_color"):
        colour = fields["bg_color"].decode()
        result = result.flatten(background=[int(colour[i : i + 2], 16) for i in (0, 2, 4)])
    return 200, result.pngsave_buffer(), "image/png"
