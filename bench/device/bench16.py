#!/usr/bin/env python3
"""One prepared run on the lent 16-core machine (bench/device/run.sh starts it; stdlib only).

Load: wrk on 127.0.0.1 (-t4 -c64, Accept: image/jpeg); the work is `w-400,q-80` JPEG output of a
20 MP (img/big.jpg) and a 2.3 MP (img/mid.jpg) photo. The project is this repository's `src/`.
  1. ours: `imagekit-server serve --workers 16` (SQLite + local disk, default settings, derived
     cache on). Uncached = every request a URL never requested before (a wrk Lua script walks
     copy x w 396..404 x q 70..89 over uploaded copies of the photo), so each request decodes,
     resizes, encodes and stores anew. Cached = one warm URL (`tr:w-400,q-80/mid.jpg`).
  2. thumbor `--processes 16` (file loader, no storage, no result storage), twice: its defaults
     (4:2:0, progressive) and like for like with ours (4:2:0, baseline: PROGRESSIVE_JPEG off).
     Our default output is 4:2:0 baseline with optimised Huffman tables (docs/encoding.md).
  3. the in-process limit at 1, 4, 8 and 16 processes, no HTTP: the project's own calls
     (bench/transform/pyvips_limit.py through ik_limit.py), and at 16 a reference fastshrink.
  4. ours at --workers 1, 4, 8 on both photos: efficiency (img/s(N) / (N x img/s(1))) next to
     the limit's own efficiency over the same process counts, so the machine's scaling loss is
     separated from ours.
Everything started here runs in its own process group and is stopped by that group's id.
Results go to $OUT as they come: results.md, results.json, wrk_raw.txt, server log tails.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

T0 = time.monotonic()
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # the repository
OUT = os.environ.get("OUT") or "/tmp/devbench-out"
WORK = os.environ.get("DEVBENCH_WORK", "/tmp/devbench-work")
SITE = os.environ["SITE"]
SITE_TH = os.environ.get("SITE_TH", "")
LOADGEN = os.environ.get("LOADGEN", "wrk")  # "wrk" or "py" (fallback, pyload.py)
WRK = os.environ.get("WRK", "wrk")
PY = sys.executable
SRC = os.path.join(ROOT, "src")
IMG = {"big": os.path.join(HERE, "img", "big.jpg"), "mid": os.path.join(HERE, "img", "mid.jpg")}
REF_TARGET = os.path.join(HERE, "targets", "pyvips_thumb.py")
IK_LIMIT = os.path.join(HERE, "ik_limit.py")

NCPU = os.cpu_count() or 1
END_S = float(os.environ.get("BENCH_END_S", "380"))  # no step starts that would end later
MAIN_WORKERS = int(os.environ.get("BENCH_WORKERS", "16"))
SCALING = [int(x) for x in os.environ.get("BENCH_SCALING", "1 4 8").split()]
LIMIT_PROCS = [int(x) for x in os.environ.get("BENCH_LIMIT_PROCS", "1 4 8 16").split()]
DUR = int(os.environ.get("BENCH_DUR", "12"))  # ours --workers 16, uncached
TH_DUR = int(os.environ.get("BENCH_TH_DUR", "10"))  # each thumbor variant
SCALE_DUR = int(os.environ.get("BENCH_SCALE_DUR", "10"))
HIT_DUR = int(os.environ.get("BENCH_HIT_DUR", "6"))
LIMIT_DUR = int(os.environ.get("BENCH_LIMIT_DUR", "6"))
WRK_T = int(os.environ.get("BENCH_WRK_T", "4"))
WRK_C = int(os.environ.get("BENCH_WRK_C", "64"))
RATE_GUESS = {"big": float(os.environ.get("BENCH_GUESS_BIG", "900")),
              "mid": float(os.environ.get("BENCH_GUESS_MID", "3000"))}  # img/s upper bounds
ACCOUNT = "bench"
PRIVATE_KEY = "private_devbench_" + uuid.uuid4().hex[:12]
PUBLIC_KEY = "public_devbench_" + uuid.uuid4().hex[:12]
AUTH = "Basic " + base64.b64encode((PRIVATE_KEY + ":").encode()).decode()
Q_LO, N_Q, W_LO, N_W = 70, 20, 396, 9
PER_COPY = N_Q * N_W
CLK = os.sysconf("SC_CLK_TCK")

STARTED: list[subprocess.Popen] = []
ROWS: list[dict] = []
NOTES: list[str] = []
INFO: dict = {}
CHECKS: list[str] = []


# ----------------------------------------------------------------------------- small helpers
def log(*a: object) -> None:
    print("[%6.1f] %s" % (time.monotonic() - T0, " ".join(str(x) for x in a)), flush=True)


def elapsed() -> float:
    return time.monotonic() - T0


def fits(seconds: float) -> bool:
    return elapsed() + seconds <= END_S


def out(name: str) -> str:
    return os.path.join(OUT, name)


def append_raw(title: str, text: str) -> None:
    with open(out("wrk_raw.txt"), "a") as f:
        f.write("=== %s (t=%.1f s)\n%s\n" % (title, elapsed(), text.rstrip()))
        f.write("\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(pid: str) -> list[str] | None:
    try:
        with open("/proc/%s/stat" % pid) as f:
            st = f.read()
    except OSError:
        return None
    return st[st.rindex(")") + 2:].split()


def group_members(pgid: int) -> list[int]:
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            f = proc_stat(d)
            if f and f[0] != "Z" and int(f[2]) == pgid:
                pids.append(int(d))
    return pids


def group_cpu_s(pgid: int) -> float:
    ticks = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            f = proc_stat(d)
            if f and int(f[2]) == pgid:
                ticks += int(f[11]) + int(f[12])
    return ticks / CLK


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    total = sum(v[:8])
    return total - idle, total


def listeners(port: int) -> int | None:
    """Sockets listening on `port` (one per SO_REUSEPORT worker); None if /proc/net/tcp is unreadable."""
    n, hexport, seen = 0, ":%04X" % port, False
    for fn in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(fn) as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        seen = True
        for line in lines:
            p = line.split()
            if len(p) > 3 and p[1].endswith(hexport) and p[3] == "0A":
                n += 1
    return n if seen else None


def start_group(name: str, argv: list[str], env: dict, logpath: str) -> subprocess.Popen:
    log("start", name, ":", " ".join(argv))
    f = open(logpath, "ab")
    p = subprocess.Popen(argv, env=env, stdout=f, stderr=subprocess.STDOUT, cwd=WORK,
                         start_new_session=True)
    f.close()
    STARTED.append(p)
    return p


def stop_group(p: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM our own process group, wait for every member, SIGKILL the group after timeout."""
    if p not in STARTED:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        p.poll()
        if not group_members(p.pid):
            break
        time.sleep(0.2)
    else:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        time.sleep(0.5)
        p.poll()
    STARTED.remove(p)
    log("stopped group", p.pid, "in %.1f s" % (time.monotonic() - t))


