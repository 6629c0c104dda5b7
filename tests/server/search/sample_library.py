"""A small media library written to a real database, shared by the search tests.

Fourteen files (tags, AI tags, custom and embedded metadata, dates relative to ``NOW``), the
folders holding them, and file versions (one old version of red-dress.jpg). Results are named:
files by name, folders as ``folder:<path>``, versions as ``version:<name>#<number>``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.db import tables
from imagekit_server.search import SearchPlan, reindex_file

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)
KB = 1024
MB = 1024 * 1024

FIELD_TYPES = {
    "brand": "Text",
    "notes": "Textarea",
    "stock": "Number",
    "featured": "Boolean",
    "launch": "Date",
    "sizes": "MultiSelect",
    "color": "SingleSelect",
}


@dataclass(frozen=True)
class SampleFile:
    name: str
    folder: str
    format: str
    size: int
    dimensions: tuple[int, int] | None
    created: datetime
    alpha: bool = False
    private: bool = False
    published: bool = True
    tags: list[str] | None = None
    ai_tags: list[str] | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    embedded: dict[str, Any] | None = None
    updated: datetime | None = None


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


SAMPLE_FILES = [
    SampleFile(
        "red-dress.jpg", "/products/dresses", "jpg", 200 * KB, (800, 1200), ago(days=2),
        tags=["summer", "sale"], ai_tags=["Dress", "Red"],
        custom={"brand": "Acme", "stock": 15, "featured": True, "sizes": ["M", "L", 42],
                "color": "red", "launch": "2026-05-01"},
        embedded={"Keywords": ["fashion", "red"], "DateTimeOriginal": "2025:12:24 10:00:00",
                  "GPSLatitude": 12.97, "GPSLongitude": 77.59},
        updated=ago(hours=1),
    ),
    SampleFile(
        "blue-shirt.png", "/products/shirts", "png", 50 * KB, (400, 400), ago(days=10),
        alpha=True, tags=["summer"], ai_tags=["Shirt"],
        custom={"brand": "Zenith", "stock": 0, "featured": False, "sizes": ["XL"],
                "color": "blue"},
        embedded={"Keywords": ["fashion"]},
    ),
    SampleFile("Blue-Shirt.png", "/archive", "png", 60 * KB, (400, 400), ago(days=40),
               alpha=True, tags=["archive"]),
    SampleFile("logo.svg", "/", "svg", 5 * KB, (100, 100), ago(days=100), alpha=True,
               private=True),
    SampleFile("logo.png", "/brand", "png", 20 * KB, (512, 512), ago(days=100, hours=-1),
               alpha=True, published=False, tags=["brand"], custom={"brand": "Acme"}),
    SampleFile(
        "invoice-2026-01.pdf", "/docs/invoices", "pdf", int(1.5 * MB), None, ago(days=150),
        private=True, tags=["finance"],
        custom={"brand": "Acme Corp", "notes": "Quarterly summary report",
                "launch": "2026-01-10"},
    ),
    SampleFile("invoice-2026-02.pdf", "/docs/invoices/2026", "pdf", 3 * MB, None,
               ago(days=120), private=True, tags=["finance", "archive"]),
    SampleFile("summer_sale_banner.webp", "/marketing", "webp", 800 * KB, (1920, 600),
               ago(hours=5), tags=[], ai_tags=["Banner", "Sale"],
               custom={"color": 3, "sizes": [False, "M"]}),
    SampleFile(
        "cat.gif", "/animals", "gif", 2 * MB, (300, 300), ago(days=20), ai_tags=["Cat", "Animal"],
        custom={"stock": 7},
        embedded={"Keywords": ["archive", "pets"], "GPSLatitude": 48.85, "GPSLongitude": 2.35,
                  "DateTimeOriginal": "2026-06-01T08:30:00.000Z"},
    ),
    SampleFile("draft.jpg", "/products", "jpg", 10 * KB, (10, 10), ago(days=400),
               published=False, tags=["draft"], custom={"featured": False}),
    SampleFile("photo_100%.jpg", "/misc", "jpg", 30 * KB, (640, 480), ago(days=3)),
    SampleFile("photoA100.jpg", "/misc", "jpg", 30 * KB, (640, 480), ago(days=3)),
    SampleFile("odd.jpg", "/prod_cts", "jpg", 1 * KB, (1, 1), ago(days=1)),
    SampleFile("hero.avif", "/marketing/landing", "avif", 120 * KB, (1600, 900),
               datetime(2026, 1, 15, tzinfo=timezone.utc), tags=["hero", "landing"],
               custom={"stock": 15.5}),
]  # fmt: skip

ALL_FILE_NAMES = frozenset(sample.name for sample in SAMPLE_FILES)
RECENT_FOLDER = "/marketing/landing"
OLD_RED_DRESS_SIZE = 100 * KB


@dataclass(frozen=True)
class SampleLibrary:
    """The sample library of one account in one database."""

    engine: sa.Engine
    account_id: str
    file_ids: dict[str, str]

    def names(self, plan: SearchPlan) -> set[str]:
        """Names of every asset the plan selects."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            if plan.file_clause is not None:
                query = sa.select(tables.files.c.name).where(plan.file_clause)
                found |= set(conn.scalars(query))
            if plan.folder_clause is not None:
                query = sa.select(tables.folders.c.path).where(plan.folder_clause)
                found |= {f"folder:{path}" for path in conn.scalars(query)}
            if plan.version_clause is not None:
                versions = tables.file_versions.c
                query = sa.select(versions.name, versions.number).where(plan.version_clause)
                found |= {f"version:{name}#{number}" for name, number in conn.execute(query)}
        return found


