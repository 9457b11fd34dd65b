"""A Dask cluster checked before any work is sent to it, each failure one clear line (exit 2).

In order: the address has the form of a scheduler's (tcp://HOST:PORT); something listens there
and answers as a Dask scheduler does (it speaks first, with a handshake, within a few seconds:
a web server waits for a request instead, and reading its bytes as a Dask message could ask
for exabytes); the client connects within a timeout; at least one worker joins within a
timeout; and every worker imports the same campsim version as this process.
"""

from __future__ import annotations

import re
import socket
import sys

from campsim.model.errors import ScenarioError

CONNECT_TIMEOUT_S = 5.0
WORKER_WAIT_S = 10.0
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
_ADDRESS = re.compile(r"(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9a-fA-F:.]+\]|[^\s/:\[\]]+):(?P<port>\d{1,5})/?")
EXAMPLE = "tcp://HOST:8786"


def check_address(address: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a scheduler address, or ScenarioError naming what is wrong."""
    shown = address if len(address) <= 80 else address[:77] + "..."
    scheme = address.split("://", 1)[0].lower() if "://" in address else "tcp"
    if scheme in ("http", "https"):
        raise ScenarioError(
            f"--address {shown}: a web address (the dashboard's?); the Dask scheduler's address "
            f"starts with tcp://, e.g. {EXAMPLE}"
        )
    match = _ADDRESS.fullmatch(address.strip())
    if match is None or scheme not in SCHEMES or not 0 < int(match.group("port")) < 65536:
        raise ScenarioError(f"--address {shown}: expected a Dask scheduler address such as {EXAMPLE}")
    return scheme, match.group("host").strip("[]"), int(match.group("port"))


def probe(address: str, host: str, port: int, timeout_s: float | None = None) -> None:
    """Check that a Dask scheduler listens at host:port: it sends its handshake on connection."""
    timeout_s = CONNECT_TIMEOUT_S if timeout_s is None else timeout_s
    received, connected = b"", False
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as conn:
            connected = True
            conn.settimeout(timeout_s)
            while b"pickle-protocol" not in received and len(received) < 512:
                chunk = conn.recv(512)
                if not chunk:
                    break
                received += chunk
    except TimeoutError:
        if not connected:
            raise ScenarioError(
                f"--address {address}: cannot reach the Dask scheduler (no answer within {timeout_s:g} s)"
            ) from None
        if not received:
            raise ScenarioError(
                f"--address {address}: something listens there but it did not answer as a Dask scheduler "
                f"within {timeout_s:g} s (a web server?); give the scheduler's address, e.g. {EXAMPLE}"
            ) from None
    except OSError as exc:
        raise ScenarioError(
            f"--address {address}: cannot reach the Dask scheduler ({exc.strerror or exc}); is it running?"
        ) from None
    if b"pickle-protocol" not in received:
        raise ScenarioError(f"--address {address}: what listens there is not a Dask scheduler; e.g. {EXAMPLE}")


def connect(address: str | None):
    """A distributed.Client to a checked cluster with at least one worker running this campsim."""
    if not address:
        raise ScenarioError(f"--executor dask needs --address {EXAMPLE} (the Dask scheduler)")
    try:
        from distributed import Client
    except ImportError:
        raise ScenarioError(
            "--executor dask needs the dask[distributed] package: pip install 'dask[distributed]'"
        ) from None
    scheme, host, port = check_address(address)
    if scheme == "tcp":
        probe(address, host, port)
    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError) as exc:
        raise ScenarioError(f"--address {address}: cannot connect to the Dask scheduler ({exc})") from None
    try:
        check_workers(client, address)
    except BaseException:
        client.close()
        raise
    return client


def check_workers(client, address: str) -> None:
    """At least one worker, and every worker imports this campsim (same version)."""
    version = campsim_version()
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError:
        raise ScenarioError(
            f"--address {address}: the Dask scheduler has no workers (waited {WORKER_WAIT_S:g} s); "
            f"start one with: dask worker {address}"
        ) from None
    versions = client.run(worker_campsim_version, on_error="return")
    missing = sorted(w for w, v in versions.items() if isinstance(v, BaseException))
    if missing:
        problem = versions[missing[0]]
        raise ScenarioError(
            f"--address {address}: {len(missing)} of {len(versions)} Dask workers cannot import campsim "
            f"({type(problem).__name__}: {str(problem)[:80]}); install campsim {version} where they run"
        )
    other = sorted({v for v in versions.values() if v != version})
    if other:
        raise ScenarioError(
            f"--address {address}: the Dask workers run campsim {', '.join(other)}, this is {version}; "
            "install the same version on both sides"
        )


def campsim_version() -> str:
    """The version of the campsim package this module belongs to (loaded already: the package's
    own import brought this module in, and importing it here would be an import circle)."""
    return sys.modules["campsim"].__version__


def worker_campsim_version() -> str:
    """Run on each worker: the campsim version it imports (unpickling this function imports campsim)."""
    return campsim_version()
