"""``imagekit-server``: serve, migrate, keys, accounts, fsck, import and the resource commands.

Every command and subcommand says what it does in ``--help`` (tests/server/test_cli.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from imagekit_server.cli import account_security as account_security_cli
from imagekit_server.cli import named_transformations as named_transformations_cli
from imagekit_server.importing import cli as import_cli
from imagekit_server.origins import commands as origins_commands
from imagekit_server.settings import Settings, SettingsError
from imagekit_server.version import package_version
from imagekit_server.webhooks import commands as webhooks_commands

if TYPE_CHECKING:
    from imagekit_server.accounts import Account
    from imagekit_server.context import ServerContext


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imagekit-server", description="A self-hostable ImageKit-compatible media server."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="data directory (default: $IMAGEKIT_DATA_DIR or ./imagekit-data)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default 8000)")
    serve.add_argument(
        "--workers", type=int, help="server processes (default 1, or $IMAGEKIT_WORKERS)"
    )
    serve.add_argument("--data-dir", type=Path, dest="sub_data_dir", help=argparse.SUPPRESS)
    commands.add_parser("migrate", help="apply database migrations")
    keys = commands.add_parser(
        "keys",
        help="print an account's keys and URLs as environment variables",
        description="Print an account's keys, URL endpoint and API base URLs as shell variables "
        '(set -a; eval "$(imagekit-server keys)"). The URLs are those of the running server: '
        "the address `serve` last listened on, unless --host/--port or IMAGEKIT_HOST, "
        "IMAGEKIT_PORT or IMAGEKIT_PUBLIC_URL say otherwise.",
    )
    keys.add_argument("--account", help="account id (default: the default account)")
    keys.add_argument("--host", help="host of the server's URLs")
    keys.add_argument("--port", type=int, help="port of the server's URLs")
    accounts = commands.add_parser("accounts", help="manage accounts")
    account_commands = accounts.add_subparsers(dest="accounts_command", required=True)
    create = account_commands.add_parser("create", help="create an account")
    create.add_argument("account_id", help="the new account's id (its URL endpoint's path)")
    create.add_argument("--public-key", help="public key (default: generated)")
    create.add_argument("--private-key", help="private key (default: generated)")
    account_commands.add_parser("list", help="list accounts")
    account_security_cli.add_parser(account_commands)
    fsck = commands.add_parser("fsck", help="check database and blob store consistency")
    fsck.add_argument("--repair", action="store_true", help="delete orphans, resolve intents")
    named_transformations_cli.add_parser(commands)
    origins_commands.add_parser(commands)
    import_cli.add_parser(commands)
    webhooks_commands.add_parser(commands)
    _describe_subcommands(parser)
    return parser


def _describe_subcommands(parser: argparse.ArgumentParser) -> None:
    """A subcommand's own ``--help`` opens with the line its parent lists it with."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help for choice in action._choices_actions}
        for name, sub in action.choices.items():
            if sub.description is None and helps.get(name):
                sub.description = f"{str(helps[name])[0].upper()}{str(helps[name])[1:]}."
            _describe_subcommands(sub)


