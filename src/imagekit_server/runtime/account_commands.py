"""The frame of the ``imagekit-server`` commands that manage an account's records
(``named-transformations``, ``origins``, ``webhooks``): an ``--account`` option on each action,
the server context opened for the run, an unknown account or a refused change reported on stderr
with exit status 1, and the context closed again."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from imagekit_server.settings import Settings

if TYPE_CHECKING:
    from imagekit_server.context import ServerContext

ACCOUNT_HELP = "account id (default: the default account)"


def add_account_option(*actions: argparse.ArgumentParser) -> None:
    for action in actions:
        action.add_argument("--account", help=ACCOUNT_HELP)


def fail(message: str) -> int:
    """Report ``message`` as the command's error; the exit status to return."""
    print(f"imagekit-server: {message}", file=sys.stderr)
    return 1


def run_for_account(
    settings: Settings,
    args: argparse.Namespace,
    command: Callable[[ServerContext, str, argparse.Namespace], int],
    *,
    refused: tuple[type[Exception], ...],
) -> int:
    """``command(context, account_id, args)`` for ``--account`` (or the default account); an
    error of one of the ``refused`` types is reported by its message."""
    # Imported here: every command builds its parser from these modules, and only a command that
    # runs needs the database.
    from imagekit_server.context import open_context

    context = open_context(settings)
    account_id = args.account or context.default_account.id
    try:
        if context.accounts.by_id(account_id) is None:
            return fail(f"no account {account_id!r}")
        return command(context, account_id, args)
    except refused as error:
        return fail(str(error))
    finally:
        context.close()
