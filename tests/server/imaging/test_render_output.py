"""Formats, quality, metadata, negotiation, limits and errors of render()."""

from __future__ import annotations

import pytest
import pyvips

from imagekit_server.imaging import (
    Limits,
    OutputDefaults,
    TransformationError,
    negotiate_format,
    parse_transformation,
    render,
)
from tests.server.imaging.sample_images import decode, jpeg, png, quadrants, transparent_square


@pytest.fixture(scope="module")
def source() -> bytes:
    return jpeg(quadrants(400, 300))


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("image/avif,image/webp,*/*", "webp"),
        ("image/webp", "webp"),
        ("*/*", "jpeg"),
        (None, "jpeg"),
        ("image/webp;q=0,image/png", "jpeg"),
    ],
)
def test_negotiation_for_opaque_images(source: bytes, accept: str | None, expected: str) -> None:
    rendered = render(source, parse_transformation("w-100"), accept=accept, limits=Limits())
    assert rendered.format == expected
    assert rendered.vary_accept
    loader = decode(rendered).get("vips-loader")
    assert loader.startswith(expected[:3] if expected != "jpeg" else "jpeg")


def test_negotiate_format_rules() -> None:
    assert negotiate_format("image/webp", "png", True) == "webp"
    assert negotiate_format("text/html", "png", True) == "png"
    assert negotiate_format("image/avif", "jpeg", False, auto_avif=True) == "avif"
    assert negotiate_format("image/avif", "jpeg", False, auto_avif=True, avoid_avif=True) == "jpeg"
    assert negotiate_format("image/webp", "jpeg", False, width=20000) == "jpeg"
    assert negotiate_format("image/webp", "jpeg", False, requested="png") == "png"
    assert negotiate_format(None, "png", False, requested="orig") == "png"
    assert negotiate_format("image/webp", "jpeg", False, requested="gif") == "webp"
    with pytest.raises(TransformationError):
        negotiate_format(None, "jpeg", False, requested="webp", width=20000)


@pytest.mark.parametrize("fmt", ["jpg", "png", "webp", "avif"])
def test_explicit_formats(source: bytes, fmt: str) -> None:
    rendered = render(source, parse_transformation(f"w-120,f-{fmt}"), accept=None, limits=Limits())
    assert not rendered.vary_accept
    image = decode(rendered)
    assert image.width == 120
    assert rendered.content_type == f"image/{'jpeg' if fmt == 'jpg' else fmt}"
    assert abs(image(10, 10)[0] - 255) < 20 and image(10, 10)[2] < 30


def test_transparent_result_negotiates_png_without_webp(source: bytes) -> None:
    rendered = render(
        png(transparent_square()), parse_transformation("w-100"), accept=None, limits=Limits()
    )
    assert rendered.format == "png"
    assert decode(rendered)(0, 0)[3] == 0


def test_quality_changes_the_encoding(source: bytes) -> None:
    noisy = jpeg(pyvips.Image.gaussnoise(300, 300).cast("uchar").colourspace("srgb"))
    low = render(noisy, parse_transformation("q-10,f-jpg"), accept=None, limits=Limits())
    high = render(noisy, parse_transformation("q-95,f-jpg"), accept=None, limits=Limits())
    assert len(low.data) < len(high.data)
    assert decode(low).width == 300


def test_progressive_jpeg(source: bytes) -> None:
    rendered = render(
        source, parse_transformation("w-300,f-jpg,pr-true"), accept=None, limits=Limits()
    )
    assert decode(rendered).get("interlaced") == 1


def _with_exif(image: pyvips.Image) -> bytes:
    image = image.copy()
    image.set_type(pyvips.GValue.gstr_type, "exif-ifd0-Artist", "tester")
    return bytes(image.jpegsave_buffer(keep="all"))


def test_metadata_is_stripped_by_default_and_kept_with_md(source: bytes) -> None:
    tagged = _with_exif(quadrants(200, 150))
    stripped = decode(render(tagged, parse_transformation("f-jpg"), accept=None, limits=Limits()))
    kept = decode(
        render(tagged, parse_transformation("f-jpg,md-true"), accept=None, limits=Limits())
    )
    assert stripped.get_typeof("exif-data") == 0
    assert kept.get_typeof("exif-data") != 0


