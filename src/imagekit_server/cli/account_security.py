"""``imagekit-server accounts update <id> [--require-signed-urls on|off]
[--restrict-unnamed-transformations on|off]``: an account's delivery security settings
(delivery/access_policy.py). Without options it shows them. Running servers apply a change
within their account cache's TTL (IMAGEKIT_LOOKUP_TTL)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from imagekit_server.settings import Settings

SWITCHES = {
    "require_signed_urls": "--require-signed-urls",
    "restrict_unnamed_transformations": "--restrict-unnamed-transformations",
}


def add_parser(account_commands: Any) -> None:
    update = account_commands.add_parser(
        "update", help="show or change an account's delivery security settings"
    )
    update.add_argument("account_id", help="the account to change")
    for key, flag in SWITCHES.items():
        update.add_argument(
            flag, dest=key, choices=("on", "off"), help=f"{key.replace('_', ' ')} (on|off)"
        )


def run(settings: Settings, args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from imagekit_server.accounts import utc_now
    from imagekit_server.context import open_context
    from imagekit_server.db.engine import write_transaction
    from imagekit_server.db.tables import accounts

    changes = {key: getattr(args, key) == "on" for key in SWITCHES if getattr(args, key)}
    context = open_context(settings)
    try:
        with write_transaction(context.engine) as conn:
            row = conn.execute(
                sa.select(accounts.c.settings).where(accounts.c.id == args.account_id)
            ).first()
            if row is None:
                print(f"imagekit-server: no account {args.account_id!r}", file=sys.stderr)
                return 1
            current = {**(row.settings or {}), **changes}
            if changes:
                conn.execute(
                    accounts.update()
                    .where(accounts.c.id == args.account_id)
                    .values(settings=current, updated_at=utc_now())
                )
    finally:
        context.close()
    for key in SWITCHES:
        print(f"{key}={'on' if current.get(key) else 'off'}")
    return 0
