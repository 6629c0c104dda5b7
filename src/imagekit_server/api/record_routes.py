"""The shapes the account-owned record routes share, written once.

* ``in_transaction``: run a store call in a read or write transaction off the event loop, with
  the store's own errors turned into API errors (named transformations, saved extensions).
* ``add_record_routes``: create, list, get, replace and delete of a record set whose store takes
  the engine (origins, URL endpoints): ``POST ""``, ``GET ""``, ``GET /{id}``, ``PUT /{id}``,
  ``DELETE /{id}`` -> 204, with the record's ``public_json()`` as the body and a 404 for an
  unknown id.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import sqlalchemy as sa
from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_object
from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.errors import ApiError, NotFound

T = TypeVar("T")
Q = TypeVar("Q")
R = TypeVar("R", bound="PublicRecord")

# A store error type and the API error it becomes (built from the error's message).
Refusal = tuple[type[Exception], Callable[[str], ApiError]]


async def in_transaction(
    request: Request,
    work: Callable[[sa.Connection], T],
    *,
    write: bool,
    refusals: Sequence[Refusal] = (),
) -> T:
    """``work`` in a transaction of the server's database; the first of ``refusals`` whose
    type matches a raised error answers instead."""
    engine = server_context(request).engine
    transaction = write_transaction if write else read_transaction

    def run() -> T:
        with transaction(engine) as conn:
            return work(conn)

    try:
        return await to_thread.run_sync(run)
    except Exception as error:
        for error_type, answer in refusals:
            if isinstance(error, error_type):
                raise answer(str(error)) from None
        raise


class PublicRecord(Protocol):
    def public_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RecordStore(Generic[Q, R]):
    """What the routes call. ``parse`` reads a request body (``Q``); the others run in a
    worker thread; ``forget`` runs after a replace or delete, with the record's id."""

    parse: Callable[[dict[str, Any], Request], Q]
    create: Callable[[sa.Engine, str, Q], R]
    list: Callable[[sa.Engine, str], list[R]]
    get: Callable[[sa.Engine, str, str], R | None]
    replace: Callable[[sa.Engine, str, str, Q], R | None]
    delete: Callable[[sa.Engine, str, str], bool]
    forget: Callable[[ServerContext, str, str], None]


@dataclass(frozen=True)
class RecordNames:
    """How the routes are named: ``a``/``plural`` in summaries ("Create an origin", "List
    origins"), ``one``/``many`` in route names (``create_origin``, ``list_origins``: the
    operation ids of /openapi.json), ``id_parameter`` in paths (``/{origin_id}``)."""

    a: str
    plural: str
    one: str
    many: str
    id_parameter: str
    not_found: str


def add_record_routes(
    router: APIRouter,
    store: RecordStore[Q, R],
    names: RecordNames,
    *,
    check_id: Callable[[str], None] = lambda record_id: None,
) -> None:
    """The five routes on ``router``; ``check_id`` may refuse an id before a replace or a
    delete reads the body or the store."""

    async def create(request: Request, account: Account) -> JSONResponse:
        body = store.parse(await json_object(request), request)
        engine = server_context(request).engine
        record = await to_thread.run_sync(store.create, engine, account.id, body)
        return JSONResponse(record.public_json())

    async def list_all(request: Request, account: Account) -> JSONResponse:
        engine = server_context(request).engine
        found = await to_thread.run_sync(store.list, engine, account.id)
        return JSONResponse([record.public_json() for record in found])

    async def get(request: Request, account: Account, record_id: str) -> JSONResponse:
        engine = server_context(request).engine
        record = await to_thread.run_sync(store.get, engine, account.id, record_id)
        if record is None:
            raise NotFound(names.not_found)
        return JSONResponse(record.public_json())

    async def replace(request: Request, account: Account, record_id: str) -> JSONResponse:
        check_id(record_id)
        body = store.parse(await json_object(request), request)
        context = server_context(request)
        record = await to_thread.run_sync(
            store.replace, context.engine, account.id, record_id, body
        )
        if record is None:
            raise NotFound(names.not_found)
        await to_thread.run_sync(store.forget, context, account.id, record_id)
        return JSONResponse(record.public_json())

    async def delete(request: Request, account: Account, record_id: str) -> Response:
        check_id(record_id)
        context = server_context(request)
        if not await to_thread.run_sync(store.delete, context.engine, account.id, record_id):
            raise NotFound(names.not_found)
        await to_thread.run_sync(store.forget, context, account.id, record_id)
        return Response(status_code=204)

    one = f"/{{{names.id_parameter}}}"
    routes: list[tuple[str, str, str, Callable[..., Awaitable[Response]], str]] = [
        ("", "POST", f"create_{names.one}", create, f"Create {names.a}"),
        ("", "GET", f"list_{names.many}", list_all, f"List {names.plural}"),
        (one, "GET", f"get_{names.one}", get, f"Get {names.a}"),
        (one, "PUT", f"replace_{names.one}", replace, f"Replace {names.a}"),
        (one, "DELETE", f"delete_{names.one}", delete, f"Delete {names.a}"),
    ]
    for path, method, name, handler, summary in routes:
        router.add_api_route(
            path,
            _endpoint(handler, names.id_parameter if path else None),
            methods=[method],
            name=name,
            summary=summary,
            status_code=204 if method == "DELETE" else None,
        )


def _endpoint(
    handler: Callable[..., Awaitable[Response]], id_parameter: str | None
) -> Callable[..., Awaitable[Response]]:
    """``handler`` with the signature FastAPI reads: the request, the authenticated account and
    the path's id under its own name (so /openapi.json names it as the path does)."""

    async def endpoint(**values: Any) -> Response:
        arguments = [values["request"], values["account"]]
        if id_parameter is not None:
            arguments.append(values[id_parameter])
        return await handler(*arguments)

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("account", keyword, default=Depends(current_account), annotation=Account),
    ]
    if id_parameter is not None:
        parameters.insert(0, inspect.Parameter(id_parameter, keyword, annotation=str))
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return endpoint
