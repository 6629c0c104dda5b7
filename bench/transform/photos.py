"""Real photographs from Debian wallpaper packages, fetched into ``bench/.data/`` on first use."""

from __future__ import annotations

import subprocess
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / ".data"
PACKAGES = ("lomiri-wallpapers-20.04", "mate-backgrounds")
# name -> path inside the extracted packages
PHOTOS = {
    "20MP": "usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg",  # 6028x3391 JPEG
    "2.3MP": "usr/share/backgrounds/mate/nature/Blinds.jpg",  # 1920x1200 JPEG
}


def photos() -> dict[str, Path]:
    """The benchmark photographs, downloading and unpacking the packages if needed."""
    extracted = DATA / "extracted"
    if not all((extracted / path).exists() for path in PHOTOS.values()):
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run(["apt-get", "download", *PACKAGES], cwd=DATA, check=True)
        for package in sorted(DATA.glob("*.deb")):
            subprocess.run(["dpkg", "-x", str(package), str(extracted)], check=True)
    return {name: extracted / path for name, path in PHOTOS.items()}


def progressive_photos() -> dict[str, Path]:
    """The same photographs re-encoded as progressive JPEGs (Pillow's libjpeg-turbo, Q 90,
    4:2:0, its default scan script): both Debian files are baseline, while many photos on the
    web are progressive, whose 1/8-scale decode the server prunes (imaging/jpeg_scans.py)."""
    from PIL import Image

    copies = {}
    for name, path in photos().items():
        copy = DATA / "progressive" / f"{path.stem}-progressive.jpg"
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            with Image.open(path) as picture:
                picture.save(copy, quality=90, progressive=True, exif=picture.info.get("exif", b""))
        copies[f"{name}p"] = copy
    return copies