def stop_all(*_: object) -> None:
    for p in list(STARTED):
        stop_group(p, timeout=8)


def quiesce(pgid: int, timeout: float = 20.0) -> None:
    """Wait until the server has finished requests still queued when the load stopped."""
    t, last = time.monotonic(), group_cpu_s(pgid)
    while time.monotonic() - t < timeout:
        time.sleep(0.3)
        now = group_cpu_s(pgid)
        if now - last <= 0.02:
            return
        last = now
    log("server still busy after %.0f s; going on" % timeout)


def http_get(port: int, path: str, headers: dict | None = None, timeout: float = 60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        c.close()


def wait_http(port: int, path: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            status, _, _ = http_get(port, path, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("no 200 from %s within %.0f s" % (path, timeout))


def jpeg_info(b: bytes) -> dict | None:
    """width, height and chroma sampling of a JPEG byte string."""
    if b[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 < len(b):
        if b[i] != 0xFF:
            i += 1
            continue
        m = b[i + 1]
        if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7 or m == 0xFF:
            i += 2 if m != 0xFF else 1
            continue
        seg = int.from_bytes(b[i + 2:i + 4], "big")
        if m in (0xC0, 0xC1, 0xC2, 0xC3):
            h = int.from_bytes(b[i + 5:i + 7], "big")
            w = int.from_bytes(b[i + 7:i + 9], "big")
            nc = b[i + 9]
            samp = [b[i + 10 + 3 * k + 1] for k in range(nc)]
            sub = "gray"
            if nc == 3:
                hv = samp[0]
                sub = {0x11: "4:4:4", 0x21: "4:2:2", 0x22: "4:2:0"}.get(hv, hex(hv))
            return {"w": w, "h": h, "sampling": sub, "progressive": m == 0xC2}
        i += 2 + seg
    return None


def verify(label: str, port: int, path: str, want_w: int = 400) -> dict:
    t = time.perf_counter()
    status, hdrs, body = http_get(port, path, {"Accept": "image/jpeg"}, timeout=120)
    ms = (time.perf_counter() - t) * 1000
    info = jpeg_info(body) or {}
    ok = status == 200 and info.get("w") in range(want_w - 4, want_w + 5)
    line = "%s GET %s -> %s %s %d B %s first %.0f ms %s" % (
        label, path, status, hdrs.get("content-type"), len(body), info, ms, "OK" if ok else "BAD")
    log(line)
    CHECKS.append(line)
    if not ok:
        raise RuntimeError("verification failed: " + line)
    return {"bytes": len(body), **info}


# ----------------------------------------------------------------------------- load generator
REPORT_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"err_connect":%d,"err_read":%d,' ..
    '"err_write":%d,"err_status":%d,"err_timeout":%d,"lat_mean_us":%.1f,"lat_p50_us":%d,' ..
    '"lat_p90_us":%d,"lat_p99_us":%d,"lat_max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""

# Every request a URL not used before: index OFFSET + tid + n*NTHREADS of copy x w x q.
CYCLE_LUA = r"""
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter, wraps = 0, 0
  offset, space, nthreads = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  pathfmt = args[4]
  qlo, nq, wlo, nw = tonumber(args[5]), tonumber(args[6]), tonumber(args[7]), tonumber(args[8])
end
function request()
  local idx = offset + tid + counter * nthreads
  counter = counter + 1
  if idx >= space then
    wraps = wraps + 1
    idx = idx % space
  end
  local q = qlo + idx % nq
  local w = wlo + math.floor(idx / nq) % nw
  return wrk.format("GET", string.format(pathfmt, w, q, math.floor(idx / (nq * nw))))
end
""" + REPORT_LUA.replace("done = function(", "report = function(") + r"""
function done(summary, latency, requests)
  report(summary, latency, requests)
  local nxt, w = 0, 0
  for _, t in ipairs(threads) do
    local n = t:get("offset") + t:get("tid") + t:get("counter") * t:get("nthreads")
    if n > nxt then nxt = n end
    w = w + t:get("wraps")
  end
  io.write(string.format('CYCLEJSON {"next_index":%d,"wraps":%d}\n', nxt, w))
end
"""


def lua(name: str, text: str) -> str:
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def load(title: str, port: int, path: str, seconds: int, cycle: dict | None = None,
         close: bool = False, pgid: int | None = None, conns: int = WRK_C,
         threads: int = WRK_T) -> dict:
    """One closed-loop load run; returns the parsed row (raw output goes to wrk_raw.txt)."""
    url = "http://127.0.0.1:%d%s" % (port, path)
    headers = ["-H", "Accept: image/jpeg"] + (["-H", "Connection: close"] if close else [])
    if LOADGEN == "wrk":
        extra: list[str] = []
        if cycle:
            script = lua("cycle.lua", CYCLE_LUA)
            extra = ["--", str(cycle["offset"]), str(cycle["space"]), str(threads), cycle["pathfmt"],
                     str(Q_LO), str(N_Q), str(W_LO), str(N_W)]
        else:
            script = lua("report.lua", REPORT_LUA)
        argv = [WRK, "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds, "--latency", "--timeout",
                "30s"] + headers + ["-s", script, url] + extra
    else:
        argv = [PY, os.path.join(HERE, "pyload.py"), "--threads", str(threads), "--conns",
                str(conns), "--seconds", str(seconds), "--port", str(port), "--path", path,
                "--accept", "image/jpeg"] + (["--close"] if close else [])
        if cycle:
            argv += ["--cycle", json.dumps({**cycle, "qlo": Q_LO, "nq": N_Q, "wlo": W_LO, "nw": N_W})]
    cpu0 = group_cpu_s(pgid) if pgid else None
    m0 = machine_cpu()
    t = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 90)
    wall = time.monotonic() - t
    m1 = machine_cpu()
    cpu1 = group_cpu_s(pgid) if pgid else None
    append_raw(title, "$ " + " ".join(argv) + "\n" + p.stdout + (("\n[stderr]\n" + p.stderr) if p.stderr.strip() else ""))
    d = None
    for line in p.stdout.splitlines():
        if line.startswith("WRKJSON "):
            d = json.loads(line[8:])
        elif line.startswith("CYCLEJSON ") and d is not None:
            d.update(json.loads(line[10:]))
    if d is None:
        raise RuntimeError("load generator failed (rc %s): %s %s" % (p.returncode, p.stdout[-400:], p.stderr[-400:]))
    d["rps"] = d["requests"] / (d["duration_us"] / 1e6)
    d["errors"] = sum(d[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
    d["wall_s"] = round(wall, 1)
    d["machine_busy_pct"] = 100.0 * (m1[0] - m0[0]) / max(1, m1[1] - m0[1])
    if cpu0 is not None and d["requests"]:
        d["server_cpu_ms_per_req"] = (cpu1 - cpu0) * 1000 / d["requests"]
        d["server_cores_busy"] = (cpu1 - cpu0) / (d["duration_us"] / 1e6)
    d["kb_per_resp"] = d["bytes"] / max(1, d["requests"]) / 1024
    log("%s: %.1f req/s p50 %.1f ms p99 %.1f ms errors %d%s machine busy %.0f%%" % (
        title, d["rps"], d["lat_p50_us"] / 1000, d["lat_p99_us"] / 1000, d["errors"],
        (" wraps %d" % d["wraps"]) if "wraps" in d else "", d["machine_busy_pct"]))
    return d


def add_row(system: str, image: str, config: str, d: dict, **extra: object) -> dict:
    row = {"system": system, "image": image, "config": config, **d, **extra}
    ROWS.append(row)
    write_results()
    return row


# ----------------------------------------------------------------------------- our server
class Ours:
    def __init__(self, data_dir: str) -> None:
        self.data_dir = data_dir
        self.copies = {"big": 0, "mid": 0}
        self.next_index = {"big": 0, "mid": 0}
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.workers = 0

    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "PYTHONPATH": SITE + ":" + SRC,
            "IMAGEKIT_ID": ACCOUNT,
            "IMAGEKIT_PUBLIC_KEY": PUBLIC_KEY,
            "IMAGEKIT_PRIVATE_KEY": PRIVATE_KEY,
            "IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8",
            # one render thread per process: the default with --workers > 1, and what makes
            # --workers 1 a one-core baseline (its default would be one thread per core)
            "IMAGEKIT_RENDER_WORKERS": "1",
        })
        return env

    def start(self, workers: int) -> None:
        self.port = free_port()
        self.workers = workers
        argv = [PY, "-m", "imagekit_server.cli", "serve", "--workers", str(workers), "--host",
                "127.0.0.1", "--port", str(self.port), "--data-dir", self.data_dir]
        t = time.monotonic()
        self.proc = start_group("ours-%dw" % workers, argv, self.env(), out("ours_server.log"))
        wait_http(self.port, "/healthz", self.proc)
        if listeners(self.port) is None:
            NOTES.append("/proc/net/tcp unreadable: waited 5 s for all workers instead of counting listeners")
            time.sleep(5)
        while (listeners(self.port) or workers) < workers:
            if time.monotonic() - t > 120:
                raise RuntimeError("only %s of %d workers listen" % (listeners(self.port), workers))
            time.sleep(0.1)
        time.sleep(0.5)
        log("ours --workers %d ready in %.1f s (%d listeners)" % (workers, time.monotonic() - t,
                                                                 listeners(self.port)))

    def stop(self) -> None:
        if self.proc is not None:
            stop_group(self.proc)
            self.proc = None

    def upload(self, data: bytes, name: str, folder: str) -> str:
        b = "----devbench" + uuid.uuid4().hex
        parts = [("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode()
                 for k, v in (("fileName", name), ("useUniqueFileName", "false"), ("folder", folder))]
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                      "Content-Type: image/jpeg\r\n\r\n" % (b, name)).encode() + data + b"\r\n")
        parts.append(("--%s--\r\n" % b).encode())
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            c.request("POST", "/api/v1/files/upload", body=b"".join(parts), headers={
                "Content-Type": "multipart/form-data; boundary=" + b, "Authorization": AUTH})
            r = c.getresponse()
            body = r.read()
        finally:
            c.close()
        if r.status != 200:
            raise RuntimeError("upload %s/%s: %s %s" % (folder, name, r.status, body[:300]))
        return json.loads(body)["filePath"]

    def ensure_space(self, image: str, needed: int) -> None:
        """Upload copies until the uncached URL space holds next_index + needed URLs."""
        want = -(-(self.next_index[image] + needed) // PER_COPY)
        have = self.copies[image]
        if want <= have:
            return
        with open(IMG[image], "rb") as f:
            data = f.read()
        t = time.monotonic()
        names = ["%s-%03d.jpg" % (image, k) for k in range(have, want)]
        with ThreadPoolExecutor(max_workers=16) as ex:
            got = list(ex.map(lambda n: self.upload(data, n, "/perf-u"), names))
        for n, g in zip(names, got):
            if g != "/perf-u/" + n:
                raise RuntimeError("upload answered %r for %r" % (g, n))
        self.copies[image] = want
        log("uploaded %s copies %d..%d in %.1f s (space %d URLs)" % (
            image, have, want - 1, time.monotonic() - t, want * PER_COPY))

    def uncached(self, image: str, seconds: int, rate_guess: float, label: str,
                 warmup: int = 0) -> dict:
        """Uncached load; with `warmup` seconds first (not reported) to size the URL space."""
        if warmup:
            self.ensure_space(image, int(rate_guess * warmup * 1.3) + 500)
            cycle = {"offset": self.next_index[image], "space": self.copies[image] * PER_COPY,
                     "pathfmt": "/%s/tr:w-%%d,q-%%d/perf-u/%s-%%03d.jpg" % (ACCOUNT, image)}
            w = load(label + " warm-up (not reported)", self.port, "/", warmup, cycle=cycle,
                     pgid=self.proc.pid)
            self.next_index[image] = max(self.next_index[image], w.get("next_index", 0))
            quiesce(self.proc.pid)
            rate_guess = w["rps"]
        self.ensure_space(image, int(rate_guess * seconds * 1.3) + 1000)
        cycle = {"offset": self.next_index[image], "space": self.copies[image] * PER_COPY,
                 "pathfmt": "/%s/tr:w-%%d,q-%%d/perf-u/%s-%%03d.jpg" % (ACCOUNT, image)}
        d = load(label, self.port, "/", seconds, cycle=cycle, pgid=self.proc.pid)
        self.next_index[image] = max(self.next_index[image], d.get("next_index", 0))
        quiesce(self.proc.pid)
        return d


# ----------------------------------------------------------------------------- thumbor
def start_thumbor(pool: int, procs: int, progressive: bool = True) -> tuple[subprocess.Popen, int]:
    port = free_port()
    conf = os.path.join(WORK, "thumbor-pool%d-%s.conf" % (pool, progressive))
    with open(conf, "w") as f:
        f.write("\n".join([
            "LOADER = 'thumbor.loaders.file_loader'",
            "FILE_LOADER_ROOT_PATH = %r" % os.path.join(HERE, "img"),
            "STORAGE = 'thumbor.storages.no_storage'",
            "RESULT_STORAGE = 'thumbor.result_storages.no_storage'",
            "QUALITY = 80",
            "PROGRESSIVE_JPEG = %s" % progressive,
            "ENGINE_THREADPOOL_SIZE = %d" % pool,
            "ALLOW_UNSAFE_URL = True",
            "",
        ]))
    env = dict(os.environ, PYTHONPATH=SITE_TH)
    argv = [PY, "-m", "thumbor.server", "-i", "127.0.0.1", "-p", str(port), "-c", conf, "-l",
            "warning", "--processes", str(procs)]
    t = time.monotonic()
    p = start_group("thumbor-%dp-pool%d" % (procs, pool), argv, env, out("thumbor_server.log"))
    wait_http(port, "/healthcheck", p)
    # tornado forks after binding: wait until every child answers (CPU settles)
    deadline = time.monotonic() + 30
    while len(group_members(p.pid)) < procs + 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    log("thumbor %dp pool %d ready in %.1f s (%d processes in group)" % (
        procs, pool, time.monotonic() - t, len(group_members(p.pid))))
    return p, port


# ----------------------------------------------------------------------------- limits
def run_limit(kind: str, image: str, procs: int, seconds: int) -> dict:
    if kind == "ref-fastshrink":
        argv = [PY, REF_TARGET, IMG[image], "400", "80", str(seconds), "-1", "jpeg", "fastshrink"]
        env = dict(os.environ, PYTHONPATH=SITE, VIPS_CONCURRENCY="1")
    else:
        argv = [PY, IK_LIMIT, IMG[image], str(seconds)]
        env = dict(os.environ, PYTHONPATH=SITE + ":" + SRC, VIPS_CONCURRENCY="1")
    m0 = machine_cpu()
    t = time.monotonic()
    ps = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           cwd=WORK) for _ in range(procs)]
    outs = [p.communicate(timeout=seconds + 120) for p in ps]
    wall = time.monotonic() - t
    m1 = machine_cpu()
    bad = [(p.returncode, e[-300:]) for p, (_, e) in zip(ps, outs) if p.returncode != 0]
    if bad:
        raise RuntimeError("%s failed: %s" % (kind, bad[0]))
    if kind == "ref-fastshrink":
        js = [json.loads(o.strip().splitlines()[-1]) for o, _ in outs]
        rate = sum(j["ops_per_s"] for j in js)
        n = sum(j["ops"] for j in js)
        cpu_ms = None
        extra = {"lib": js[0].get("lib"), "out_bytes": js[0].get("out_bytes")}
    else:
        pairs = [o.split() for o, _ in outs]
        n = sum(int(c) for c, _ in pairs)
        cpu = sum(float(x) for _, x in pairs)
        rate = n / seconds
        cpu_ms = cpu * 1000 / max(1, n)
        extra = {}
    append_raw("limit %s %s %d procs" % (kind, image, procs),
               "$ %s\n(x%d, wall %.1f s)\n%s" % (" ".join(argv), procs, wall,
                                                "\n".join(o.strip() for o, _ in outs)))
    d = {"rps": rate, "requests": n, "proc_cpu_ms_per_img": cpu_ms, "wall_s": round(wall, 1),
         "machine_busy_pct": 100.0 * (m1[0] - m0[0]) / max(1, m1[1] - m0[1]), **extra}
    log("limit %s %s x%d: %.1f img/s (%d images, wall %.1f s)" % (kind, image, procs, rate, n, wall))
    return d


# ----------------------------------------------------------------------------- report
def fmt(x: object, nd: int = 1) -> str:
    if x is None or x == "":
        return "-"
    if isinstance(x, float):
        return "%.*f" % (nd, x)
    return str(x)


def find(system: str, image: str, config_prefix: str = "") -> dict | None:
    for r in ROWS:
        if r["system"] == system and r["image"] == image and r["config"].startswith(config_prefix):
            return r
    return None


def best(system: str, image: str) -> dict | None:
    rs = [r for r in ROWS if r["system"] == system and r["image"] == image and not r.get("errors")]
    return max(rs, key=lambda r: r["rps"], default=None)


def write_results() -> None:
    L = ["# imagekit-server on the lent machine, side by side with thumbor and the in-process limit",
         "",
         "Generated by bench/device/bench16.py at t=%.0f s of the run. Machine: %s." % (elapsed(), INFO.get("machine", "?")),
         "Load: %s on the same machine, `-t%d -c%d`, closed loop, `Accept: image/jpeg`, `--timeout 30s`. "
         "Work: `w-400,q-80` JPEG from big.jpg (6028x3391, 20.4 MP) and mid.jpg (1920x1200, 2.3 MP)." % (
             "wrk 4.1.0" if LOADGEN == "wrk" else "FALLBACK python load generator (bench/device/pyload.py)", WRK_T, WRK_C),
         "",
         "| system | image | config | secs | requests | img/s | p50 ms | p99 ms | errors | KB/resp | server CPU ms/img | server cores busy | machine busy % |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in ROWS:
        secs = r.get("duration_us", 0) / 1e6 if r.get("duration_us") else r.get("wall_s")
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["system"], r["image"], r["config"], fmt(secs), r.get("requests", "-"), fmt(r["rps"]),
            fmt(r["lat_p50_us"] / 1000 if "lat_p50_us" in r else None),
            fmt(r["lat_p99_us"] / 1000 if "lat_p99_us" in r else None),
            fmt(r.get("errors", "-")) + (" (wraps %d)" % r["wraps"] if r.get("wraps") else ""),
            fmt(r.get("kb_per_resp")),
            fmt(r.get("server_cpu_ms_per_req") or r.get("proc_cpu_ms_per_img"), 2),
            fmt(r.get("server_cores_busy")), fmt(r.get("machine_busy_pct"), 0)))
    def ratio(a: dict | None, b: dict | None) -> str:
        return "%.2f" % (a["rps"] / b["rps"]) if a and b and b["rps"] else "-"

    L += ["", "## Ratios at %d workers / processes (img/s)" % MAIN_WORKERS, "",
          "| image | ours | thumbor like for like | ours / thumbor | thumbor defaults | ours / thumbor "
          "| limit (project's calls) | ours / limit | limit (reference fastshrink) | ours / limit |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for image in ("big", "mid"):
        o = find("ours", image, "%dw uncached" % MAIN_WORKERS)
        like = next((r for r in ROWS if r["system"] == "thumbor" and r["image"] == image
                     and "like for like" in r["config"]), None)
        dflt = next((r for r in ROWS if r["system"] == "thumbor" and r["image"] == image
                     and "defaults" in r["config"]), None)
        li = find("limit", image, "project's calls (bench/transform/pyvips_limit.py), %d procs"
                  % MAIN_WORKERS)
        ls = find("limit", image, "reference")
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            image, fmt(o["rps"]) if o else "-", fmt(like["rps"]) if like else "-", ratio(o, like),
            fmt(dflt["rps"]) if dflt else "-", ratio(o, dflt), fmt(li["rps"]) if li else "-",
            ratio(o, li), fmt(ls["rps"]) if ls else "-", ratio(o, ls)))
    L += ["", "## Scaling, uncached (efficiency = img/s(N) / (N x img/s(1)); goal: ours within 5 %"
          " of the limit's own efficiency)", "",
          "| image | N | ours img/s | ours p99 ms | ours efficiency | limit img/s | limit efficiency "
          "| ours eff. / limit eff. | ours / limit |", "|---|---|---|---|---|---|---|---|---|"]
    for image in ("mid", "big"):
        o1 = find("ours", image, "1w uncached")
        l1 = find("limit", image, "project's calls (bench/transform/pyvips_limit.py), 1 procs")
        for n in sorted(set(SCALING + [MAIN_WORKERS])):
            o = find("ours", image, "%dw uncached" % n)
            li = find("limit", image, "project's calls (bench/transform/pyvips_limit.py), %d procs" % n)
            oe = o["rps"] / (n * o1["rps"]) if o and o1 else None
            le = li["rps"] / (n * l1["rps"]) if li and l1 else None
            L.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                image, n, fmt(o["rps"]) if o else "-",
                fmt(o["lat_p99_us"] / 1000) if o else "-", fmt(oe, 2), fmt(li["rps"]) if li else "-",
                fmt(le, 2), fmt(oe / le if oe and le else None, 2), ratio(o, li)))
    L += ["", "## Checks (one GET of each target before its load)", ""] + ["- " + c for c in CHECKS]
    L += ["", "## Notes", ""] + ["- " + n for n in NOTES]
    L += ["", "## Environment", "", "```", json.dumps(INFO, indent=1), "```", "",
          "Raw load-generator output of every run: wrk_raw.txt (also appended below)."]
    text = "\n".join(L) + "\n"
    try:
        with open(out("wrk_raw.txt")) as f:
            text += "\n## Raw output\n\n```\n" + f.read() + "```\n"
    except OSError:
        pass
    with open(out("results.md"), "w") as f:
        f.write(text)
    with open(out("results.json"), "w") as f:
        json.dump({"rows": ROWS, "info": INFO, "notes": NOTES, "checks": CHECKS}, f, indent=1)


