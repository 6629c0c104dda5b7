#!/usr/bin/env bash
# Install imagekit-selfhosted into a virtualenv: the one install script that `make` (and so CI,
# through .ci/run) and the container image (deploy/Dockerfile) both run.
#
#   scripts/install.sh VENV [EXTRAS]        e.g. scripts/install.sh .venv server,async,dev
#
# PYTHON picks the interpreter that creates the virtualenv (default python3); EDITABLE=0
# installs a copy of the sources instead of an editable link (the image). libvips comes from
# the pyvips-binary wheel (the `pyvips[binary]` dependency): no system package is needed.
set -euo pipefail

venv="${1:?usage: scripts/install.sh VENV [EXTRAS]}"
extras="${2:-server,async,dev}"
python="${PYTHON:-python3}"
editable="${EDITABLE:-1}"

cd "$(dirname "$0")/.."
test -x "$venv/bin/python" || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
if [ "$editable" = 1 ]; then
    "$venv/bin/python" -m pip install -q -e ".[$extras]"
else
    "$venv/bin/python" -m pip install -q --no-cache-dir ".[$extras]"
fi
# Fails here, not at the first request, if the libvips wheel does not load on this platform.
"$venv/bin/python" -c "import pyvips; pyvips.Image.black(1, 1)"
