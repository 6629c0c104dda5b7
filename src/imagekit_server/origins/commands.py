"""``imagekit-server origins create|list|delete`` for the default account (or ``--account``).

``create`` takes the same fields as the API; the secret key may come from the environment
(``IMAGEKIT_ORIGIN_SECRET_KEY``) so it stays out of the process list. Nothing secret is printed.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING, Any

from imagekit_server.errors import ApiError
from imagekit_server.origins.models import SUPPORTED_TYPES, UNSUPPORTED_TYPES, parse_origin_request
from imagekit_server.origins.self_reference import refuse_self_reference
from imagekit_server.runtime.account_commands import add_account_option, fail, run_for_account
from imagekit_server.settings import Settings

if TYPE_CHECKING:
    from imagekit_server.context import ServerContext

SECRET_KEY_VARIABLE = "IMAGEKIT_ORIGIN_SECRET_KEY"
# option -> (API field, help)
_FIELDS = {
    "bucket": ("bucket", "S3 bucket name"),
    "prefix": ("prefix", "key prefix inside the bucket"),
    "access_key": ("accessKey", "S3 access key id"),
    "secret_key": ("secretKey", f"S3 secret key (default: ${SECRET_KEY_VARIABLE})"),
    "endpoint": ("endpoint", "S3_COMPATIBLE endpoint URL"),
    "base_url": ("baseUrl", "WEB_FOLDER base URL"),
}


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("origins", help="manage origins (S3 buckets, web servers)")
    actions = parser.add_subparsers(dest="origins_command", required=True)
    create = actions.add_parser("create", help="create an origin")
    create.add_argument("type", choices=SUPPORTED_TYPES + UNSUPPORTED_TYPES, help="origin type")
    create.add_argument("name", help="a name for the origin")
    for option, (_, help_text) in _FIELDS.items():
        create.add_argument(f"--{option.replace('_', '-')}", help=help_text)
    create.add_argument(
        "--s3-force-path-style", action="store_true", help="path-style S3 URLs (S3_COMPATIBLE)"
    )
    listing = actions.add_parser("list", help="list origins (secrets are never shown)")
    delete = actions.add_parser("delete", help="delete an origin")
    delete.add_argument("origin_id", help="the id `origins list` shows")
    add_account_option(create, listing, delete)


def _request_body(args: argparse.Namespace) -> dict[str, Any]:
    body: dict[str, Any] = {"type": args.type, "name": args.name}
    for option, (field, _) in _FIELDS.items():
        value = getattr(args, option)
        if value is not None:
            body[field] = value
    if "secretKey" not in body and os.environ.get(SECRET_KEY_VARIABLE):
        body["secretKey"] = os.environ[SECRET_KEY_VARIABLE]
    if args.s3_force_path_style:
        body["s3ForcePathStyle"] = True
    return body


def run(settings: Settings, args: argparse.Namespace) -> int:
    return run_for_account(settings, args, _run, refused=(ApiError,))


def _run(context: ServerContext, account_id: str, args: argparse.Namespace) -> int:
    # Imported here: every `imagekit-server` command (and the `serve --workers` supervisor)
    # imports this module for its parser, and only this command needs the database layer.
    from imagekit_server.origins import records

    if args.origins_command == "list":
        for origin in records.list_origins(context.engine, account_id):
            print(f"{origin.id}\t{origin.type}\t{json.dumps(origin.public_json())}")
        return 0
    if args.origins_command == "delete":
        if not records.delete_origin(context.engine, account_id, args.origin_id):
            return fail(f"no origin {args.origin_id!r}")
        return 0
    origin_request = parse_origin_request(_request_body(args))
    refuse_self_reference(origin_request, context.settings)
    origin = records.create_origin(context.engine, account_id, origin_request)
    print(f"{origin.id}\t{origin.type}\t{json.dumps(origin.public_json())}")
    return 0
