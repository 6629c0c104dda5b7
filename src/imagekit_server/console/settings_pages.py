"""Settings: custom metadata fields, named transformations, origins and URL endpoints, usage.

Everything goes through the API the SDK uses; forms post back here and redirect (PRG)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from imagekit_server.console.internal_api import ApiResult
from imagekit_server.console.pages import api_for, console_view, render
from imagekit_server.console.session import Session

FIELD_TYPES = ("Text", "Textarea", "Number", "Date", "Boolean", "SingleSelect", "MultiSelect")
USAGE_DAYS = 30


@console_view()
async def settings_page(request: Request, session: Session) -> Response:
    api = api_for(request, session)
    today = date.today()
    start = today - timedelta(days=USAGE_DAYS - 1)
    results = {
        "fields": await api.get("/v1/customMetadataFields"),
        "named": await api.get("/v1/named-transformations"),
        "origins": await api.get("/v1/accounts/origins"),
        "endpoints": await api.get("/v1/accounts/url-endpoints"),
        "usage": await api.get(
            "/v1/accounts/usage",
            startDate=start.isoformat(),
            endDate=(today + timedelta(days=1)).isoformat(),
        ),
    }
    values: dict[str, Any] = {
        name: result.body if result.ok else None for name, result in results.items()
    }
    return render(
        request,
        "settings.html",
        session,
        **values,
        field_types=FIELD_TYPES,
        usage_from=start.isoformat(),
        done=request.query_params.get("done"),
        failed=request.query_params.get("failed"),
    )


def _back(result: ApiResult, what: str) -> Response:
    outcome = f"done={quote(what)}" if result.ok else f"failed={quote(result.message)}"
    return RedirectResponse(f"/console/settings?{outcome}", status_code=303)


def _field_body(form: dict[str, str]) -> dict[str, Any]:
    kind = form.get("type", "Text")
    schema: dict[str, Any] = {"type": kind}
    if kind in ("SingleSelect", "MultiSelect"):
        options = [option.strip() for option in form.get("options", "").split(",")]
        schema["selectOptions"] = [option for option in options if option]
    return {"name": form.get("name", ""), "label": form.get("label", ""), "schema": schema}


@console_view(write=True)
async def settings_action(request: Request, session: Session) -> Response:
    action = request.path_params["action"]
    raw_form = await request.form()
    form = {key: value for key, value in raw_form.items() if isinstance(value, str)}
    api = api_for(request, session)
    target = quote(form.get("id", ""), safe="")
    if action == "create-field":
        result = await api.call("POST", "/v1/customMetadataFields", json_body=_field_body(form))
    elif action == "delete-field":
        result = await api.call("DELETE", f"/v1/customMetadataFields/{target}")
    elif action == "create-named":
        body = {"name": form.get("name", ""), "transformation": form.get("transformation", "")}
        result = await api.call("POST", "/v1/named-transformations", json_body=body)
    elif action == "delete-named":
        result = await api.call("DELETE", f"/v1/named-transformations/{target}")
    elif action == "create-origin":
        try:
            body = json.loads(form.get("origin", ""))
        except ValueError:
            body = None
        result = (
            await api.call("POST", "/v1/accounts/origins", json_body=body)
            if isinstance(body, dict)
            else ApiResult(400, {"message": "The origin must be a JSON object."})
        )
    elif action == "delete-origin":
        result = await api.call("DELETE", f"/v1/accounts/origins/{target}")
    elif action == "create-endpoint":
        origins = [item for item in raw_form.getlist("origins") if isinstance(item, str)]
        endpoint: dict[str, Any] = {
            "description": form.get("description", ""),
            "urlPrefix": form.get("urlPrefix", ""),
            "origins": origins,
        }
        result = await api.call("POST", "/v1/accounts/url-endpoints", json_body=endpoint)
    elif action == "delete-endpoint":
        result = await api.call("DELETE", f"/v1/accounts/url-endpoints/{target}")
    else:
        result = ApiResult(404, {"message": f"Unknown action {action!r}."})
    return _back(result, action.replace("-", " ").capitalize() + " done")
