"""A file's page: preview, metadata, tags, custom metadata (typed inputs), versions, publish
state and purge. Each action is a plain form POST (CSRF token in the form) that calls the API
and redirects back with its outcome (post/redirect/get)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from imagekit_server.console.internal_api import ApiResult
from imagekit_server.console.links import delivery_url
from imagekit_server.console.pages import api_for, console_view, context_of, render
from imagekit_server.console.session import Session


def public_base(request: Request) -> str:
    configured = context_of(request).settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


@console_view()
async def file_page(request: Request, session: Session) -> Response:
    file_id = request.path_params["file_id"]
    api = api_for(request, session)
    details = await api.get(f"/v1/files/{file_id}/details")
    if not details.ok:
        return render(request, "not_found.html", session, 404, message=details.message)
    item: dict[str, Any] = details.body
    versions = await api.get(f"/v1/files/{file_id}/versions")
    fields = await api.get("/v1/customMetadataFields")
    metadata = (
        await api.get(f"/v1/files/{file_id}/metadata") if item.get("fileType") == "image" else None
    )
    private = bool(item.get("isPrivateFile")) or not item.get("isPublished", True)
    preview = delivery_url(
        session.account, str(item["filePath"]), "tr:w-800,h-800,c-at_max", signed=private
    )
    return render(
        request,
        "file.html",
        session,
        item=item,
        preview=preview,
        versions=versions.body if versions.ok else [],
        fields=fields.body if fields.ok else [],
        metadata=metadata.body if metadata is not None and metadata.ok else None,
        done=request.query_params.get("done"),
        failed=request.query_params.get("failed"),
        base=public_base(request),
    )


def _back(file_id: str, result: ApiResult, what: str) -> Response:
    outcome = f"done={quote(what)}" if result.ok else f"failed={quote(result.message)}"
    return RedirectResponse(f"/console/files/{quote(file_id)}?{outcome}", status_code=303)


def typed_value(kind: str, raw: list[str]) -> Any:
    """A form value as the custom metadata field's type wants it; None when left empty."""
    values = [value.strip() for value in raw if value.strip()]
    if kind == "MultiSelect":
        return [_scalar(value) for value in values] or None
    if not values:
        return False if kind == "Boolean" and raw else None
    value = values[0]
    if kind == "Number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if kind == "Boolean":
        return value == "true"
    if kind == "SingleSelect":
        return _scalar(value)
    return value


def _scalar(value: str) -> Any:
    """Select options may be strings, numbers or booleans: the form carries their JSON."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def custom_metadata_from(form: FormData, fields: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        name = str(field["name"])
        kind = str(field["schema"]["type"])
        if f"cm.{name}" not in form and kind != "Boolean":
            continue
        raw = [value for value in form.getlist(f"cm.{name}") if isinstance(value, str)]
        value = typed_value(kind, raw or ([""] if kind == "Boolean" else []))
        if value is not None:
            values[name] = value
    return values


@console_view(write=True)
async def update_details(request: Request, session: Session) -> Response:
    file_id = request.path_params["file_id"]
    form = await request.form()
    api = api_for(request, session)
    fields = await api.get("/v1/customMetadataFields")
    tags = [tag.strip() for tag in str(form.get("tags", "")).split(",") if tag.strip()]
    body: dict[str, Any] = {"tags": tags}
    try:
        body["customMetadata"] = custom_metadata_from(form, fields.body if fields.ok else [])
    except ValueError as exc:
        return _back(file_id, ApiResult(400, {"message": f"Invalid value: {exc}"}), "")
    if "description" in form:
        body["description"] = str(form.get("description", ""))
    result = await api.call("PATCH", f"/v1/files/{file_id}/details", json_body=body)
    return _back(file_id, result, "Details saved")


@console_view(write=True)
async def file_action(request: Request, session: Session) -> Response:
    file_id = request.path_params["file_id"]
    action = request.path_params["action"]
    form = await request.form()
    api = api_for(request, session)
    version = quote(str(form.get("version", "")), safe="")
    if action == "publish":
        publish = {"isPublished": form.get("published") == "true"}
        result = await api.call(
            "PATCH", f"/v1/files/{file_id}/details", json_body={"publish": publish}
        )
    elif action == "remove-ai-tag":
        body = {"removeAITags": [str(form.get("name", ""))]}
        result = await api.call("PATCH", f"/v1/files/{file_id}/details", json_body=body)
    elif action == "restore":
        result = await api.call("PUT", f"/v1/files/{file_id}/versions/{version}/restore")
    elif action == "delete-version":
        result = await api.call("DELETE", f"/v1/files/{file_id}/versions/{version}")
    elif action == "purge":
        result = await api.call(
            "POST", "/v1/files/purge", json_body={"url": str(form.get("url", ""))}
        )
    elif action == "delete":
        result = await api.call("DELETE", f"/v1/files/{file_id}")
        if result.ok:
            return RedirectResponse("/console/browse", status_code=303)
    else:
        result = ApiResult(404, {"message": f"Unknown action {action!r}."})
    return _back(file_id, result, action.replace("-", " ").capitalize() + " done")