def file_id(account_id: str, index: int) -> str:
    return f"{account_id[-12:]}{index:012x}"


def create_library(engine: sa.Engine) -> SampleLibrary:
    """Create the schema if needed and write the sample library under a fresh account."""
    tables.metadata.create_all(engine)
    account_id = secrets.token_hex(6)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(tables.accounts).values(
                id=account_id, public_key=f"public_{account_id}",
                private_key=f"private_{account_id}", settings={}, created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
        ids = {
            sample.name: _insert_file(conn, account_id, index, sample)
            for index, sample in enumerate(SAMPLE_FILES, start=1)
        }
        _insert_folders(conn, account_id)
        _insert_old_version(conn, account_id, ids["red-dress.jpg"])
    return SampleLibrary(engine, account_id, ids)


def add_file(library: SampleLibrary, index: int, sample: SampleFile) -> None:
    """Add one more file (``index`` past the sample files') to the library."""
    with library.engine.begin() as conn:
        library.file_ids[sample.name] = _insert_file(conn, library.account_id, index, sample)


def _insert_file(conn: sa.Connection, account_id: str, index: int, sample: SampleFile) -> str:
    identifier = file_id(account_id, index)
    current_version = identifier if sample.name != "red-dress.jpg" else file_id(account_id, 99)
    width, height = sample.dimensions or (None, None)
    ai_tags = [{"name": name, "confidence": 90, "source": "test"} for name in sample.ai_tags or []]
    content = {
        "blob_key": f"blob-{identifier}", "file_type": "image" if width else "non-image",
        "format": sample.format, "mime": f"image/{sample.format}", "size": sample.size,
        "width": width, "height": height, "has_alpha": sample.alpha, "etag": identifier,
    }  # fmt: skip
    folder = sample.folder.rstrip("/") + "/"
    conn.execute(
        sa.insert(tables.files).values(
            id=identifier, account_id=account_id, folder_path=sample.folder, name=sample.name,
            file_path=folder + sample.name, current_version_id=current_version,
            version_number=2 if current_version != identifier else 1, **content,
            is_private=sample.private, is_published=sample.published, tags=sample.tags,
            ai_tags=ai_tags or None, custom_metadata=sample.custom,
            embedded_metadata=sample.embedded, created_at=sample.created,
            updated_at=sample.updated or sample.created + timedelta(hours=1),
        )
    )  # fmt: skip
    conn.execute(
        sa.insert(tables.file_versions).values(
            id=current_version, file_id=identifier, account_id=account_id,
            number=2 if current_version != identifier else 1, name=sample.name,
            file_path=folder + sample.name, **content, attributes={},
            created_at=sample.created, updated_at=sample.created,
        )
    )  # fmt: skip
    reindex_file(
        conn, account_id=account_id, file_id=identifier, tags=sample.tags, ai_tags=ai_tags,
        custom_metadata=sample.custom, embedded_metadata=sample.embedded,
        field_types=FIELD_TYPES,
    )  # fmt: skip
    return identifier


def _insert_old_version(conn: sa.Connection, account_id: str, identifier: str) -> None:
    conn.execute(
        sa.insert(tables.file_versions).values(
            id=identifier, file_id=identifier, account_id=account_id, number=1,
            name="red-dress.jpg", file_path="/products/dresses/red-dress.jpg",
            blob_key=f"old-{identifier}", file_type="image", format="jpg", mime="image/jpeg",
            size=OLD_RED_DRESS_SIZE, width=400, height=600, has_alpha=False, etag="old",
            attributes={}, created_at=ago(days=30), updated_at=ago(days=30),
        )
    )  # fmt: skip


def _insert_folders(conn: sa.Connection, account_id: str) -> None:
    paths = sorted({sample.folder for sample in SAMPLE_FILES if sample.folder != "/"} | {"/docs"})
    rows = []
    for index, path in enumerate(paths, start=1):
        parent, _, name = path.rpartition("/")
        created = ago(days=1) if path == RECENT_FOLDER else ago(days=500)
        rows.append(
            {
                "id": f"{account_id[-12:]}f{index:011x}", "account_id": account_id,
                "path": path, "parent_path": parent or "/", "name": name,
                "created_at": created, "updated_at": created,
            }
        )  # fmt: skip
    conn.execute(sa.insert(tables.folders), rows)
