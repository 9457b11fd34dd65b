"""A Dask cluster is checked before any work, and each failure is one clear line with exit 2
(issue 15.14). Real schedulers, workers and an HTTP server; short timeouts keep it quick."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import campsim.runs.simulate
from campsim.cli import main
from campsim.runs import cluster
from tests.conftest import ROOT

distributed = pytest.importorskip("distributed")

RAMADI = ROOT / "scenarios" / "ramadi.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(tmp_path, *extra) -> list[str]:
    return ["run", str(RAMADI), "-n", "4", "-j", "1", "--out", str(tmp_path / "r"), "-q", "--no-charts", *extra]


@pytest.fixture
def no_simulation(monkeypatch):
    calls = []
    monkeypatch.setattr(campsim.runs.simulate, "simulate", lambda *a, **k: calls.append(1))
    return calls


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1.0)
    monkeypatch.setattr(cluster, "WORKER_WAIT_S", 1.0)


def one_line_exit_2(argv, capsys, *words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "internal error" not in err and "Traceback" not in err
    for word in words:
        assert word in err, err
    return err


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("http://127.0.0.1:8787/status", ["a web address", "tcp://"]),
        ("https://scheduler.example.org", ["a web address"]),
        ("nonsense", ["expected a Dask scheduler address", "tcp://HOST:8786"]),
        ("tcp://host", ["expected a Dask scheduler address"]),
        ("tcp://host:99999", ["expected a Dask scheduler address"]),
        ("ftp://host:21", ["expected a Dask scheduler address"]),
    ],
)
def test_an_address_that_is_not_a_scheduler_address(tmp_path, capsys, no_simulation, address, words):
    one_line_exit_2(run(tmp_path, "--executor", "dask", "--address", address), capsys, *words)
    assert no_simulation == []


def test_address_implies_dask_and_is_never_ignored(tmp_path, capsys, no_simulation):
    one_line_exit_2(run(tmp_path, "--address", "nonsense"), capsys, "expected a Dask scheduler address")
    argv = run(tmp_path, "--executor", "local", "--address", "tcp://127.0.0.1:8786")
    one_line_exit_2(argv, capsys, "is for --executor dask")
    assert no_simulation == []


def test_nothing_listening(tmp_path, capsys, no_simulation, quick):
    argv = run(tmp_path, "--address", f"tcp://127.0.0.1:{free_port()}")
    one_line_exit_2(argv, capsys, "cannot reach the Dask scheduler")
    assert no_simulation == []


@pytest.mark.slow  # waits out a connection timeout
def test_an_http_server_is_not_a_scheduler_and_does_not_hang(tmp_path, capsys, no_simulation, quick):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(200):  # until it listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        for address in (f"tcp://127.0.0.1:{port}", f"127.0.0.1:{port}"):
            one_line_exit_2(run(tmp_path, "--address", address), capsys, "did not answer as a Dask scheduler")
    finally:
        server.kill()
        server.wait()
    assert no_simulation == []


def test_a_server_that_speaks_another_protocol(tmp_path, capsys, no_simulation, quick):
    """Such bytes read as a Dask message once asked for 3.07 EiB of memory."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def banner() -> None:
        conn, _ = server.accept()
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n" * 4)
        conn.close()

    thread = threading.Thread(target=banner, daemon=True)
    thread.start()
    try:
        one_line_exit_2(run(tmp_path, "--address", f"tcp://127.0.0.1:{port}"), capsys, "is not a Dask scheduler")
    finally:
        server.close()
    assert no_simulation == []


@pytest.fixture
def scheduler():
    """A real scheduler (tcp) in this process, with no workers yet."""
    with distributed.LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=None) as c:
        yield c


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_a_scheduler_without_workers(tmp_path, capsys, no_simulation, quick, scheduler):
    argv = run(tmp_path, "--address", scheduler.scheduler_address)
    one_line_exit_2(argv, capsys, "has no workers", "dask worker")
    assert no_simulation == []


# A worker whose Python cannot import campsim: campsim's editable install is a meta-path finder
# (and PYTHONPATH may name a checkout); both are removed before the worker starts.
WORKER_WITHOUT_CAMPSIM = textwrap.dedent("""
    import os, sys
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
    sys.path[:] = [p for p in sys.path if not os.path.isdir(os.path.join(p, "campsim"))]
    sys.path[:0] = sys.argv[2:]  # another campsim, if given
    from distributed.cli.dask_worker import main
    sys.argv = ["dask-worker", sys.argv[1], "--no-nanny", "--nthreads", "1", "--no-dashboard"]
    main()
""")


def start_worker(tmp_path, address: str, *campsim_root: str) -> subprocess.Popen:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    worker = subprocess.Popen([sys.executable, "-c", WORKER_WITHOUT_CAMPSIM, address, *campsim_root],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    with distributed.Client(address) as client:
        client.wait_for_workers(1, timeout=60)
    return worker


def test_workers_without_campsim(tmp_path, capsys, no_simulation, quick, scheduler):
    worker = start_worker(tmp_path, scheduler.scheduler_address)
    try:
        argv = run(tmp_path, "--address", scheduler.scheduler_address)
        one_line_exit_2(argv, capsys, "1 of 1 Dask workers cannot import campsim", "install campsim")
    finally:
        worker.kill()
        worker.wait()
    assert no_simulation == []


def test_workers_with_another_campsim_version(tmp_path, capsys, no_simulation, quick, scheduler):
    other = tmp_path / "other"
    shutil.copytree(ROOT / "campsim", other / "campsim", ignore=shutil.ignore_patterns("__pycache__"))
    init = other / "campsim" / "__init__.py"
    init.write_text(re.sub(r"(?m)^__version__ = .*$", '__version__ = "0.0.1"', init.read_text()))
    worker = start_worker(tmp_path, scheduler.scheduler_address, str(other))
    try:
        argv = run(tmp_path, "--address", scheduler.scheduler_address)
        one_line_exit_2(argv, capsys, "the Dask workers run campsim 0.0.1, this is", "same version")
    finally:
        worker.kill()
        worker.wait()
    assert no_simulation == []


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_a_good_cluster_runs_the_replications(tmp_path):
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:  # fmt: skip
        assert main(run(tmp_path, "--address", c.scheduler_address)) == 0
    assert (tmp_path / "r" / "summary.json").is_file()
