"""The upload ``checks`` language evaluated against an upload's facts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imagekit_server.search import SearchQueryError
from imagekit_server.search.checks import UploadFacts, parse_checks

FIELD_TYPES = {
    "brand": "Text",
    "stock": "Number",
    "launch": "Date",
    "color": "SingleSelect",
    "featured": "Boolean",
    "sizes": "MultiSelect",
}

VIDEO = UploadFacts(
    request={
        "fileName": "trailer.mp4",
        "folder": "uploads/2026",
        "tags": ["promo", "summer"],
        "useUniqueFileName": True,
        "isPrivateFile": False,
        "customMetadata": {
            "brand": "Acme",
            "stock": 12,
            "launch": "2026-05-01",
            "color": 3,
            "featured": True,
            "sizes": ["M", 42],
        },
    },
    file_size=4 * 1024 * 1024,
    file_mime="video/mp4",
    media={"width": 1280, "height": 720, "duration": 95.5, "videoCodec": "h264"},
    field_types=FIELD_TYPES,
)
PDF = UploadFacts(
    request={"fileName": "report.pdf", "folder": "/", "useUniqueFileName": False},
    file_size=700 * 1024,
    file_mime="application/pdf",
    field_types=FIELD_TYPES,
)

CASES = [
    # request text and folder fields, in the three quoting styles of the sources
    ('"request.fileName" = "trailer.mp4"', True, False),
    ("'request.fileName' : 'trail'", True, False),
    ('"request.fileName" IN ["a.mp4", "report.pdf"]', False, True),
    ('"request.fileName" NOT IN ["a.mp4", "report.pdf"]', True, False),
    ('"request.folder" : "uploads/"', True, False),
    ("'request.folder' : '/uploads/2026/'", True, False),
    ('"request.folder" = "/uploads/2026"', True, False),
    ('"request.folder" NOT = archive', True, True),
    ('"request.folder" = "/"', False, True),
    ('"request.customCoordinates" = "10,10,20,20"', False, False),
    ('"request.customCoordinates" NOT = "10,10,20,20"', True, True),
    # booleans and tags
    ('"request.useUniqueFileName" = true', True, False),
    ('"request.isPrivateFile" NOT = true', True, True),
    ('"request.tags" HAS promo', True, False),
    ('"request.tags" NOT HAS "promo"', False, True),
    # file
    ('"file.size" < "5mb"', True, True),
    ('"file.size" >= "1mb"', True, False),
    ('"file.size" = 716800', False, True),
    ('"file.mime" : video', True, False),
    ('"file.mime" IN ["application/pdf", "image/png"]', False, True),
    # media metadata (absent for the PDF)
    ('"mediaMetadata.width" >= 640', True, False),
    ('"mediaMetadata.duration" < 100', True, False),
    ('"mediaMetadata.videoCodec" = h264', True, False),
    ('"mediaMetadata.audioCodec" NOT = aac', True, True),
    # custom metadata by type
    ('"request.customMetadata.brand" : "Ac"', True, False),
    ('"request.customMetadata.stock" > 10', True, False),
    ('"request.customMetadata.stock" NOT = 12', False, True),
    ('"request.customMetadata.launch" < "2026-06-01"', True, False),
    ('"request.customMetadata.launch" = "2026-05-01T00:00:00Z"', True, False),
    ('"request.customMetadata.color" IN [3, "red"]', True, False),
    ('"request.customMetadata.color" >= 3', True, False),
    ('"request.customMetadata.featured" = true', True, False),
    ('"request.customMetadata.sizes" HAS 42', True, False),
    ('"request.customMetadata.sizes" HAS "42"', False, False),
    ('"request.customMetadata.sizes" NOT HAS "XL"', True, True),
    # connectives
    ('"file.mime" : video OR ("mediaMetadata.width" >= 640 AND "file.size" < "5mb")', True, False),
    ('"file.mime" : image OR "file.size" < "1mb" AND "request.folder" = "/"', False, True),
    ('("file.mime" : image OR "file.size" < "1mb") AND "request.folder" = "/"', False, True),
    ('"file.mime" : video and "request.tags" has summer', True, False),
]


@pytest.mark.parametrize(("expression", "video", "pdf"), CASES)
def test_checks_evaluate(expression: str, video: bool, pdf: bool) -> None:
    checks = parse_checks(expression)
    assert checks.evaluate(VIDEO) is video
    assert checks.evaluate(PDF) is pdf


PARSE_ERRORS = [
    ('"file.colour" = red', 0, 'Unknown field "file.colour"'),
    ('"file.size" : "5mb"', 12, "Operator ':' at position 12 is not supported"),
    ('"request.tags" = promo', 15, "not supported"),
    ('"file.size" < "big"', 14, "expected a size"),
    ('"request.isPrivateFile" = maybe', 26, "expected true or false"),
    ('"file.size" <', 13, "Syntax error at position 13: expected a value after '<'"),
]


@pytest.mark.parametrize(("expression", "position", "message"), PARSE_ERRORS)
def test_invalid_checks_are_rejected_when_parsed(
    expression: str, position: int, message: str
) -> None:
    with pytest.raises(SearchQueryError) as caught:
        parse_checks(expression)
    assert message in caught.value.message
    assert caught.value.position == position


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('"request.customMetadata.weight" > 3', 'custom metadata field "weight"'),
        ('"request.customMetadata.sizes" = "M"', "not supported"),
        ('"request.customMetadata.stock" > "lots"', "expected a number"),
    ],
)
def test_custom_fields_are_checked_against_the_account(expression: str, message: str) -> None:
    checks = parse_checks(expression)
    with pytest.raises(SearchQueryError, match=message):
        checks.evaluate(VIDEO)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_is_rejected_cleanly(text: str) -> None:
    try:
        checks = parse_checks(text)
    except SearchQueryError as error:
        assert 0 <= error.position <= len(text)
    else:
        try:
            assert checks.evaluate(VIDEO) in (True, False)
        except SearchQueryError as error:
            assert "custom metadata" in error.message or "not supported" in error.message
