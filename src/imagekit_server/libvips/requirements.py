"""Does the loaded libvips have everything the server passes to it?

The server calls loaders and savers with options that appeared in libvips 8.15 (``revalidate``
so a reused path is never answered from libvips' cache, ``keep`` to choose which metadata an
output keeps). An older libvips refuses every such call, and the server would then answer every
upload and render with an error. ``check_libvips`` asks libvips itself (introspection, no image
decoded) and ``serve`` refuses to start with a message saying what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from imagekit_server.libvips.binding import bundled_module, loaded_module_path, module_is_bundled

# operation -> optional arguments the server passes (inspection/decoding.py, imaging/encode.py).
REQUIRED_OPTIONS: dict[str, tuple[str, ...]] = {
    "jpegload": ("revalidate", "fail_on", "shrink", "access"),
    "pngload": ("revalidate", "fail_on"),
    "webpload": ("revalidate", "fail_on", "scale", "n"),
    "gifload": ("revalidate", "fail_on", "n"),
    "tiffload": ("revalidate", "fail_on", "page"),
    "jpegsave_buffer": ("keep", "Q"),
    "pngsave_buffer": ("keep", "palette", "compression", "effort"),
    "webpsave_buffer": ("keep", "Q", "lossless", "effort"),
    "gifsave_buffer": ("keep",),
    "heifsave_buffer": ("keep", "Q", "compression"),
}

FIX = (
    "The server needs the libvips that pyvips-binary bundles (8.15 or newer). If pip built "
    "pyvips against this host's libvips (libvips-dev installed), its module replaced "
    "pyvips-binary's: run `make install` again (it reinstalls pyvips-binary last), or "
    "`pip install --force-reinstall --no-deps 'pyvips-binary'`; without pyvips-binary, install "
    "it with `pip install 'pyvips[binary]'` or give the host libvips 8.15 or newer."
)


class LibvipsUnsupported(RuntimeError):
    """The loaded libvips cannot run this server; the message says what to do."""


@dataclass(frozen=True)
class LibvipsInfo:
    version: str  # e.g. "8.18.7"
    source: str  # "pyvips-binary", "host build (<path>)" or "host library (ABI mode)"
    missing: tuple[str, ...]  # "operation(option)" the server needs but libvips lacks

    def describe(self) -> str:
        return f"libvips {self.version} ({self.source})"


def libvips_info() -> LibvipsInfo:
    """Imports pyvips (loading libvips) and introspects the operations listed above."""
    import pyvips

    version = ".".join(str(pyvips.version(part)) for part in range(3))
    return LibvipsInfo(version, _source(), tuple(_missing(pyvips)))


def check_libvips() -> LibvipsInfo:
    """The loaded libvips, or ``LibvipsUnsupported`` naming what it lacks and the fix."""
    info = libvips_info()
    if info.missing:
        raise LibvipsUnsupported(
            f"{info.describe()} lacks what this server needs: {', '.join(info.missing)}. {FIX}"
        )
    return info


def _source() -> str:
    loaded = loaded_module_path()
    if loaded is None:
        return "host library, pyvips in ABI mode"
    if module_is_bundled(loaded):
        return "pyvips-binary"
    if bundled_module() is not None:
        return f"host build that replaced pyvips-binary's module, {loaded}"
    return f"host build, {loaded}"


def _missing(pyvips: object) -> list[str]:
    introspect = pyvips.Introspect  # type: ignore[attr-defined]
    missing: list[str] = []
    for operation, options in REQUIRED_OPTIONS.items():
        try:
            known = set(introspect.get(operation).details)
        except pyvips.Error:  # type: ignore[attr-defined]
            missing.append(f"{operation} (no such operation)")
            continue
        missing += [f"{operation}({option})" for option in options if option not in known]
    return missing
