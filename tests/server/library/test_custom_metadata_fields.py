"""``/v1/customMetadataFields`` against a live server: schema rules, uniqueness, soft delete,
and values validated on update with errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.live_server import LiveServer
from tests.server.library.calls import call, new_image, ok
from tests.server.uploads import assert_error

ROUTE = "/v1/customMetadataFields"


def _create(server: LiveServer, name: str, schema: dict[str, Any], label: str = "") -> Any:
    return call(server, "POST", ROUTE, {"name": name, "label": label or name, "schema": schema})


def test_create_list_update_delete(live_server: LiveServer) -> None:
    created = ok(_create(live_server, "price", {"type": "Number", "minValue": 1}), 201)
    assert created["name"] == "price" and created["schema"] == {"type": "Number", "minValue": 1}
    field_id = created["id"]
    listed = ok(call(live_server, "GET", ROUTE, includeDeleted="false"))
    assert [field["id"] for field in listed if field["name"] == "price"] == [field_id]

    # 4.x always sends "label": null means "not provided"
    body = {"label": None, "schema": {"type": "Text", "maxValue": 9}}
    updated = ok(call(live_server, "PATCH", f"{ROUTE}/{field_id}", body))
    assert updated["label"] == "price"
    assert updated["schema"] == {"type": "Number", "maxValue": 9}  # type is immutable
    renamed = ok(call(live_server, "PATCH", f"{ROUTE}/{field_id}", {"label": "Cost"}))
    assert renamed["label"] == "Cost" and renamed["schema"]["maxValue"] == 9

    assert call(live_server, "DELETE", f"{ROUTE}/{field_id}").status_code == 204
    visible = ok(call(live_server, "GET", ROUTE, includeDeleted="false"))
    assert field_id not in [field["id"] for field in visible]
    every = ok(call(live_server, "GET", ROUTE, includeDeleted="true"))
    assert field_id in [field["id"] for field in every]
    # names stay reserved; deleted fields cannot be changed or deleted again
    assert_error(_create(live_server, "price", {"type": "Text"}, label="other"), 400)
    assert_error(call(live_server, "PATCH", f"{ROUTE}/{field_id}", {"label": "x"}), 400)
    assert_error(call(live_server, "DELETE", f"{ROUTE}/{field_id}"), 404)
    # the label is free again once its field is deleted
    ok(_create(live_server, "cost2", {"type": "Text"}, label="Cost"), 201)


def test_textarea_spellings_are_stored_as_textarea(live_server: LiveServer) -> None:
    created = ok(_create(live_server, "notes_field", {"type": "TextArea", "maxLength": 5}), 201)
    assert created["schema"] == {"type": "Textarea", "maxLength": 5}


@pytest.mark.parametrize(
    ("schema", "offending"),
    [
        ({"type": "Colour"}, "type"),
        ({"type": "Text", "minValue": 1}, "minValue"),
        ({"type": "Number", "minLength": 1}, "minLength"),
        ({"type": "Number", "minValue": "a"}, "minValue"),
        ({"type": "Date", "maxValue": "not a date"}, "maxValue"),
        ({"type": "SingleSelect"}, "selectOptions"),
        ({"type": "MultiSelect", "selectOptions": [{"a": 1}]}, "selectOptions"),
        ({"type": "Text", "isValueRequired": True}, "defaultValue"),
        ({"type": "Number", "maxValue": 5, "defaultValue": 6}, "defaultValue"),
        ({"type": "SingleSelect", "selectOptions": ["a"], "defaultValue": "b"}, "defaultValue"),
        ({"type": "MultiSelect", "selectOptions": ["a"], "defaultValue": ["a", 1]}, "defaultValue"),
        ({"type": "Text", "minLength": 5, "maxLength": 2}, "maxLength"),
        ({"type": "Boolean", "defaultValue": "yes"}, "defaultValue"),
    ],
)
def test_invalid_schemas_name_the_offending_key(
    live_server: LiveServer, schema: dict[str, Any], offending: str
) -> None:
    body = assert_error(_create(live_server, f"bad_{offending}", schema), 400)
    assert offending in body["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"label": "x", "schema": {"type": "Text"}},
        {"name": "", "label": "x", "schema": {"type": "Text"}},
        {"name": 5, "label": "x", "schema": {"type": "Text"}},
        {"name": "x", "label": "x"},
        {"name": "x", "label": "x", "schema": "Text"},
        [1, 2],
    ],
)
def test_malformed_create_bodies_are_400(live_server: LiveServer, body: Any) -> None:
    assert_error(call(live_server, "POST", ROUTE, body), 400)


def test_malformed_and_unknown_ids(live_server: LiveServer) -> None:
    assert_error(call(live_server, "PATCH", f"{ROUTE}/nope", {"label": "x"}), 400)
    assert_error(call(live_server, "PATCH", f"{ROUTE}/{'a' * 24}", {"label": "x"}), 404)
    assert_error(call(live_server, "DELETE", f"{ROUTE}/{'a' * 24}"), 404)
    assert_error(call(live_server, "GET", ROUTE, includeDeleted="maybe"), 400)
    assert_error(call(live_server, "POST", ROUTE, raw=b"{not json"), 400)


def test_values_are_validated_on_update(live_server: LiveServer) -> None:
    ok(
        _create(live_server, "size_class", {"type": "SingleSelect", "selectOptions": ["S", "M"]}),
        201,
    )
    ok(_create(live_server, "rating", {"type": "Number", "minValue": 0, "maxValue": 5}), 201)
    file_id = new_image(live_server, "rated.png")["fileId"]
    route = f"/v1/files/{file_id}/details"
    body = assert_error(
        call(live_server, "PATCH", route, {"customMetadata": {"rating": 7, "size_class": "XL"}}),
        400,
    )
    assert set(body["errors"]) == {"rating", "size_class"}
    unknown = assert_error(call(live_server, "PATCH", route, {"customMetadata": {"zz": 1}}), 400)
    assert "zz" in unknown["errors"]
    updated = ok(call(live_server, "PATCH", route, {"customMetadata": {"rating": 4}}))
    assert updated["customMetadata"] == {"rating": 4}
    merged = ok(call(live_server, "PATCH", route, {"customMetadata": {"size_class": "M"}}))
    assert merged["customMetadata"] == {"rating": 4, "size_class": "M"}
    unset = ok(call(live_server, "PATCH", route, {"customMetadata": {"rating": None}}))
    assert unset["customMetadata"] == {"size_class": "M"}
