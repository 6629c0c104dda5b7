"""``imagekit-server webhooks create|list|delete|deliveries|retry|secret`` for the default account
(or ``--account``); docs/webhooks.md, "CLI"."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from imagekit_server.errors import ApiError
from imagekit_server.runtime.account_commands import add_account_option, fail, run_for_account
from imagekit_server.settings import Settings

if TYPE_CHECKING:
    from imagekit_server.context import ServerContext


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("webhooks", help="manage webhook endpoints and deliveries")
    actions = parser.add_subparsers(dest="webhooks_command", required=True)
    create = actions.add_parser("create", help="create an endpoint (prints its secret)")
    create.add_argument("url", help="the HTTPS or HTTP URL that receives the events")
    create.add_argument(
        "--event",
        action="append",
        dest="events",
        help="an event type to send (repeat it; default: every event)",
    )
    create.add_argument("--description", default="", help="a note for operators")
    create.add_argument("--disabled", action="store_true", help="create it disabled")
    listing = actions.add_parser("list", help="list endpoints")
    delete = actions.add_parser("delete", help="delete an endpoint")
    delete.add_argument("endpoint_id", help="the id `list` shows")
    deliveries = actions.add_parser("deliveries", help="list deliveries, newest first")
    deliveries.add_argument(
        "--status", choices=("pending", "delivered", "failed"), help="only deliveries in this state"
    )
    deliveries.add_argument("--limit", type=int, default=50, help="how many to show (50)")
    retry = actions.add_parser("retry", help="send a failed delivery again")
    retry.add_argument("delivery_id", help="the id `deliveries` shows")
    secret = actions.add_parser("secret", help="show the secret signing webhookUrl deliveries")
    add_account_option(create, listing, delete, deliveries, retry, secret)


def run(settings: Settings, args: argparse.Namespace) -> int:
    return run_for_account(settings, args, _run, refused=(ApiError,))


def _run(context: ServerContext, account_id: str, args: argparse.Namespace) -> int:
    # Imported here: the parser is built by every command, the database layer only here.
    from imagekit_server.webhooks import endpoints, outbox

    engine = context.engine
    command = args.webhooks_command
    if command == "list":
        for endpoint in endpoints.list_endpoints(engine, account_id):
            print(f"{endpoint.id}\t{json.dumps(endpoint.public_json())}")
    elif command == "delete":
        if not endpoints.delete_endpoint(engine, account_id, args.endpoint_id):
            return fail(f"no webhook endpoint {args.endpoint_id!r}")
    elif command == "deliveries":
        for delivery in outbox.list_deliveries(
            engine, account_id, status=args.status, limit=args.limit
        ):
            print(
                f"{delivery['id']}\t{delivery['status']}\t{delivery['eventType']}\t"
                f"{delivery['url']}\tattempts={delivery['attempts']}\t"
                f"{delivery['lastError'] or ''}"
            )
    elif command == "retry":
        if outbox.retry_failed(engine, account_id, args.delivery_id) is None:
            return fail(f"no failed delivery {args.delivery_id!r}")
    elif command == "secret":
        print(endpoints.request_url_secret(engine, account_id))
    else:
        body = {"url": args.url, "events": args.events, "description": args.description}
        body["enabled"] = not args.disabled
        endpoint = endpoints.create_endpoint(
            engine, account_id, endpoints.parse_endpoint_request(body)
        )
        print(f"{endpoint.id}\t{json.dumps(endpoint.public_json(with_secret=True))}")
    return 0
