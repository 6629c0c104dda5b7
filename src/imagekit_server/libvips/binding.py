"""Which libvips pyvips is bound to, and whether it is the one pyvips-binary bundles.

pyvips reaches libvips through a compiled module, ``_libvips.abi3.so``. pyvips-binary ships one
linked to the libvips it bundles. But pyvips itself is published as a source distribution only,
and when pip builds it on a host with libvips headers (Debian's ``libvips-dev``) the build
compiles its own ``_libvips.abi3.so`` against the host's libvips: the same file name, so
whichever of the two packages pip installs last wins. ``make install`` therefore reinstalls
pyvips-binary last; anyone installing otherwise gets the module state reported here (and
``requirements.check_libvips`` refuses a libvips that cannot run the server).

pyvips-binary's install record holds the sha256 of the module it shipped, so a module that was
overwritten is recognised without loading anything.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from pathlib import Path

MODULE = "_libvips"
DISTRIBUTION = "pyvips-binary"


def bundled_module() -> tuple[Path, str] | None:
    """pyvips-binary's ``_libvips`` module and the sha256 it was shipped with, if installed."""
    import importlib.metadata  # here, not at the top: the CLI starts without it

    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in distribution.files or ():
        if entry.name.startswith(f"{MODULE}.") and entry.hash is not None:
            path = Path(str(distribution.locate_file(entry)))
            return path, entry.hash.value
    return None


def module_is_bundled(path: str) -> bool:
    """Whether the module at ``path`` is the one pyvips-binary installed, byte for byte."""
    bundled = bundled_module()
    if bundled is None or Path(path).resolve() != bundled[0].resolve():
        return False
    digest = hashlib.sha256(Path(path).read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == bundled[1]


def loaded_module_path() -> str | None:
    """The file the loaded ``_libvips`` came from (None: pyvips runs in ABI mode)."""
    module = sys.modules.get(MODULE)
    return getattr(module, "__file__", None) if module is not None else None
