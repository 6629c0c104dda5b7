"""Which URL endpoint a delivery request names: ``/<account>/<urlPrefix>/...``.

Each process keeps an account's endpoints (with their origins) for
``Settings.delivery_lookup_ttl_seconds``, so routing costs a dictionary lookup; writes to the
origin and endpoint tables through this process's engine forget them at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from imagekit_server.context import ServerContext
from imagekit_server.origins import records
from imagekit_server.origins.endpoint_models import UrlEndpoint
from imagekit_server.origins.models import WEB_PROXY, Origin
from imagekit_server.renditions.hot_cache import TtlMemo, invalidate_on_writes


@dataclass(frozen=True)
class Route:
    endpoint: UrlEndpoint
    origins: list[Origin]  # in the endpoint's order

    @property
    def is_web_proxy(self) -> bool:
        return any(origin.type == WEB_PROXY for origin in self.origins)


RouteTable = dict[str, Route]  # url prefix -> route


@dataclass
class _RouteTables:
    """The per-context memo of each account's URL-endpoint routes."""

    memo: TtlMemo[str, RouteTable]


def _memo(context: ServerContext) -> TtlMemo[str, RouteTable]:
    found = context.components.get(_RouteTables)  # every delivery request: no method call
    tables = found if found is not None else context.component(_RouteTables, _route_tables, context)
    return tables.memo


def _route_tables(context: ServerContext) -> _RouteTables:
    memo = TtlMemo[str, RouteTable](context.settings.delivery_lookup_ttl_seconds)
    invalidate_on_writes(context.engine, ("origins", "url_endpoints"), memo.clear)
    return _RouteTables(memo)


def load_routes(context: ServerContext, account_id: str) -> RouteTable:
    """The account's endpoints besides the default one (blocking)."""
    origins = {origin.id: origin for origin in records.list_origins(context.engine, account_id)}
    table: RouteTable = {}
    for endpoint in records.list_endpoints(context.engine, account_id):
        if endpoint.is_default:
            continue
        listed = [origins[i] for i in endpoint.origin_ids if i in origins]
        table[endpoint.url_prefix] = Route(endpoint, listed)
    return table


async def route_table(context: ServerContext, account_id: str) -> RouteTable:
    """The account's URL endpoints with origins by URL prefix (memoised; usually empty)."""
    memo = _memo(context)
    found, table = memo.get(account_id)
    if found and table is not None:  # fresh: no loader or coroutine made
        return table
    return await memo.get_or_load(account_id, functools.partial(load_routes, context, account_id))
