"""Origins and URL endpoints in the database (one account's rows at a time)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import origins, url_endpoints
from imagekit_server.errors import BadRequest, Conflict
from imagekit_server.ids import new_id
from imagekit_server.origins.endpoint_models import (
    DEFAULT_ENDPOINT_ID,
    EndpointRequest,
    UrlEndpoint,
    default_endpoint,
    rewriter_from_json,
)
from imagekit_server.origins.models import WEB_PROXY, Origin, OriginRequest


def _origin(row: Any) -> Origin:
    return Origin(row.id, row.account_id, row.type, row.name, dict(row.config), dict(row.secrets))


def list_origins(engine: sa.Engine, account_id: str) -> list[Origin]:
    query = sa.select(origins).where(origins.c.account_id == account_id)
    with read_transaction(engine) as conn:
        rows = conn.execute(query.order_by(origins.c.created_at, origins.c.id)).all()
    return [_origin(row) for row in rows]


def get_origin(engine: sa.Engine, account_id: str, origin_id: str) -> Origin | None:
    query = sa.select(origins).where(origins.c.account_id == account_id, origins.c.id == origin_id)
    with read_transaction(engine) as conn:
        row = conn.execute(query).first()
    return None if row is None else _origin(row)


def create_origin(engine: sa.Engine, account_id: str, request: OriginRequest) -> Origin:
    now = datetime.now(timezone.utc)
    origin_id = new_id()
    with write_transaction(engine) as conn:
        conn.execute(
            origins.insert().values(
                id=origin_id,
                account_id=account_id,
                type=request.type,
                name=request.name,
                config=request.config,
                secrets=request.secrets,
                created_at=now,
                updated_at=now,
            )
        )
    return Origin(
        origin_id, account_id, request.type, request.name, request.config, request.secrets
    )


def replace_origin(
    engine: sa.Engine, account_id: str, origin_id: str, request: OriginRequest
) -> Origin | None:
    with write_transaction(engine) as conn:
        if request.type == WEB_PROXY:
            _check_proxy_alone(conn, account_id, origin_id)
        changed = conn.execute(
            origins.update()
            .where(origins.c.account_id == account_id, origins.c.id == origin_id)
            .values(
                type=request.type,
                name=request.name,
                config=request.config,
                secrets=request.secrets,
                updated_at=datetime.now(timezone.utc),
            )
        ).rowcount
    if not changed:
        return None
    return Origin(
        origin_id, account_id, request.type, request.name, request.config, request.secrets
    )


def delete_origin(engine: sa.Engine, account_id: str, origin_id: str) -> bool:
    """Refused (409) while a URL endpoint lists the origin."""
    with write_transaction(engine) as conn:
        for endpoint in _endpoints(conn, account_id):
            if origin_id in endpoint.origin_ids:
                raise Conflict(
                    f"The origin is used by URL endpoint {endpoint.id} "
                    f"({endpoint.url_prefix}); remove it from the endpoint first.",
                    reason="ORIGIN_IN_USE",
                )
        deleted = conn.execute(
            origins.delete().where(origins.c.account_id == account_id, origins.c.id == origin_id)
        ).rowcount
    return bool(deleted)


def _check_proxy_alone(conn: sa.Connection, account_id: str, origin_id: str) -> None:
    for endpoint in _endpoints(conn, account_id):
        if origin_id in endpoint.origin_ids and len(endpoint.origin_ids) > 1:
            raise BadRequest(
                "A WEB_PROXY origin must be the only origin of its URL endpoint "
                f"({endpoint.url_prefix} lists others).",
                reason="INVALID_PARAMETER",
            )


def _endpoint(row: Any) -> UrlEndpoint:
    return UrlEndpoint(
        row.id,
        row.account_id,
        row.description,
        row.url_prefix,
        tuple(row.origin_ids),
        rewriter_from_json(row.url_rewriter),
    )


def _endpoints(conn: sa.Connection, account_id: str) -> list[UrlEndpoint]:
    query = sa.select(url_endpoints).where(url_endpoints.c.account_id == account_id)
    rows = conn.execute(query.order_by(url_endpoints.c.created_at, url_endpoints.c.id)).all()
    return [_endpoint(row) for row in rows]


def list_endpoints(engine: sa.Engine, account_id: str) -> list[UrlEndpoint]:
    """The default endpoint first, then the account's own."""
    with read_transaction(engine) as conn:
        return [default_endpoint(account_id), *_endpoints(conn, account_id)]


