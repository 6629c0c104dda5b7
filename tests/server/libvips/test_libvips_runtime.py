"""The server runs on pyvips-binary's libvips, knows what it needs from it, and never blames
a file for a call its libvips cannot make (tests/install: a host with libvips-dev)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyvips

from imagekit_server.inspection import decoding
from imagekit_server.inspection.errors import InspectionError
from imagekit_server.inspection.probe import probe_file
from imagekit_server.libvips.binding import bundled_module, loaded_module_path, module_is_bundled
from imagekit_server.libvips.errors import is_server_fault
from imagekit_server.libvips.requirements import REQUIRED_OPTIONS, check_libvips


def _jpeg(path: Path) -> Path:
    pyvips.Image.black(16, 8).write_to_file(str(path))
    return path


def test_pyvips_is_bound_to_the_bundled_libvips() -> None:
    bundled = bundled_module()
    assert bundled is not None and bundled[0].name.startswith("_libvips.")
    assert loaded_module_path() == str(bundled[0])
    assert module_is_bundled(str(bundled[0]))


def test_the_loaded_libvips_has_every_option_the_server_passes() -> None:
    info = check_libvips()
    assert info.missing == ()
    assert info.source == "pyvips-binary"
    assert info.version == f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"
    assert info.describe().startswith(f"libvips {info.version} ")
    assert "jpegload" in REQUIRED_OPTIONS and "keep" in REQUIRED_OPTIONS["pngsave_buffer"]


def test_binding_errors_are_the_servers_fault_and_damaged_data_is_not(tmp_path: Path) -> None:
    path = _jpeg(tmp_path / "ok.jpg")
    with pytest.raises(pyvips.Error) as unknown_option:
        pyvips.Image.jpegload(str(path), option_from_the_future=True)
    assert is_server_fault(unknown_option.value)
    with pytest.raises(pyvips.Error) as unknown_operation:
        pyvips.Operation.call("operation_from_the_future", 1)
    assert is_server_fault(unknown_operation.value)
    damaged = tmp_path / "damaged.jpg"
    damaged.write_bytes(path.read_bytes()[:40])
    with pytest.raises(pyvips.Error) as truncated:
        pyvips.Image.jpegload(str(damaged), fail_on="error").avg()
    assert not is_server_fault(truncated.value)


def test_probe_lets_a_libvips_that_cannot_make_the_call_escape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an older libvips did to every upload: its refusal of an option is not reported
    as a corrupt file (the upload answers 500 and the log has the cause)."""
    path = _jpeg(tmp_path / "ok.jpg")
    real_load = decoding._load
    monkeypatch.setattr(
        decoding, "_load", lambda p, f, **o: real_load(p, f, option_from_the_future=True, **o)
    )
    with pytest.raises(pyvips.Error, match="does not support optional argument"):
        probe_file(path, "ok.jpg", max_pixels=10**8)
    damaged = tmp_path / "damaged.jpg"
    damaged.write_bytes(path.read_bytes()[:40])
    monkeypatch.undo()
    with pytest.raises(InspectionError, match="corrupt"):
        probe_file(damaged, "damaged.jpg", max_pixels=10**8)
