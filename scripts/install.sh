#!/usr/bin/env bash
# Install imagekit-selfhosted into a virtualenv: the one install script that `make` (and so CI,
# through .ci/run) and the container image (deploy/Dockerfile) both run.
#
#   scripts/install.sh VENV [EXTRAS]        e.g. scripts/install.sh .venv server,async,dev
#
# Every third-party package comes from requirements.lock, pinned with hashes (`make lock`
# refreshes it); the project itself is installed without dependencies on top. PYTHON picks the
# interpreter that creates the virtualenv (default python3); EDITABLE=0 installs a copy of the
# sources instead of an editable link (the image). libvips comes from the pyvips-binary wheel:
# no system package is needed.
set -euo pipefail

venv="${1:?usage: scripts/install.sh VENV [EXTRAS]}"
extras="${2:-server,async,dev}"
python="${PYTHON:-python3}"
editable="${EDITABLE:-1}"
lock=requirements.lock

cd "$(dirname "$0")/.."
"$python" scripts/lock_digest.py --check
test -x "$venv/bin/python" || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q --require-hashes -r "$lock"
# On a host with libvips headers pip builds pyvips' own _libvips module against the host's
# libvips, under the file name of pyvips-binary's: put the bundled one back, last.
pinned="$(mktemp)"
trap 'rm -f "$pinned"' EXIT
awk '/^pyvips-binary==/{p=1; print; next} p && /^ /{print; next} {p=0}' "$lock" > "$pinned"
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps --require-hashes -r "$pinned"
if [ "$editable" = 1 ]; then
    "$venv/bin/python" -m pip install -q --no-deps -e ".[$extras]"
else
    "$venv/bin/python" -m pip install -q --no-deps --no-cache-dir ".[$extras]"
fi
# Fails here, not at the first request, if the libvips wheel does not load on this platform.
"$venv/bin/python" -c "import pyvips; pyvips.Image.black(1, 1)"
