"""``imagekit-server named-transformations create|list|delete`` for the default account (or
``--account``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from imagekit_server.runtime.account_commands import add_account_option, fail, run_for_account
from imagekit_server.settings import Settings

if TYPE_CHECKING:
    from imagekit_server.context import ServerContext


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("named-transformations", help="manage named transformations")
    actions = parser.add_subparsers(dest="named_command", required=True)
    create = actions.add_parser("create", help="create or replace a named transformation")
    create.add_argument("name", help="the name URLs use (tr:n-<name>)")
    create.add_argument("transformation", help="a chain in URL syntax, e.g. w-300,h-200:rt-90")
    listing = actions.add_parser("list", help="list named transformations")
    delete = actions.add_parser("delete", help="delete a named transformation")
    delete.add_argument("name", help="the named transformation to delete")
    add_account_option(create, listing, delete)


def run(settings: Settings, args: argparse.Namespace) -> int:
    # Imported here, as in origins/commands.py: parsers are built for every command.
    from imagekit_server.library import named_transformations as named

    return run_for_account(settings, args, _run, refused=(named.NamedTransformationError,))


def _run(context: ServerContext, account_id: str, args: argparse.Namespace) -> int:
    from imagekit_server.db.engine import read_transaction, write_transaction
    from imagekit_server.library import named_transformations as named

    if args.named_command == "list":
        with read_transaction(context.engine) as conn:
            for item in named.list_all(conn, account_id):
                print(f"{item.name}\t{item.transformation}")
        return 0
    if args.named_command == "delete":
        with write_transaction(context.engine) as conn:
            deleted = named.delete(conn, account_id, args.name)
        return 0 if deleted else fail(f"no named transformation {args.name!r}")
    with write_transaction(context.engine) as conn:
        replaced = named.update(conn, account_id, args.name, args.transformation)
        saved = replaced or named.create(conn, account_id, args.name, args.transformation)
    print(f"{saved.name}\t{saved.transformation}")
    return 0
