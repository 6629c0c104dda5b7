"""Where ``serve`` last listened, so that ``keys`` prints the URLs of the running server.

``serve --port 9000`` (or ``IMAGEKIT_PORT``/``IMAGEKIT_PUBLIC_URL``) changes the public URL; a
later ``keys`` in another shell has neither the flag nor the variable, so ``serve`` records its
public URL in the data directory and ``keys`` uses it unless the host, port or public URL is
given explicitly (docs/cli.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from imagekit_server.settings import Settings

FILE_NAME = "served-url"
ADDRESS_VARIABLES = ("IMAGEKIT_HOST", "IMAGEKIT_PORT", "IMAGEKIT_PUBLIC_URL")


def record(settings: Settings) -> None:
    path = settings.data_dir / FILE_NAME
    temporary = path.with_suffix(".tmp")
    temporary.write_text(settings.public_url + "\n")
    temporary.replace(path)


def recorded(data_dir: Path) -> str | None:
    try:
        text = (data_dir / FILE_NAME).read_text().strip()
    except OSError:
        return None
    return text if text.startswith(("http://", "https://")) else None


def for_keys(
    settings: Settings, *, explicit: bool, env: Mapping[str, str] | None = None
) -> Settings:
    """``settings`` with the public URL ``serve`` recorded, unless an address was configured."""
    env = os.environ if env is None else env
    if explicit or any(env.get(name) for name in ADDRESS_VARIABLES):
        return settings
    url = recorded(settings.data_dir)
    return settings if url is None else settings.with_changes(public_url=url)
