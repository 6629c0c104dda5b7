"""A long-lived child process that decodes inputs for the fuzz tests, with a time limit per
input: a crash (signal) or a hang becomes a test failure instead of killing or stalling the
test run, and the child is started again for the next input."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import imagekit_server

WORKER = Path(__file__).with_name("decode_worker.py")


class DecoderProcess:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        source_root = str(Path(imagekit_server.__file__).resolve().parents[1])
        path = os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")]))
        return subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )

    def problem(self, data: bytes) -> str | None:
        """None when every decoder path handled ``data``; else what went wrong."""
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(len(data).to_bytes(4, "big") + data)
            process.stdin.flush()
        except BrokenPipeError:
            return self._died(process)
        ready, _, _ = select.select([process.stdout], [], [], self.timeout)
        if not ready:
            self.stop()
            return f"hang: no answer within {self.timeout:g} s"
        line = process.stdout.readline()
        if not line:
            return self._died(process)
        answer = json.loads(line)
        return None if answer["outcome"] == "ok" else f"bug: {answer['detail']}"

    def _died(self, process: subprocess.Popen[bytes]) -> str:
        code = process.wait(timeout=10)
        self.stop()
        if code < 0:
            return f"crash: killed by {signal.Signals(-code).name}"
        return f"crash: exit status {code}"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