def _settings(args: argparse.Namespace) -> Settings:
    data_dir = getattr(args, "sub_data_dir", None) or args.data_dir
    return Settings.from_env(
        data_dir=data_dir,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        workers=getattr(args, "workers", None),
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except SettingsError as exc:
        print(f"imagekit-server: {exc}", file=sys.stderr)
        return 2
    handlers = {
        "serve": _serve,
        "migrate": _migrate,
        "keys": _keys,
        "accounts": _accounts,
        "fsck": _fsck,
        "named-transformations": named_transformations_cli.run,
        "origins": origins_commands.run,
        "import": import_cli.run,
        "webhooks": webhooks_commands.run,
    }
    return handlers[args.command](settings, args)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from imagekit_server.runtime.stop_signals import stopping_on_signals

    with stopping_on_signals():  # SIGTERM/SIGINT: clean up as after any other stop
        if settings.workers > 1:
            return _serve_workers(settings)
        return _serve_until_stopped(settings)
    return 0


def _prepare_serving(settings: Settings) -> tuple[int, Settings, ServerContext | None]:
    """Check libvips, migrate, open the context and say what is served: (exit code, settings
    for the serving processes, the open context; None when the code is not 0)."""
    from imagekit_server.cli import served_address
    from imagekit_server.context import open_context
    from imagekit_server.libvips.requirements import LibvipsUnsupported, check_libvips

    try:
        libvips = check_libvips()
    except LibvipsUnsupported as exc:
        print(f"imagekit-server: cannot serve: {exc}", file=sys.stderr, flush=True)
        return 3, settings, None
    print(f"imagekit-server: {libvips.describe()}", flush=True)
    settings = _migrate_before_serving(settings)
    context = open_context(settings)
    served_address.record(settings)
    account = context.default_account
    state = "created" if context.default_account_created else "existing"
    print(f"imagekit-server: account {account.id!r} ({state})", flush=True)
    print(f"  public key:   {account.public_key}", flush=True)
    print(f"  URL endpoint: {settings.url_endpoint(account.id)}", flush=True)
    print("  private key:  run `imagekit-server keys` to show it", flush=True)
    return 0, settings, context


def _serve_until_stopped(settings: Settings) -> int:
    code, settings, context = _prepare_serving(settings)
    if context is None:
        return code
    from imagekit_server.app import create_app
    from imagekit_server.cli import http_server
    from imagekit_server.observability.logs import configure_logging
    from imagekit_server.runtime.memory_tuning import limit_malloc_arenas

    configure_logging(settings.log_level, settings.log_format)
    limit_malloc_arenas()
    try:
        http_server.serve(create_app(settings, context), settings.host, settings.port)
    finally:
        context.close()
    return 0


def _prepare_in_child(settings: Settings) -> None:
    code, _, context = _prepare_serving(settings)
    if context is not None:
        context.close()
    sys.exit(code)


def _migrate_before_serving(settings: Settings) -> Settings:
    """Migrations run in a short-lived child so that serving processes never import alembic;
    the returned settings tell them (and ``--workers`` children) not to migrate again."""
    if not settings.migrate_on_start:
        return settings
    from imagekit_server.db.migration_process import upgrade_in_child_process

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_in_child_process(settings.database_url)
    return settings.with_changes(migrate_on_start=False)


def _serve_workers(settings: Settings) -> int:
    """N processes, each on its own SO_REUSEPORT socket (see cli/workers.py); their metrics meet
    in PROMETHEUS_MULTIPROC_DIR (observability/metrics.py), set before any worker starts.

    The supervisor only forks and watches: the start-up checks, migrations and the account run
    in a short-lived child, so it never imports libvips, SQLAlchemy or the app (about 50 MB it
    would hold for the server's lifetime; bench/server_memory.py)."""
    import multiprocessing
    import os

    from imagekit_server.cli.workers import run_workers

    preparation = multiprocessing.get_context("fork").Process(
        target=_prepare_in_child, args=(settings,), name="imagekit-prepare"
    )
    preparation.start()
    preparation.join()
    if preparation.exitcode:
        return preparation.exitcode if preparation.exitcode > 0 else 1
    if settings.migrate_on_start:
        settings = settings.with_changes(migrate_on_start=False)  # the child migrated
    if settings.metrics:
        # prometheus_client picks its multi-process mode when imported, and forked workers
        # inherit the supervisor's import: the variable must be set before it.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(settings.data_dir / "metrics")
        from imagekit_server.observability.metrics import MULTIPROC_ENV, prepare_multiprocess_dir

        os.environ[MULTIPROC_ENV] = str(prepare_multiprocess_dir(settings.data_dir))
    return run_workers(settings)


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from imagekit_server.db.engine import create_engine
    from imagekit_server.db.migrate import current_revision, upgrade_to_head

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    upgrade_to_head(engine)
    print(f"database at revision {current_revision(engine)}")
    engine.dispose()
    return 0


def _print_account_env(settings: Settings, account: Account) -> None:
    """The account as environment variables (``set -a; eval "$(imagekit-server keys)"``); the
    API base URLs are the ones our SDK reads, so SDK code needs no change to use this server."""
    print(f"IMAGEKIT_ID={account.id}")
    print(f"IMAGEKIT_PUBLIC_KEY={account.public_key}")
    print(f"IMAGEKIT_PRIVATE_KEY={account.private_key}")
    print(f"IMAGEKIT_URL_ENDPOINT={settings.url_endpoint(account.id)}")
    print(f"IMAGEKIT_API_BASE_URL={settings.public_url}")
    print(f"IMAGEKIT_UPLOAD_BASE_URL={settings.public_url}")


def _keys(settings: Settings, args: argparse.Namespace) -> int:
    from imagekit_server.cli import served_address
    from imagekit_server.context import open_context

    explicit = args.host is not None or args.port is not None
    settings = served_address.for_keys(settings, explicit=explicit)
    context = open_context(settings)
    try:
        account = context.default_account
        if args.account is not None:
            found = context.accounts.by_id(args.account)
            if found is None:
                print(f"imagekit-server: no account {args.account!r}", file=sys.stderr)
                return 1
            account = found
        _print_account_env(settings, account)
    finally:
        context.close()
    return 0


def _accounts(settings: Settings, args: argparse.Namespace) -> int:
    from imagekit_server.accounts import AccountExists, create_account, list_accounts
    from imagekit_server.context import open_context
    from imagekit_server.db.engine import read_transaction, write_transaction

    if args.accounts_command == "update":
        return account_security_cli.run(settings, args)
    context = open_context(settings)
    try:
        if args.accounts_command == "list":
            with read_transaction(context.engine) as conn:
                for account in list_accounts(conn):
                    print(f"{account.id}\t{account.public_key}")
            return 0
        try:
            with write_transaction(context.engine) as conn:
                account = create_account(
                    conn,
                    args.account_id,
                    public_key=args.public_key,
                    private_key=args.private_key,
                )
        except (AccountExists, ValueError) as exc:
            print(f"imagekit-server: {exc}", file=sys.stderr)
            return 1
        _print_account_env(settings, account)
        return 0
    finally:
        context.close()


def _fsck(settings: Settings, args: argparse.Namespace) -> int:
    from imagekit_server.context import open_context
    from imagekit_server.files.fsck import check, repair

    context = open_context(settings)
    try:
        report = check(context)
        for line in report.lines():
            print(line)
        if report.clean:
            print("fsck: no problems found")
            return 0
        if args.repair:
            repair(context, report)
            print("fsck: repaired")
            return 0
        return 1
    finally:
        context.close()
