"""SIGTERM and SIGINT run the same clean-up as any other stop (issue 11, "under faults"): the
process releases its lease file and removes its temp files, in single-process and --workers
mode, and exits 0."""

from __future__ import annotations

import signal

import pytest

from tests.fixtures.live_server import STOP_TIMEOUT, LiveServer, StartServer


def _leases(server: LiveServer) -> list[str]:
    return sorted(path.name for path in (server.data_dir / "run").glob("*.lock"))


def _stop_with(server: LiveServer, signum: int) -> int:
    assert server.process is not None
    server.process.send_signal(signum)
    return server.process.wait(timeout=STOP_TIMEOUT)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_single_process_cleans_up_on_stop_signals(
    live_server_factory: StartServer, signum: int
) -> None:
    server = live_server_factory()
    assert len(_leases(server)) == 1
    assert _stop_with(server, signum) == 0, server.log()
    assert _leases(server) == []
    spool = server.data_dir / "blobs" / ".tmp"
    assert [path.name for path in spool.glob("upload-*")] == []
    assert "Traceback" not in server.log()


def test_workers_clean_up_on_sigterm(live_server_factory: StartServer) -> None:
    server = live_server_factory(env={"IMAGEKIT_WORKERS": "2"})
    assert _leases(server)  # the workers' (the supervisor closed its own context)
    assert _stop_with(server, signal.SIGTERM) == 0, server.log()
    assert _leases(server) == []
    assert "Traceback" not in server.log()
