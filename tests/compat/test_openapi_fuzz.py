"""Fuzzing the live server with ImageKit's published OpenAPI description (schemathesis).

For every operation, with a valid private key, schemathesis generates requests that fit the
schema (positive) and requests that break it (negative). Half of the examples have their path
parameters pinned to things that exist (a fresh file, its version, a custom field, a job, a
purge request), so generated bodies reach the code behind the lookups. Every response must be:

- never a 5xx;
- when not 2xx, a JSON object with ``message`` and ``help`` (ImageKit's error body);
- when 2xx, a status code the description documents for that operation.

Problems are collected rather than raised so one run reports all of them without shrinking.
Requests without a key get 401 and with an unknown key 403, on every operation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import hypothesis.strategies as st
import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from requests.structures import CaseInsensitiveDict
from schemathesis import GenerationMode
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from tests.compat.api_target import REQUEST_TIMEOUT, Target, basic_authorization
from tests.compat.openapi_description import Operation, load_operations
from tests.fixtures.recording_server import RecordingServer, Reply

FuzzCase = Case[Any]

OPERATIONS = load_operations()
# Examples per operation: bounded for CI; raise it for a deeper hunt (300 found nothing new).
FUZZ_EXAMPLES = int(os.environ.get("IMAGEKIT_FUZZ_EXAMPLES", "24"))
UPLOAD = "POST /api/v1/files/upload"
NOT_BUILT: dict[str, str] = {}  # label -> what the server lacks


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as shared:
        yield shared


def describe(response: Response) -> str:
    request = response.request
    body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
    return (
        f"{request.method} {request.url}\n  request body: {body[:300]!r}\n"
        f"  -> {response.status_code} {response.text[:300]}"
    )


def problems_with(operation: Operation, response: Response) -> list[str]:
    status = response.status_code
    if status >= 500:
        return ["server error"]
    if 200 <= status < 300:
        documented = set(operation.definition.raw.get("responses", {}))
        if str(status) not in documented and "2XX" not in documented:
            return [f"success status {status} is not documented ({sorted(documented)})"]
        return []
    try:
        body = json.loads(response.content)
    except ValueError:
        return ["error body is not JSON"]
    if not isinstance(body, dict) or not {"message", "help"} <= set(body):
        return ["error body lacks message/help"]
    return []


def fuzz_cases(operation: Operation, pinned: dict[str, str]) -> st.SearchStrategy[FuzzCase]:
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    generated = [operation.as_strategy(generation_mode=mode) for mode in modes]
    if pinned:
        generated += [
            operation.as_strategy(generation_mode=mode, path_parameters=pinned) for mode in modes
        ]
    return st.one_of(generated)


FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_fuzzed_requests_get_well_formed_answers(
    label: str, target: Target, session: requests.Session
) -> None:
    operation = OPERATIONS[label]
    pinned = target.existing_path_parameters(operation)
    problems: list[str] = []

    @FUZZ_SETTINGS
    @given(case=fuzz_cases(operation, pinned))
    def send(case: FuzzCase) -> None:
        response = case.call(
            base_url=target.server.base_url,
            session=session,
            headers={"Authorization": target.authorization},
            timeout=REQUEST_TIMEOUT,
        )
        problems.extend(
            f"{problem}: {describe(response)}" for problem in problems_with(operation, response)
        )

    send()
    assert not problems, f"{len(problems)} problems, first ones:\n" + "\n".join(problems[:5])


def first_case(operation: Operation) -> FuzzCase:
    found: list[FuzzCase] = []

    @settings(
        max_examples=1,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def keep(case: FuzzCase) -> None:
        found.append(case)

    keep()
    return found[0]


def built_operations(*excluded: str) -> list[Any]:
    """Every operation label; those the server lacks are expected to fail (strictly)."""
    return [
        pytest.param(
            label,
            marks=[pytest.mark.xfail(strict=True, reason=NOT_BUILT[label])]
            if label in NOT_BUILT
            else [],
        )
        for label in sorted(set(OPERATIONS) - set(excluded))
    ]


def authorization_status(target: Target, label: str, authorization: str | None) -> int:
    operation = OPERATIONS[label]
    case = first_case(operation)
    headers = CaseInsensitiveDict(case.headers or {})
    headers.pop("Authorization", None)
    if authorization is not None:
        headers["Authorization"] = authorization
    case.headers = headers
    sent = requests.request(
        **case.as_transport_kwargs(base_url=target.server.base_url), timeout=REQUEST_TIMEOUT
    )
    response = Response.from_any(sent)
    assert problems_with(operation, response) == [], describe(response)
    return response.status_code


@pytest.mark.parametrize("label", built_operations())
def test_missing_key_is_401_and_unknown_key_is_403(label: str, target: Target) -> None:
    assert authorization_status(target, label, None) == 401
    assert authorization_status(target, label, basic_authorization("private_unknown")) == 403


@pytest.mark.parametrize(("authorization", "status"), [(None, 401), ("private_unknown", 403)])
def test_well_formed_upload_without_a_valid_key(
    authorization: str | None, status: int, target: Target
) -> None:
    # A well-formed form isolates the authentication answer from any form validation.
    headers = {} if authorization is None else {"Authorization": basic_authorization(authorization)}
    with target.images.png_path.open("rb") as handle:
        response = requests.post(
            f"{target.server.base_url}{UPLOAD.split(' ')[1]}",
            headers=headers,
            data={"fileName": "nokey.png"},
            files={"file": ("nokey.png", handle)},
            timeout=REQUEST_TIMEOUT,
        )
    assert response.status_code == status, response.text
    assert {"message", "help"} <= set(response.json())


@pytest.mark.parametrize("label", built_operations())
def test_every_described_operation_is_routed(label: str, target: Target) -> None:
    """A request with a valid key reaches the operation: no bare 404/405 from the router."""
    operation = OPERATIONS[label]
    case = first_case(operation)
    case.path_parameters = {
        **(case.path_parameters or {}),
        **target.existing_path_parameters(operation),
    }
    response = case.call(
        base_url=target.server.base_url,
        headers={"Authorization": target.authorization},
        timeout=REQUEST_TIMEOUT,
    )
    assert not is_unrouted(response), describe(response)


def is_unrouted(response: Response) -> bool:
    """The router's own 404/405 (an operation's own 404s name what is missing)."""
    if response.status_code not in (404, 405):
        return False
    body = json.loads(response.content)
    return isinstance(body, dict) and body.get("message") in {"Not Found", "Method Not Allowed"}


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (Reply(500, {"message": "boom", "help": ""}), "server error"),
        (Reply(202, []), "success status 202 is not documented"),
        (Reply(400, raw=b"<html>bad</html>"), "error body is not JSON"),
        (Reply(404, {"detail": "Not Found"}), "error body lacks message/help"),
        (Reply(200, []), None),
        (Reply(404, {"message": "No such file.", "help": ""}), None),
    ],
)
def test_the_judge_flags_bad_answers(
    reply: Reply, problem: str | None, recording_server: RecordingServer
) -> None:
    recording_server.reply(reply)
    sent = requests.get(f"{recording_server.base_url}/v1/files", timeout=REQUEST_TIMEOUT)
    found = problems_with(OPERATIONS["GET /v1/files"], Response.from_any(sent))
    assert [text.split(" (")[0] for text in found] == ([] if problem is None else [problem])
