"""A loopback HTTP server that misbehaves on purpose, the way file hosts and gateways do.

Each test scripts the raw answer: a status line and headers as written (or none at all),
a body sent in pieces with pauses between them, and then the connection closed, whatever the
headers promised. Only 127.0.0.1 is ever used.

    with Misbehaving(lambda request: [raw_head(200, {"Content-Type": "video/mp4"}), body[:99]]) as server:
        client.download(video_at(server.url + "/v.mp4"), path)
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import ClassVar


class JsonAnswer(BaseHTTPRequestHandler):
    """A well-behaved handler: every GET gets `body` as JSON (subclasses set it), quietly."""

    body: ClassVar[bytes] = b"{}"

    def do_GET(self) -> None:
        self.answering()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def answering(self) -> None:
        """Called for each request before it is answered."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Pause:
    seconds: float


Part = bytes | Pause
Script = Callable[[bytes], Iterable[Part]]


def raw_head(status: int, headers: Mapping[str, str] | None = None, reason: str = "OK") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class Misbehaving:
    """Serve `script(request_bytes)` to every connection, then close it."""

    script: Script
    requests: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(rest) < length:
                    rest += conn.recv(65536)
                outer.requests.append(head + b"\r\n\r\n" + rest)
                try:
                    for part in outer.script(head + b"\r\n\r\n" + rest):
                        if isinstance(part, Pause):
                            time.sleep(part.seconds)
                        else:
                            conn.sendall(part)
                except OSError:
                    return  # the client gave up first

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Misbehaving:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
