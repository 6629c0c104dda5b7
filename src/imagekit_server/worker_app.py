"""The ASGI app factory that ``imagekit-server serve --workers N`` gives uvicorn.

Each worker process builds its own settings from the environment (the CLI exports its options
as ``IMAGEKIT_*`` variables first) and opens its own context in the app's lifespan.
"""

from __future__ import annotations

from fastapi import FastAPI

from imagekit_server.app import create_app
from imagekit_server.memory_tuning import limit_malloc_arenas
from imagekit_server.settings import Settings


def create_worker_app() -> FastAPI:
    limit_malloc_arenas()
    return create_app(Settings.from_env())