def test_exif_orientation_is_applied() -> None:
    image = quadrants(400, 200).copy()
    image.set_type(pyvips.GValue.gint_type, "orientation", 6)
    data = bytes(image.jpegsave_buffer(keep="all"))
    rendered = render(data, parse_transformation("w-100"), accept=None, limits=Limits())
    decoded = decode(rendered)
    assert (decoded.width, decoded.height) == (100, 200)


def test_orig_returns_the_source_bytes(source: bytes) -> None:
    rendered = render(
        source, parse_transformation("orig-true,w-10"), accept="image/webp", limits=Limits()
    )
    assert rendered.data == source and rendered.content_type == "image/jpeg"


def test_source_pixel_limit_is_checked_from_the_header(source: bytes) -> None:
    with pytest.raises(TransformationError) as raised:
        render(
            source, parse_transformation("w-10"), accept=None, limits=Limits(max_source_pixels=1000)
        )
    assert raised.value.code == "ELIMIT" and raised.value.status == 400


def test_output_limit(source: bytes) -> None:
    with pytest.raises(TransformationError) as raised:
        plan = parse_transformation("w-60000,h-60000,c-force")
        render(source, plan, accept=None, limits=Limits())
    assert raised.value.code == "ELIMIT"


def test_processing_deadline(source: bytes) -> None:
    with pytest.raises(TransformationError) as raised:
        render(
            source,
            parse_transformation("w-3000,bl-100:e-contrast"),
            accept=None,
            limits=Limits(max_processing_seconds=0.0),
        )
    assert raised.value.code == "ELIMIT"


def test_svg_refused_unless_allowed() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        b'<rect width="40" height="20" fill="red"/></svg>'
    )
    with pytest.raises(TransformationError) as raised:
        render(svg, parse_transformation("w-10,f-png"), accept=None, limits=Limits())
    assert raised.value.code == "EUNSUPPORTED"
    allowed = render(
        svg, parse_transformation("w-20,f-png"), accept=None, limits=Limits(allow_svg=True)
    )
    assert (allowed.width, allowed.height) == (20, 10)
    untouched = render(
        svg, parse_transformation("w-20"), accept=None, limits=Limits(allow_svg=True)
    )
    assert untouched.data == svg


def test_garbage_source_is_a_client_error() -> None:
    with pytest.raises(TransformationError) as raised:
        render(b"not an image", parse_transformation("w-10"), accept=None, limits=Limits())
    assert raised.value.status == 400


def test_unresolved_named_transformation(source: bytes) -> None:
    plan = parse_transformation("n-small")
    with pytest.raises(TransformationError):
        render(source, plan, accept=None, limits=Limits())
    rendered = render(
        source, plan, accept=None, limits=Limits(), resolve_named={"small": "w-50"}.__getitem__
    )
    assert rendered.width == 50


def _animated_gif(frames: int = 4) -> bytes:
    colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]
    images = [
        (pyvips.Image.black(80, 60) + colours[i % 4]).cast("uchar").copy(interpretation="srgb")
        for i in range(frames)
    ]
    stacked = pyvips.Image.arrayjoin(images, across=1).copy()
    stacked.set_type(pyvips.GValue.gint_type, "page-height", 60)
    stacked.set_type(pyvips.GValue.array_int_type, "delay", [120] * frames)
    return bytes(stacked.gifsave_buffer())


@pytest.mark.parametrize(("accept", "expected"), [("image/webp", "webp"), (None, "gif")])
def test_animation_is_kept_and_resized_per_frame(accept: str | None, expected: str) -> None:
    rendered = render(
        _animated_gif(), parse_transformation("w-40,h-40"), accept=accept, limits=Limits()
    )
    assert rendered.format == expected and (rendered.width, rendered.height) == (40, 40)
    frames = pyvips.Image.new_from_buffer(rendered.data, "", n=-1)
    assert frames.get("n-pages") == 4 and frames.height == 160
    assert frames(20, 20)[0] > 200 and frames(20, 60)[1] > 200 and frames(20, 100)[2] > 200
    assert list(frames.get("delay")) == [120] * 4