def environment() -> None:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    with open("/proc/meminfo") as f:
        mem = f.readline().split()[1]
    INFO["machine"] = "%d CPUs (%s), %.0f GiB RAM, kernel %s" % (NCPU, model, int(mem) / 1048576,
                                                                platform.release())
    INFO["nproc"] = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    try:
        with open(os.path.join(HERE, "PROJECT_COMMIT")) as f:  # run.sh writes it if git is there
            INFO["project_commit"] = f.read().strip()
    except OSError:
        pass
    INFO["python"] = sys.version.split()[0] + " " + PY
    try:
        with open("/etc/os-release") as f:
            INFO["os"] = next((l.split("=", 1)[1].strip().strip('"') for l in f if l.startswith("PRETTY_NAME")), "")
    except OSError:
        pass
    probe = ("import pyvips, PIL, granian, starlette, fastapi, sqlalchemy;"
             "print('pyvips', pyvips.__version__, 'libvips %d.%d.%d' % (pyvips.version(0), pyvips.version(1), pyvips.version(2)),"
             " 'API' if pyvips.API_mode else 'ABI', '| Pillow', PIL.__version__, '| granian', granian.__version__,"
             " '| starlette', starlette.__version__, '| fastapi', fastapi.__version__, '| sqlalchemy', sqlalchemy.__version__)")
    r = subprocess.run([PY, "-c", probe], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=SITE + ":" + SRC))
    INFO["ours_stack"] = (r.stdout + r.stderr).strip()[-400:]
    if SITE_TH:
        r = subprocess.run([PY, "-c", "import thumbor, PIL, tornado; print('thumbor', thumbor.__version__, '| Pillow', PIL.__version__, '| tornado', tornado.version)"],
                           capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=SITE_TH))
        INFO["thumbor_stack"] = (r.stdout + r.stderr).strip()[-400:]
    if LOADGEN == "wrk":
        r = subprocess.run([WRK, "-v"], capture_output=True, text=True)
        INFO["wrk"] = (r.stdout + r.stderr).strip().splitlines()[0] if (r.stdout + r.stderr).strip() else "?"
    INFO["loadgen"] = LOADGEN
    INFO["settings"] = {"DUR": DUR, "TH_DUR": TH_DUR, "SCALE_DUR": SCALE_DUR, "HIT_DUR": HIT_DUR,
                        "LIMIT_DUR": LIMIT_DUR, "WRK_T": WRK_T, "WRK_C": WRK_C, "MAIN_WORKERS": MAIN_WORKERS,
                        "SCALING": SCALING, "END_S": END_S}
    log("environment:", json.dumps(INFO))


