"""``python -m imagekit_server.cli``: the same command as ``imagekit-server``."""

from imagekit_server.cli.commands import main

raise SystemExit(main())
