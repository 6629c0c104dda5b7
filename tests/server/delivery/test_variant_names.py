"""Variant names decide the derived blobs' names: output settings equal to ImageKit's defaults
must name variants as before those settings existed (no re-render after an upgrade), and
changed settings must name new ones. A cache hit tells the two apart by identity only, so the
server's defaults object must be ImageKit's very own when equal."""

from __future__ import annotations

from pathlib import Path

from imagekit_server.imaging import OutputDefaults, parse_transformation
from imagekit_server.imaging.encode import IMAGEKIT_DEFAULTS
from imagekit_server.renditions.chain import Chain
from imagekit_server.renditions.hot_cache import DeliveryCaches, output_defaults
from imagekit_server.renditions.variants import choose_variant
from imagekit_server.settings import Settings

CHAIN = Chain.of(parse_transformation("w-100"))
ACCEPT = {"accept": "image/avif,image/webp,*/*"}


def test_default_settings_are_imagekits_defaults_object(tmp_path: Path) -> None:
    assert output_defaults(Settings(data_dir=tmp_path)) is IMAGEKIT_DEFAULTS
    assert DeliveryCaches(memory_bytes=1 << 20).output is IMAGEKIT_DEFAULTS
    name = choose_variant(CHAIN, ACCEPT, IMAGEKIT_DEFAULTS).name
    assert name.count("|") == 2 and "q=" not in name


def test_changed_settings_name_new_variants(tmp_path: Path) -> None:
    changed = output_defaults(Settings(data_dir=tmp_path, default_quality=70))
    assert changed == OutputDefaults(quality=70)
    name = choose_variant(CHAIN, ACCEPT, changed).name
    assert "|q=70," in name
    assert name.startswith(choose_variant(CHAIN, ACCEPT, IMAGEKIT_DEFAULTS).name + "|")


def test_a_variant_is_made_once_per_accept_class_and_settings(tmp_path: Path) -> None:
    webp = {"accept": "image/webp,*/*"}
    first = choose_variant(CHAIN, webp, IMAGEKIT_DEFAULTS)
    assert choose_variant(CHAIN, {"accept": "image/webp,image/png"}, IMAGEKIT_DEFAULTS) is first
    assert first.vary == "Accept"
    changed = output_defaults(Settings(data_dir=tmp_path, default_quality=70))
    other = choose_variant(CHAIN, webp, changed)
    assert other is not first and other.defaults is changed and other.name != first.name
    assert choose_variant(CHAIN, webp, IMAGEKIT_DEFAULTS).defaults is IMAGEKIT_DEFAULTS
    fixed = Chain.of(parse_transformation("w-100,f-png"))
    assert choose_variant(fixed, webp, IMAGEKIT_DEFAULTS).vary is None


def test_client_hints_vary_by_their_values() -> None:
    hinted = Chain.of(parse_transformation("w-auto"))
    small = choose_variant(hinted, {"accept": "*/*", "sec-ch-width": "300"}, IMAGEKIT_DEFAULTS)
    large = choose_variant(hinted, {"accept": "*/*", "sec-ch-width": "900"}, IMAGEKIT_DEFAULTS)
    assert small.vary == "Accept, Sec-CH-Width, Sec-CH-DPR"
    assert small.name != large.name
