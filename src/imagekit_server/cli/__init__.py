"""The command line, ``imagekit-server`` (docs/cli.md): the parser and the serve, migrate, keys
and fsck commands in ``commands``; the account-security and named-transformation commands
beside it; ``served_address`` remembers where ``serve`` listens so that ``keys`` can print it;
``workers`` is the ``serve --workers`` supervisor. The commands of a feature (import, origins,
webhooks) live in that feature's package."""

from imagekit_server.cli.commands import main

__all__ = ["main"]
