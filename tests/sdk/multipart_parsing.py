"""Parse a recorded multipart/form-data body with the standard library's MIME parser."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content: bytes


def parse_form(content_type: str, body: bytes) -> list[Part]:
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    assert message.is_multipart()
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        parts.append(Part(name, part.get_filename(), payload))
    return parts


def form_fields(content_type: str, body: bytes) -> dict[str, str]:
    return {part.name: part.content.decode() for part in parse_form(content_type, body)}
