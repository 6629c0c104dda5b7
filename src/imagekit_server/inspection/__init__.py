"""Media inspection: what the server learns from an uploaded or fetched file.

Used by the upload endpoint (type, geometry, refusal of corrupt and oversized images) and by
the metadata endpoints (EXIF, embedded metadata, perceptual hash).
"""

from __future__ import annotations

from imagekit_server.inspection.embedded import read_embedded_metadata
from imagekit_server.inspection.errors import InspectionError
from imagekit_server.inspection.metadata import read_metadata
from imagekit_server.inspection.phash import phash, phash_distance
from imagekit_server.inspection.probe import Probe, probe_file
from imagekit_server.libvips import error_decoding  # noqa: F401  (before any pyvips call)

__all__ = [
    "InspectionError",
    "Probe",
    "phash",
    "phash_distance",
    "probe_file",
    "read_embedded_metadata",
    "read_metadata",
]
