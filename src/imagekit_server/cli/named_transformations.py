"""``imagekit-server named-transformations create|list|delete`` for the default account (or
``--account``)."""

from __future__ import annotations

import argparse
import sys

from imagekit_server.settings import Settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("named-transformations", help="manage named transformations")
    actions = parser.add_subparsers(dest="named_command", required=True)
    create = actions.add_parser("create", help="create or replace a named transformation")
    create.add_argument("name", help="the name URLs use (tr:n-<name>)")
    create.add_argument("transformation", help="a chain in URL syntax, e.g. w-300,h-200:rt-90")
    listing = actions.add_parser("list", help="list named transformations")
    delete = actions.add_parser("delete", help="delete a named transformation")
    delete.add_argument("name", help="the named transformation to delete")
    for sub in (create, listing, delete):
        sub.add_argument("--account", help="account id (default: the default account)")


def run(settings: Settings, args: argparse.Namespace) -> int:
    # Imported here, as in origins/commands.py: parsers are built for every command.
    from imagekit_server.context import open_context
    from imagekit_server.db.engine import read_transaction, write_transaction
    from imagekit_server.library import named_transformations as named

    context = open_context(settings)
    account_id = args.account or context.default_account.id
    try:
        if context.accounts.by_id(account_id) is None:
            print(f"imagekit-server: no account {account_id!r}", file=sys.stderr)
            return 1
        if args.named_command == "list":
            with read_transaction(context.engine) as conn:
                for item in named.list_all(conn, account_id):
                    print(f"{item.name}\t{item.transformation}")
            return 0
        if args.named_command == "delete":
            with write_transaction(context.engine) as conn:
                deleted = named.delete(conn, account_id, args.name)
            if not deleted:
                print(f"imagekit-server: no named transformation {args.name!r}", file=sys.stderr)
                return 1
            return 0
        with write_transaction(context.engine) as conn:
            replaced = named.update(conn, account_id, args.name, args.transformation)
            saved = replaced or named.create(conn, account_id, args.name, args.transformation)
        print(f"{saved.name}\t{saved.transformation}")
        return 0
    except named.NamedTransformationError as error:
        print(f"imagekit-server: {error}", file=sys.stderr)
        return 1
    finally:
        context.close()