def get_endpoint(engine: sa.Engine, account_id: str, endpoint_id: str) -> UrlEndpoint | None:
    if endpoint_id == DEFAULT_ENDPOINT_ID:
        return default_endpoint(account_id)
    query = sa.select(url_endpoints).where(
        url_endpoints.c.account_id == account_id, url_endpoints.c.id == endpoint_id
    )
    with read_transaction(engine) as conn:
        row = conn.execute(query).first()
    return None if row is None else _endpoint(row)


def save_endpoint(
    engine: sa.Engine, account_id: str, request: EndpointRequest, endpoint_id: str | None = None
) -> UrlEndpoint | None:
    """Create (``endpoint_id`` None) or replace an endpoint; None when it does not exist."""
    now = datetime.now(timezone.utc)
    values = {
        "description": request.description,
        "url_prefix": request.url_prefix,
        "origin_ids": list(request.origin_ids),
        "url_rewriter": request.url_rewriter.public_json() if request.url_rewriter else None,
        "updated_at": now,
    }
    with write_transaction(engine) as conn:
        _check_origins(conn, account_id, request.origin_ids)
        _check_prefix_free(conn, account_id, request.url_prefix, endpoint_id)
        if endpoint_id is None:
            endpoint_id = new_id()
            conn.execute(
                url_endpoints.insert().values(
                    id=endpoint_id, account_id=account_id, created_at=now, **values
                )
            )
        elif not conn.execute(
            url_endpoints.update()
            .where(url_endpoints.c.account_id == account_id, url_endpoints.c.id == endpoint_id)
            .values(**values)
        ).rowcount:
            return None
    return UrlEndpoint(
        endpoint_id,
        account_id,
        request.description,
        request.url_prefix,
        request.origin_ids,
        request.url_rewriter,
    )


def delete_endpoint(engine: sa.Engine, account_id: str, endpoint_id: str) -> bool:
    with write_transaction(engine) as conn:
        deleted = conn.execute(
            url_endpoints.delete().where(
                url_endpoints.c.account_id == account_id, url_endpoints.c.id == endpoint_id
            )
        ).rowcount
    return bool(deleted)


def _check_origins(conn: sa.Connection, account_id: str, origin_ids: tuple[str, ...]) -> None:
    rows = conn.execute(
        sa.select(origins.c.id, origins.c.type).where(
            origins.c.account_id == account_id, origins.c.id.in_(origin_ids)
        )
    ).all()
    types = {row.id: row.type for row in rows}
    missing = [origin_id for origin_id in origin_ids if origin_id not in types]
    if missing:
        raise BadRequest(f"Unknown origin id(s): {', '.join(missing)}.", reason="INVALID_PARAMETER")
    if WEB_PROXY in types.values() and len(origin_ids) > 1:
        raise BadRequest(
            "A WEB_PROXY origin must be the only origin of its URL endpoint.",
            reason="INVALID_PARAMETER",
        )


def _check_prefix_free(
    conn: sa.Connection, account_id: str, url_prefix: str, endpoint_id: str | None
) -> None:
    query = sa.select(url_endpoints.c.id).where(
        url_endpoints.c.account_id == account_id, url_endpoints.c.url_prefix == url_prefix
    )
    owner = conn.execute(query).scalar_one_or_none()
    if owner is not None and owner != endpoint_id:
        raise Conflict(
            f"Another URL endpoint already uses the urlPrefix {url_prefix!r}.",
            reason="URL_PREFIX_TAKEN",
        )