# ----------------------------------------------------------------------------- the run
def step(name: str, fn, need_s: float) -> None:
    if not fits(need_s):
        msg = "skipped %s: %.0f s left of the %.0f s budget, needs ~%.0f s" % (name, END_S - elapsed(), END_S, need_s)
        log(msg)
        NOTES.append(msg)
        write_results()
        return
    log("==== step:", name)
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - record and go on with the next step
        import traceback
        traceback.print_exc()
        msg = "step %s FAILED: %s: %s" % (name, type(exc).__name__, str(exc)[:400])
        log(msg)
        NOTES.append(msg)
        stop_all()
    write_results()


def main() -> int:
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt("signal %d" % s)))
    environment()
    write_results()
    ours = Ours(os.path.join(WORK, "ik-data"))
    rates: dict = {}

    def ours_main() -> None:
        ours.start(MAIN_WORKERS)
        try:
            for image in ("big", "mid"):
                with open(IMG[image], "rb") as f:
                    ours.upload(f.read(), image + ".jpg", "/")
            verify("ours", ours.port, "/%s/tr:w-400,q-80/mid.jpg" % ACCOUNT)
            verify("ours", ours.port, "/%s/tr:w-400,q-80/big.jpg" % ACCOUNT)
            for image in ("mid", "big"):
                d = ours.uncached(image, DUR, RATE_GUESS[image],
                                  "ours %dw uncached %s" % (MAIN_WORKERS, image), warmup=3)
                verify("ours", ours.port, "/%s/tr:w-405,q-80/perf-u/%s-%03d.jpg" % (
                    ACCOUNT, image, ours.copies[image] - 1), 405)
                rates[image] = d["rps"]
                add_row("ours", image, "%dw uncached" % MAIN_WORKERS, d)
            hit = "/%s/tr:w-400,q-80/mid.jpg" % ACCOUNT
            load("ours hit warm-up (not reported)", ours.port, hit, 2, pgid=ours.proc.pid)
            d = load("ours %dw cached hit mid w-400" % MAIN_WORKERS, ours.port, hit, HIT_DUR,
                     pgid=ours.proc.pid)
            add_row("ours", "mid", "%dw cached hit (one URL)" % MAIN_WORKERS, d)
        finally:
            ours.stop()

    step("ours --workers %d" % MAIN_WORKERS, ours_main, 2 * DUR + HIT_DUR + 50)

    def thumbor(progressive: bool) -> None:
        label = "defaults (4:2:0 progressive)" if progressive else "like for like (4:2:0 baseline)"
        p, port = start_thumbor(1, MAIN_WORKERS, progressive)
        try:
            for image in ("mid", "big"):
                verify("thumbor " + label, port, "/unsafe/400x0/%s.jpg" % image)
            load("thumbor warm-up (not reported)", port, "/unsafe/400x0/mid.jpg", 2, pgid=p.pid)
            quiesce(p.pid)
            for image in ("mid", "big"):
                cfg = "%dp pool1 keep-alive, %s" % (MAIN_WORKERS, label)
                d = load("thumbor " + cfg + " " + image, port, "/unsafe/400x0/%s.jpg" % image,
                         TH_DUR, pgid=p.pid)
                add_row("thumbor", image, cfg, d)
                quiesce(p.pid)
        finally:
            stop_group(p)

    if SITE_TH:
        step("thumbor like for like", lambda: thumbor(False), 2 * TH_DUR + 25)
        step("thumbor defaults", lambda: thumbor(True), 2 * TH_DUR + 25)
    else:
        NOTES.append("thumbor not installed (SITE_TH empty): skipped")

    def limits() -> None:
        label = "project's calls (bench/transform/pyvips_limit.py)"
        for n in LIMIT_PROCS:
            for image in ("mid", "big"):
                d = run_limit("project", image, n, LIMIT_DUR)
                add_row("limit", image, "%s, %d procs x 1 thread, no HTTP" % (label, n), d)
        for image in ("mid", "big"):
            d = run_limit("ref-fastshrink", image, MAIN_WORKERS, LIMIT_DUR)
            add_row("limit", image, "reference fastshrink (targets/pyvips_thumb.py), %d procs "
                    "x 1 thread, no HTTP" % MAIN_WORKERS, d)

    step("in-process limits", limits, (2 * len(LIMIT_PROCS) + 2) * (LIMIT_DUR + 3))

    def scaling(n: int) -> None:
        ours.start(n)
        try:
            verify("ours %dw" % n, ours.port, "/%s/tr:w-400,q-80/mid.jpg" % ACCOUNT)
            for image in ("mid", "big"):
                guess = rates.get(image, RATE_GUESS[image]) * n / MAIN_WORKERS * 1.5 + 200
                d = ours.uncached(image, SCALE_DUR, guess, "ours %dw uncached %s" % (n, image))
                add_row("ours", image, "%dw uncached" % n, d)
        finally:
            ours.stop()

    for n in SCALING:
        step("ours --workers %d (scaling)" % n, lambda n=n: scaling(n), 2 * SCALE_DUR + 25)
    log("done in %.0f s" % elapsed())
    return 0


if __name__ == "__main__":
    try:
        rc = main()
    except KeyboardInterrupt as exc:
        log("interrupted:", exc)
        NOTES.append("run interrupted: %s" % exc)
        rc = 130
    finally:
        stop_all()
        try:
            write_results()
        except Exception as exc:  # noqa: BLE001
            log("write_results failed:", exc)
    sys.exit(rc)