def test_static_format_or_page_takes_one_frame() -> None:
    rendered = render(
        _animated_gif(), parse_transformation("pg-2,f-png"), accept=None, limits=Limits()
    )
    image = decode(rendered)
    assert image.get_typeof("n-pages") == 0 or image.get("n-pages") == 1
    assert image(10, 10)[1] > 200 and image(10, 10)[0] < 30  # the green second frame
    with pytest.raises(TransformationError):
        render(_animated_gif(), parse_transformation("pg-9"), accept=None, limits=Limits())


def test_animation_frames_count_towards_the_pixel_limit() -> None:
    with pytest.raises(TransformationError) as raised:
        render(
            _animated_gif(),
            parse_transformation("w-10"),
            accept=None,
            limits=Limits(max_source_pixels=80 * 60 * 3),
        )
    assert raised.value.code == "ELIMIT"


def test_density_rasterises_vectors_larger() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="40pt" height="20pt">'
        b'<rect width="100%" height="100%" fill="blue"/></svg>'
    )
    limits = Limits(allow_svg=True)
    normal = render(svg, parse_transformation("f-png"), accept=None, limits=limits)
    dense = render(svg, parse_transformation("dn-144,f-png"), accept=None, limits=limits)
    assert dense.width == 2 * normal.width and dense.height == 2 * normal.height


def test_colour_profile_converted_to_srgb_unless_kept() -> None:
    red = pyvips.Image.black(32, 32).new_from_image([255, 0, 0]).copy(interpretation="srgb")
    wide = red.icc_transform("p3", input_profile="srgb", embedded=False)
    data = bytes(wide.jpegsave_buffer(Q=98, keep="all"))
    converted = decode(render(data, parse_transformation("f-png"), accept=None, limits=Limits()))
    assert converted.get_typeof("icc-profile-data") == 0
    assert converted(10, 10)[0] > 250 and converted(10, 10)[1] < 10
    kept = decode(render(data, parse_transformation("f-png,cp-true"), accept=None, limits=Limits()))
    assert kept.get_typeof("icc-profile-data") != 0
    assert kept(10, 10)[1] > 30  # the P3 pixel values are left as they were


def test_processing_deadline_stops_a_running_encode() -> None:
    # One step starts immediately, so only libvips' kill switch can stop this render early.
    plan = parse_transformation("w-4000,h-4000,c-force,bl-80,f-png")
    with pytest.raises(TransformationError) as raised:
        render(
            jpeg(quadrants(300, 200)), plan, accept=None, limits=Limits(max_processing_seconds=0.2)
        )
    assert raised.value.code == "ELIMIT" and "longer than" in raised.value.message


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_lossless_keeps_every_pixel(fmt: str) -> None:
    noise = pyvips.Image.gaussnoise(64, 48, sigma=60).cast("uchar")
    original = noise.bandjoin([noise.flip("horizontal"), noise.flip("vertical")])
    original = original.copy(interpretation="srgb")
    plan = parse_transformation(f"f-{fmt},lo-true")
    decoded = decode(render(png(original), plan, accept=None, limits=Limits()))
    assert (decoded - original).abs().max() == 0
    lossy = decode(
        render(png(original), parse_transformation(f"f-{fmt},q-30"), accept=None, limits=Limits())
    )
    assert (lossy - original).abs().max() > 0


def test_smallest_strategy_picks_the_smaller_encoding() -> None:
    # At q-10, noise encodes smaller as JPEG; flat colours are far smaller as WebP.
    flat = quadrants(400, 300)
    noisy = pyvips.Image.gaussnoise(300, 300, sigma=120).cast("uchar").colourspace("srgb")
    smallest = OutputDefaults(format_strategy="smallest")
    expected = {}
    for name, image in (("flat", flat), ("noisy", noisy)):
        source = png(image)
        sizes = {
            fmt: len(
                render(
                    source, parse_transformation(f"f-{fmt},q-10"), accept=None, limits=Limits()
                ).data
            )
            for fmt in ("webp", "jpg")
        }
        chosen = render(
            source,
            parse_transformation("q-10"),
            accept="image/webp",
            limits=Limits(),
            defaults=smallest,
        )
        assert len(chosen.data) == min(sizes.values()) and chosen.vary_accept
        expected[name] = chosen.format
    assert expected == {"flat": "webp", "noisy": "jpeg"}
