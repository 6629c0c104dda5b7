"""One table of queries and the assets they select, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from imagekit_server.db import tables
from imagekit_server.search import compile_search
from tests.server.search.sample_library import (
    ALL_FILE_NAMES,
    FIELD_TYPES,
    NOW,
    SampleLibrary,
    file_id,
)

PNGS = {"blue-shirt.png", "Blue-Shirt.png", "logo.png"}
INVOICES = {"invoice-2026-01.pdf", "invoice-2026-02.pdf"}
PHOTOS = {"photo_100%.jpg", "photoA100.jpg"}
FOLDERS = {
    "folder:/animals", "folder:/archive", "folder:/brand", "folder:/docs",
    "folder:/docs/invoices", "folder:/docs/invoices/2026", "folder:/marketing",
    "folder:/marketing/landing", "folder:/misc", "folder:/prod_cts", "folder:/products",
    "folder:/products/dresses", "folder:/products/shirts",
}  # fmt: skip


def everything_but(*names: str) -> set[str]:
    return set(ALL_FILE_NAMES - set(names))


CASES: list[tuple[str, set[str]]] = [
    # name: exact and prefix are case-sensitive; LIKE wildcards in values are literal
    ('name = "red-dress.jpg"', {"red-dress.jpg"}),
    ('name = "blue-shirt.png"', {"blue-shirt.png"}),
    ('name : "blue-"', {"blue-shirt.png"}),
    ('name : "Blue"', {"Blue-Shirt.png"}),
    ('name : "photo_"', {"photo_100%.jpg"}),
    ('name:"photo_100%"', {"photo_100%.jpg"}),
    ('name IN ["logo.svg", "logo.png"]', {"logo.svg", "logo.png"}),
    ('name NOT = "draft.jpg"', everything_but("draft.jpg")),
    ("name NOT IN ['logo.svg', 'logo.png', 'draft.jpg']",
     everything_but("logo.svg", "logo.png", "draft.jpg")),
    # HAS: case-insensitive words, the last one a prefix
    ('name HAS "blue shirt"', {"blue-shirt.png", "Blue-Shirt.png"}),
    ('name HAS "summer sa"', {"summer_sale_banner.webp"}),
    ('name HAS "invoice 2026 0"', INVOICES),
    ('name HAS "SHI"', {"blue-shirt.png", "Blue-Shirt.png"}),
    ('name HAS "irt"', set()),
    # tags: user tags or AI tag names
    ('tags IN ["summer"]', {"red-dress.jpg", "blue-shirt.png"}),
    ('tags IN ["Sale"]', {"summer_sale_banner.webp"}),
    ('tags IN ["sale", "hero"]', {"red-dress.jpg", "hero.avif"}),
    ('tags IN ["Cat"]', {"cat.gif"}),
    ('tags NOT IN ["finance", "archive"]', everything_but(*INVOICES, "Blue-Shirt.png")),
    ("tags EXISTS", everything_but("logo.svg", *PHOTOS, "odd.jpg")),
    ("tags NOT EXISTS", {"logo.svg", *PHOTOS, "odd.jpg"}),
    ('tags HAS "fin"', INVOICES),
    ("tags IN []", set()),
    # path: "=" the folder itself, ":" the folder and its sub-folders
    ('path = "/products"', {"draft.jpg"}),
    ('path : "/products/"', {"red-dress.jpg", "blue-shirt.png", "draft.jpg"}),
    ('path : "/prod_cts"', {"odd.jpg"}),
    ('path = "/"', {"logo.svg"}),
    ('path : "/"', set(ALL_FILE_NAMES)),
    ('path : "/docs/invoices"', INVOICES),
    ('path IN ["/misc", "brand/"]', {*PHOTOS, "logo.png"}),
    ('path NOT = "/misc"', everything_but(*PHOTOS)),
    # format and booleans
    ('format = "png"', PNGS),
    ("format = 'PNG'", PNGS),
    ('format IN ["svg", "gif"]', {"logo.svg", "cat.gif"}),
    ("private = true", {"logo.svg", *INVOICES}),
    ("published = FALSE", {"logo.png", "draft.jpg"}),
    ("transparency = true", {"blue-shirt.png", "Blue-Shirt.png", "logo.svg", "logo.png"}),
    ("transparency NOT = true", everything_but("blue-shirt.png", "Blue-Shirt.png", "logo.svg",
                                               "logo.png")),
    # dimensions (PDFs have none and match no comparison)
    ("width >= 800", {"red-dress.jpg", "summer_sale_banner.webp", "hero.avif"}),
    ("height < 100", {"draft.jpg", "odd.jpg"}),
    ("width NOT = 400", everything_but("blue-shirt.png", "Blue-Shirt.png", *INVOICES)),
    ("width IN [100, 512]", {"logo.svg", "logo.png"}),
    # numbers beyond or between the integers a column holds
    ("width > 1e12", set()),
    ("width < 1e12", everything_but(*INVOICES)),
    ("width = 400.5", set()),
    ("width > 399.5 AND width < 400.5", {"blue-shirt.png", "Blue-Shirt.png"}),
    ("width >= 799.01 AND width <= 800.99", {"red-dress.jpg"}),
    ("width NOT IN [400.5, 1e20]", everything_but(*INVOICES)),
    ("width IN [1e12, 100, -3]", {"logo.svg"}),
    ("height <= -5", set()),
    ("size < 100000000000000000000000 AND size >= 0", set(ALL_FILE_NAMES)),
    ("size = 9223372036854775807", set()),
    # sizes with units (powers of 1024)
    ('size > "1mb"', {*INVOICES, "cat.gif"}),
    ('size >= "1.5MB"', {*INVOICES, "cat.gif"}),
    ("size <= '50kb'", {"blue-shirt.png", "logo.svg", "logo.png", "draft.jpg", *PHOTOS,
                        "odd.jpg"}),
    ("size <= 1024", {"odd.jpg"}),
    ("size < 1024", set()),
    # dates: relative times count back from now; ISO dates are UTC
    ('createdAt > "3d"', {"red-dress.jpg", "summer_sale_banner.webp", "odd.jpg"}),
    ("createdAt >= 3d", {"red-dress.jpg", "summer_sale_banner.webp", "odd.jpg", *PHOTOS}),
    ("createdAt < 1y", {"draft.jpg"}),
    ('createdAt > 2w AND createdAt < "4d"', {"blue-shirt.png"}),
    ('createdAt < "3m"', {"logo.svg", "logo.png", *INVOICES, "draft.jpg", "hero.avif"}),
    ('createdAt > "36h" AND createdAt < "3h"', {"odd.jpg", "summer_sale_banner.webp"}),
    ('createdAt = "2026-01-15"', {"hero.avif"}),
    ("createdAt = 2026-01-15T00:00:00", {"hero.avif"}),
    ('createdAt = "2026-01-15T01:00:00+01:00"', {"hero.avif"}),
    ('createdAt >= "2026-01-15" AND createdAt < "2026-01-16"', {"hero.avif"}),
    ('createdAt IN ["2026-01-15", "1999-01-01"]', {"hero.avif"}),
    ('updatedAt > "12h"', {"red-dress.jpg", "summer_sale_banner.webp"}),
    # snake_case aliases of the camelCase fields
    ('created_at = "2026-01-15"', {"hero.avif"}),
    ('CREATED_AT > "3d"', {"red-dress.jpg", "summer_sale_banner.webp", "odd.jpg"}),
    ('updated_at > "12h"', {"red-dress.jpg", "summer_sale_banner.webp"}),
    ('video_duration <= "45sec"', set()),
    ('created_by = "someone@example.com"', set()),
    # custom metadata, by field type
    ('"customMetadata.brand" = "Acme"', {"red-dress.jpg", "logo.png"}),
    ('"customMetadata.brand" : "Acme"', {"red-dress.jpg", "logo.png", "invoice-2026-01.pdf"}),
    ('"customMetadata.brand" HAS "corp"', {"invoice-2026-01.pdf"}),
    ('"customMetadata.brand" NOT = "Acme"', everything_but("red-dress.jpg", "logo.png")),
    ('"customMetadata.brand" EXISTS', {"red-dress.jpg", "blue-shirt.png", "logo.png",
                                       "invoice-2026-01.pdf"}),
    ('"customMetadata.stock" >= 10', {"red-dress.jpg", "hero.avif"}),
    ('"customMetadata.stock" < 10', {"blue-shirt.png", "cat.gif"}),
    ('"customMetadata.stock" = 15.5', {"hero.avif"}),
    ('"customMetadata.featured" = true', {"red-dress.jpg"}),
    ('"customMetadata.featured" = false', {"blue-shirt.png", "draft.jpg"}),
    ('"customMetadata.sizes" IN ["XL", 42, false]',
     {"blue-shirt.png", "red-dress.jpg", "summer_sale_banner.webp"}),
    ('"customMetadata.sizes" IN ["M"]', {"red-dress.jpg", "summer_sale_banner.webp"}),
    ('"customMetadata.sizes" NOT IN ["M"]', everything_but("red-dress.jpg",
                                                          "summer_sale_banner.webp")),
    ('"customMetadata.color" = "red"', {"red-dress.jpg"}),
    ('"customMetadata.color" > 2', {"summer_sale_banner.webp"}),
    ('"customMetadata.color" IN ["blue", 3]', {"blue-shirt.png", "summer_sale_banner.webp"}),
    ('"customMetadata.launch" > "2026-04-01"', {"red-dress.jpg"}),
    ('"customMetadata.launch" < 5m', {"invoice-2026-01.pdf"}),
    ('"customMetadata.notes" HAS "summary rep"', {"invoice-2026-01.pdf"}),
    # embedded metadata
    ('"embeddedMetadata.Keywords" IN ["fashion"]', {"red-dress.jpg", "blue-shirt.png"}),
    ('"embeddedMetadata.Keywords" NOT IN ["archive"]', everything_but("cat.gif")),
    ('"embeddedMetadata.Keywords" EXISTS', {"red-dress.jpg", "blue-shirt.png", "cat.gif"}),
    ('"embeddedMetadata.DateTimeOriginal" < "2026-01-01"', {"red-dress.jpg"}),
    ('"embeddedMetadata.DateTimeOriginal" > "30d"', {"cat.gif"}),
    ('"embeddedMetadata.GPSLatitude" > 40', {"cat.gif"}),
    ('"embeddedMetadata.LocationTaken" = "12.97,77.59 10km"', {"red-dress.jpg"}),
    ('"embeddedMetadata.LocationTaken" = "13.0,77.6 5km"', {"red-dress.jpg"}),
    ('"embeddedMetadata.LocationTaken" = "13.1,77.59 5km"', set()),
    ('"embeddedMetadata.LocationTaken" = "49.0,3.0|48.0,2.0"', {"cat.gif"}),
    ('"embeddedMetadata.LocationTaken" = "48,2|48,3|49,3|49,2"', {"cat.gif"}),
    ('"embeddedMetadata.LocationTaken" = "10,70|10,80|12,80|12,70"', set()),
    # fields this server has no data for match nothing
    ('videoDuration <= "45sec"', set()),
    ('createdBy = "someone@example.com"', set()),
    # connectives: AND binds tighter than OR; parentheses override; keywords any case
    ('(width >= 800 AND size <= "500kb") OR (tags IN ["hero", "landing"])',
     {"red-dress.jpg", "hero.avif"}),
    ('updatedAt > "12h" AND name : "summer"', {"summer_sale_banner.webp"}),
    ("createdAt >= '5d' OR format='gif'", {"red-dress.jpg", "summer_sale_banner.webp", *PHOTOS,
                                          "odd.jpg", "cat.gif"}),
    ('format = "gif" OR format = "png" AND private = true', {"cat.gif"}),
    ('(format = "gif" OR format = "png") AND transparency = true', PNGS - {"cat.gif"}),
    ('format = "jpg" AND published = false OR name = "cat.gif"', {"draft.jpg", "cat.gif"}),
    ('format = "gif" or tags in ["hero"]', {"cat.gif", "hero.avif"}),
    ('((format = "gif"))', {"cat.gif"}),
    ("(" * 32 + 'format = "gif" OR name = "(((("' + ")" * 32, {"cat.gif"}),
    # OR-ed tag and metadata conditions (merged into one IN over a UNION)
    ('tags IN ["Cat"] OR "customMetadata.brand" = "Zenith" OR name = "odd.jpg"',
     {"cat.gif", "blue-shirt.png", "odd.jpg"}),
    ('tags IN ["hero"] OR "embeddedMetadata.Keywords" IN ["pets"]', {"hero.avif", "cat.gif"}),
    ('"customMetadata.stock" > 100 OR tags IN ["nothing"]', set()),
    ('tags IN ["summer"] OR tags NOT IN ["finance", "summer"]', everything_but(*INVOICES)),
    ('format = "png" AND (tags IN ["brand"] OR "customMetadata.sizes" IN ["XL"])',
     {"logo.png", "blue-shirt.png"}),
    # type selects folders and old file versions too
    ('type = "folder" AND name = "dresses"', {"folder:/products/dresses"}),
    ('type IN ["folder", "file"] AND name : "logo"', {"logo.svg", "logo.png"}),
    ('type IN ["folder", "file"] AND path = "/products"',
     {"draft.jpg", "folder:/products/dresses", "folder:/products/shirts"}),
    ('type = "file-version"', {"version:red-dress.jpg#1"}),
    ('type = "file-version" AND size < "150kb"', {"version:red-dress.jpg#1"}),
    ('type = "file-version" AND size > "150kb"', set()),
    ('type = "file-version" AND path = "/products/dresses"', {"version:red-dress.jpg#1"}),
    ('type = "file-version" AND path = "/products"', set()),
    ('type NOT = "file"', FOLDERS | {"version:red-dress.jpg#1"}),
    ('type = "folder" AND path : "/docs"', {"folder:/docs/invoices", "folder:/docs/invoices/2026"}),
    ('type = "folder" AND createdAt > "2d"', {"folder:/marketing/landing"}),
    ('type = "folder" AND tags IN ["summer"]', set()),
    ('type = "folder" AND name HAS "invo"', {"folder:/docs/invoices"}),
    ('type = "folder" OR name = "cat.gif"', FOLDERS | {"cat.gif"}),
    ('type IN ["file", "folder"] AND (tags IN ["hero"] OR "customMetadata.brand" = "Zenith")',
     {"hero.avif", "blue-shirt.png"}),
]  # fmt: skip


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[query for query, _ in CASES])
def test_query_selects_expected_assets(
    library: SampleLibrary, query: str, expected: set[str]
) -> None:
    plan = compile_search(query, account_id=library.account_id, field_types=FIELD_TYPES, now=NOW)
    assert library.names(plan) == expected


@pytest.mark.parametrize(("index", "name"), [(1, "red-dress.jpg"), (9, "cat.gif")])
def test_id_selects_the_file(library: SampleLibrary, index: int, name: str) -> None:
    identifier = file_id(library.account_id, index)
    for query in (f'id = "{identifier}"', f'id IN ["{identifier}", "nope"]'):
        plan = compile_search(
            query, account_id=library.account_id, field_types=FIELD_TYPES, now=NOW
        )
        assert library.names(plan) == {name}
    plan = compile_search(
        f'id NOT = "{identifier}"', account_id=library.account_id, field_types=FIELD_TYPES, now=NOW
    )
    assert library.names(plan) == ALL_FILE_NAMES - {name}


def test_other_accounts_files_are_never_selected(library: SampleLibrary) -> None:
    plan = compile_search(
        'type IN ["file", "folder", "file-version"] AND name : ""',
        account_id="another-account",
        field_types=FIELD_TYPES,
        now=NOW,
    )
    assert library.names(plan) == set()


def test_version_paths_treat_like_wildcards_literally(fresh_library: SampleLibrary) -> None:
    """An old version of odd.jpg, stored one folder below /prod_cts ("_" is a LIKE wildcard)."""
    odd = fresh_library.file_ids["odd.jpg"]
    with fresh_library.engine.begin() as conn:
        conn.execute(
            sa.insert(tables.file_versions).values(
                id=odd[:-4] + "beef", file_id=odd, account_id=fresh_library.account_id, number=5,
                name="odd.jpg", file_path="/prod_cts/deeper/odd.jpg", blob_key="old-odd",
                file_type="image", format="jpg", mime="image/jpeg", size=10, width=1, height=1,
                has_alpha=False, etag="old", attributes={}, created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
    expectations = {
        'type = "file-version" AND path = "/prod_cts"': set(),
        'type = "file-version" AND path = "/prod_cts/deeper"': {"version:odd.jpg#5"},
        'type = "file-version" AND path : "/prod_cts"': {"version:odd.jpg#5"},
        'type = "file-version" AND path NOT = "/prod_cts"': {
            "version:odd.jpg#5",
            "version:red-dress.jpg#1",
        },
    }
    for query, expected in expectations.items():
        plan = compile_search(
            query, account_id=fresh_library.account_id, field_types=FIELD_TYPES, now=NOW
        )
        assert fresh_library.names(plan) == expected, query
