"""The transformation playground: a chain built step by step, its live preview, and the URL,
signed URL and SDK call that make it."""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from imagekit_server.console.file_page import public_base
from imagekit_server.console.links import delivery_target
from imagekit_server.console.pages import api_for, console_view, render
from imagekit_server.console.session import Session
from imagekit_server.delivery.signing import sign_target

MAX_STEPS = 10
SIGNED_URL_SECONDS = 3600
# A step is parameters joined by commas; each parameter is a code and a value (``w-300``).
_PARAMETER = re.compile(r"[a-z][a-z0-9]*(-[^,:/?#\s]*)?", re.IGNORECASE)


@functools.cache
def _sdk_names() -> tuple[dict[str, str], dict[str, str]]:
    """The SDK's transformation names (name -> code) and, inverted, its keys by code. Loaded on
    first use: importing the SDK loads ``requests``, which no serving process needs otherwise."""
    from imagekitio.constants.supported_transform import SUPPORTED_TRANS

    return SUPPORTED_TRANS, {code: key for key, code in SUPPORTED_TRANS.items() if code != "raw"}


@dataclass(frozen=True)
class Chain:
    steps: list[str]
    problems: list[str]

    @property
    def transformation(self) -> str:
        return "tr:" + ":".join(self.steps) if self.steps else ""


def parse_chain(raw_steps: list[str]) -> Chain:
    steps: list[str] = []
    problems: list[str] = []
    for number, raw in enumerate(raw_steps[:MAX_STEPS], start=1):
        parameters = [part.strip() for part in raw.split(",") if part.strip()]
        bad = [part for part in parameters if not _PARAMETER.fullmatch(part)]
        if bad:
            problems.append(f"Step {number}: cannot read {', '.join(bad)}")
        elif parameters:
            steps.append(",".join(parameters))
    return Chain(steps, problems)


def sdk_call(file_path: str, chain: Chain, *, signed: bool) -> str:
    """The SDK's ``imagekit.url(...)`` call for the chain (unknown codes go through ``raw``)."""
    supported, sdk_keys = _sdk_names()
    steps = []
    for step in chain.steps:
        options: dict[str, str] = {}
        raw: list[str] = []
        for parameter in step.split(","):
            code, _, value = parameter.partition("-")
            key = sdk_keys.get(code)
            if key is not None and value:
                options[key] = value
            elif parameter.startswith("e-") and f"effect_{parameter[2:]}" in supported:
                options[f"effect_{parameter[2:]}"] = "-"
            else:
                raw.append(parameter)
        if raw:
            options["raw"] = ",".join(raw)
        steps.append("{" + ", ".join(f'"{key}": "{value}"' for key, value in options.items()) + "}")
    lines = ["imagekit.url({", f'    "path": "{file_path}",']
    if steps:
        lines.append(f'    "transformation": [{", ".join(steps)}],')
    if signed:
        lines.append('    "signed": True,')
        lines.append(f'    "expire_seconds": {SIGNED_URL_SECONDS},')
    lines.append("})")
    return "\n".join(lines)


@console_view()
async def playground(request: Request, session: Session) -> Response:
    file_id = request.path_params["file_id"]
    details = await api_for(request, session).get(f"/v1/files/{file_id}/details")
    if not details.ok:
        return render(request, "not_found.html", session, 404, message=details.message)
    file_path = str(details.body["filePath"])
    private = bool(details.body.get("isPrivateFile")) or not details.body.get("isPublished", True)
    chain = parse_chain([value for value in request.query_params.getlist("step")])
    target = delivery_target(file_path, chain.transformation)
    account = session.account
    signed_target = sign_target(account.private_key, target, int(time.time()) + SIGNED_URL_SECONDS)
    base = f"{public_base(request)}/{account.id}/"
    return render(
        request,
        "playground.html",
        session,
        chain=chain,
        url=base + target,
        signed_url=base + signed_target,
        preview=f"/{account.id}/{signed_target if private else target}",
        private=private,
        sdk=sdk_call(file_path, chain, signed=private),
    )
