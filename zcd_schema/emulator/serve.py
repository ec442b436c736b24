"""``emulator serve``: the WSGI application behind a small threaded HTTP/1.1 server on loopback.

The standard library's wsgiref server answers an exception with a 500 page; a fault that drops the
connection after a write needs to close the socket with no answer at all, so this module runs the
application itself (keep-alive, Content-Length bodies, one thread per connection).
"""

from __future__ import annotations

import io
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from zcd_schema.urls import is_loopback_host

MAX_BODY = 8 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small answers must not wait for delayed ACKs (40 ms each)
    server: EmulatorServer

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        self._run_app()

    def _read_body(self) -> bytes | None:
        """The request body, by Content-Length or chunked; None after answering a bad one."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw = self.headers.get("Content-Length") or "0"
        if not raw.strip().isdigit():
            self.send_error(400, "malformed Content-Length")
            self.close_connection = True
            return None
        length = int(raw)
        if length > MAX_BODY:
            self.send_error(413)
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        body = b""
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                self.send_error(400, "malformed chunk size")
                self.close_connection = True
                return None
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return body
            if len(body) + size > MAX_BODY:
                self.send_error(413)
                self.close_connection = True
                return None
            body += self.rfile.read(size)
            self.rfile.readline(3)  # the CRLF after each chunk

    def _run_app(self) -> None:
        body = self._read_body()
        if body is None:
            return
        path, _, query = self.path.partition("?")
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(path),
            "QUERY_STRING": query,
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[f"HTTP_{key}"] = value
        captured: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return lambda chunk: None

        try:
            chunks = self.server.app(environ, start_response)
            payload = b"".join(chunks)
        except Exception as exc:
            if getattr(exc, "drops_connection", False):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            self.server.report(
                f"emulator error on {self.command} {path}: {type(exc).__name__}: {exc}"
            )
            self.send_error(500, "emulator error")
            return
        code, _, reason = captured["status"].partition(" ")
        self.send_response(int(code), reason)
        for name, value in captured["headers"]:
            self.send_header(name, value)
        if self.command == "HEAD":
            payload = b""  # the headers (Content-Length included) of a GET, and no body
        self._headers_buffer.append(b"\r\n" + payload)  # type: ignore[attr-defined]  # one write
        self.flush_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.access_log is not None:
            self.server.access_log(f"{self.address_string()} {format % args}")


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops the connections of a client reading with 32
    # workers at once, and the kernel retries them a second later: a 1 s stall per burst
    request_queue_size = 128

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 8976,
        access_log: Callable[[str], None] | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        if not is_loopback_host(host):
            raise ValueError(
                f"the emulator listens on loopback only, not {host!r}: it accepts credentials "
                "over plain http"
            )
        self.app = app
        self.access_log = access_log
        self.report = report or (lambda line: None)
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"

    def start_background(self) -> threading.Thread:
        """Serve from a daemon thread (tests); ``shutdown()`` stops it."""
        thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="zcd-emulator",
            daemon=True,
        )
        thread.start()
        return thread


def server_for(app: Any, host: str, port: int, **kwargs: Any) -> EmulatorServer:
    """An EmulatorServer; IPv6 loopback addresses get an IPv6 socket."""
    if ":" in host.strip("[]"):

        class _V6(EmulatorServer):
            address_family = socket.AF_INET6

        return _V6(app, host.strip("[]"), port, **kwargs)
    return EmulatorServer(app, host, port, **kwargs)
