#!/usr/bin/env bash
# One prepared device run (bench/device/README.md): unpack wrk, install the carried wheels,
# measure (bench16.py), write everything to $OUT. Hard budget: the whole run ends by BENCH_HARD_S
# (420 s), the Python driver's steps by 25 s before that.
set -u
D="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$D/../.."  # the repository root
export OUT="${OUT:-/tmp/devbench-out}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run_log.txt") 2>&1
T0=$(date +%s)
PY="${PYTHON:-python3}"
X="${DEVBENCH_X:-/tmp/devbench-x}"
echo "== bench/device $(date -u +%FT%TZ) nproc=$(nproc) $(uname -srm) python=$($PY --version 2>&1) ($(command -v $PY))"
grep -m1 'model name' /proc/cpuinfo; grep MemTotal /proc/meminfo; (. /etc/os-release; echo "$PRETTY_NAME")
rm -rf "$X"; mkdir -p "$X/wrk" "$X/ssl" "$X/work"

# --- wrk (Debian bookworm wrk 4.1.0 + libluajit; libssl3 only if the system lacks it)
unpack() {  # $1 deb, $2 dir
  if command -v dpkg >/dev/null; then dpkg -x "$1" "$2"; else
    "$PY" - "$1" "$2" <<'EOF'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
i = 8
while i < len(data):
    name = data[i:i + 16].decode().strip().rstrip("/")
    size = int(data[i + 48:i + 58].decode().strip())
    body = data[i + 60:i + 60 + size]
    if name.startswith("data.tar"):
        tarfile.open(fileobj=io.BytesIO(body)).extractall(sys.argv[2])
    i += 60 + size + (size & 1)
EOF
  fi
}
for f in "$D"/deb/wrk_*.deb "$D"/deb/libluajit-5.1-2_*.deb; do unpack "$f" "$X/wrk"; done
LIBS="$X/wrk/usr/lib/x86_64-linux-gnu"
if LD_LIBRARY_PATH="$LIBS" ldd "$X/wrk/usr/bin/wrk" | grep -q "not found"; then
  unpack "$D"/deb/libssl3_*.deb "$X/ssl"; LIBS="$LIBS:$X/ssl/usr/lib/x86_64-linux-gnu"
fi
printf '#!/bin/sh\nLD_LIBRARY_PATH="%s" exec "%s" "$@"\n' "$LIBS" "$X/wrk/usr/bin/wrk" > "$X/wrk.sh"
chmod +x "$X/wrk.sh"
LD_LIBRARY_PATH="$LIBS" ldd "$X/wrk/usr/bin/wrk"
export LOADGEN=wrk WRK="$X/wrk.sh"
if ! "$WRK" -v 2>&1 | grep -q "^wrk .*4\.1"; then
  echo "!! wrk does not run here: falling back to bench/device/pyload.py"; "$WRK" -v 2>&1 | head -3
  export LOADGEN=py
fi

# --- wheels: ours into $X/site, thumbor (its own Pillow 12.3.0) into $X/site-th
t=$(date +%s)
PIP_CONFIG_FILE=/dev/null "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --disable-pip-version-check \
  --target "$X/site" "$D"/whl/*.whl || { echo "!! pip install (ours) failed"; exit 3; }
PIP_CONFIG_FILE=/dev/null "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --disable-pip-version-check \
  --target "$X/site-th" "$D"/whl-th/*.whl || { echo "!! pip install (thumbor) failed: thumbor dropped"; rm -rf "$X/site-th"; }
echo "wheels installed in $(( $(date +%s) - t )) s"
export SITE="$X/site" SITE_TH="$X/site-th" DEVBENCH_WORK="$X/work"
[ -d "$SITE_TH" ] || SITE_TH=""
# byte-compile once (as an installed package would be) so 16 workers do not all compile at start
"$PY" -m compileall -q -j 0 "$SITE" src >/dev/null 2>&1
[ -n "$SITE_TH" ] && "$PY" -m compileall -q -j 0 "$SITE_TH" >/dev/null 2>&1
echo "setup done at $(( $(date +%s) - T0 )) s"

# --- measure (driver budget: steps must end by BENCH_END_S; SIGTERM at BENCH_HARD_S)
HARD=${BENCH_HARD_S:-420}
LEFT=$(( HARD - ($(date +%s) - T0) ))
export BENCH_END_S=$(( LEFT - 25 ))
PYTHONUNBUFFERED=1 timeout -s TERM -k 15 "$LEFT" "$PY" "$D/bench16.py"
rc=$?
echo "bench16.py exit $rc at $(( $(date +%s) - T0 )) s"
tail -n 150 "$OUT/ours_server.log" > "$OUT/ours_server_tail.log" 2>/dev/null; rm -f "$OUT/ours_server.log"
tail -n 100 "$OUT/thumbor_server.log" > "$OUT/thumbor_server_tail.log" 2>/dev/null; rm -f "$OUT/thumbor_server.log"
ls -la "$OUT"
exit $rc
