"""A small threaded HTTP server that records requests and answers from a script."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from typing_extensions import Self


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float = field(default_factory=time.monotonic)
    """When it arrived, on this machine's monotonic clock: how fast calls came."""


@dataclass(frozen=True)
class Reply:
    """A whole reply. With `cut_after_bytes` set, the server announces the full body but
    drops the connection after that many bytes, as a server that crashes mid-reply does."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    cut_after_bytes: int | None = None


@dataclass(frozen=True)
class StreamedReply:
    """A 200 reply sent chunk by chunk (chunked transfer encoding), `delay` seconds apart.

    With `break_after` set, the server drops the connection after that many chunks,
    as a server that crashes mid-reply does. With `last_chunk_after` set, the last chunk
    waits for that event (at most `last_chunk_timeout` seconds): a test can see what a
    client did with a reply that had not finished yet.
    """

    chunks: list[bytes]
    content_type: str = "application/x-ndjson"
    delay: float = 0.0
    break_after: int | None = None
    last_chunk_after: threading.Event | None = None
    last_chunk_timeout: float = 20.0


Route = Callable[[RecordedRequest], Reply | StreamedReply]

# How a client hanging up looks from the server's side of the connection.
_CLIENT_DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Tests hang up on purpose (an abandoned stream, a closed client), and the default
        # prints a traceback for each into the test output, where it reads like a failure.
        # Any other error is a bug in the fake or in a test: print it as usual.
        if isinstance(sys.exc_info()[1], _CLIENT_DISCONNECTS):
            return
        super().handle_error(request, client_address)


class FakeHTTPServer:
    """Serves `routes` (keyed by method and path prefix) on 127.0.0.1 in a thread.

    Use as a context manager. Every request is recorded, in order, in `requests`.
    """

    def __init__(self, routes: dict[tuple[str, str], Route], port: int = 0) -> None:
        self.routes = routes
        self.requests: list[RecordedRequest] = []
        self.finished_streams = 0
        self.abandoned_streams = 0
        """Streams the client stopped reading (it closed the connection) before their end."""
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._server = _Server(("127.0.0.1", port), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def open_connections(self) -> int:
        """Client connections open right now, as this server sees them."""
        with self._lock:
            return len(self._connections)

    def wait_for_open_connections(self, expected: int, timeout: float = 60.0) -> int:
        """`open_connections` once it equals `expected`, or whatever it is after `timeout`
        seconds.

        A client's close reaches the server only when the server next reads or writes on
        that connection, so the count can lag a close by a moment, and by seconds on a busy
        machine: the default waits long, as it returns the moment the count is reached.
        """
        deadline = time.monotonic() + timeout
        while self.open_connections != expected and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.open_connections

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Like a server that died: stop listening and drop the clients' kept-alive
        # connections too, or they would go on being served.
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def _dispatch(self, request: RecordedRequest) -> Reply | StreamedReply:
        with self._lock:
            self.requests.append(request)
        for (method, prefix), route in self.routes.items():
            if request.method == method and request.path.startswith(prefix):
                return route(request)
        return Reply(404, {"error": f"no fake route for {request.method} {request.path}"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # Keep-alive, as the real clients expect.
            # Headers and body go out as separate writes; without this, TCP holds the body
            # back until the client acknowledges the headers (~40 ms a reply).
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with fake._lock:
                    fake._connections.add(self.connection)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                request = RecordedRequest(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                reply = fake._dispatch(request)
                if isinstance(reply, StreamedReply):
                    self._stream(reply)
                    return
                payload = (
                    reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                )
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.cut_after_bytes is not None:
                    self.wfile.write(payload[: reply.cut_after_bytes])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(payload)

            def finish(self) -> None:
                # Runs once the client has closed the connection (or the server dropped it).
                with fake._lock:
                    fake._connections.discard(self.connection)
                # A client that hung up mid-stream leaves nothing to flush.
                with contextlib.suppress(OSError):
                    super().finish()

            def _stream(self, reply: StreamedReply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for sent, chunk in enumerate(reply.chunks):
                        if reply.break_after is not None and sent == reply.break_after:
                            self.close_connection = True
                            self.connection.shutdown(socket.SHUT_RDWR)
                            return
                        if reply.last_chunk_after and sent == len(reply.chunks) - 1:
                            reply.last_chunk_after.wait(reply.last_chunk_timeout)
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        self.wfile.flush()
                        time.sleep(reply.delay)
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                except _CLIENT_DISCONNECTS:
                    with fake._lock:
                        fake.abandoned_streams += 1
                    self.close_connection = True
                    return
                with fake._lock:
                    fake.finished_streams += 1

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass  # Keep test output clean; requests are recorded instead.

        return Handler


def sent_key(request: RecordedRequest) -> str:
    """The API key the client sent: Anthropic's `x-api-key`, or a Bearer token."""
    return request.headers.get("x-api-key") or request.headers.get(
        "authorization", ""
    ).removeprefix("Bearer ")


def broken(route: Route) -> Route:
    """`route`'s reply, with the connection dropped part-way through it."""

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        reply = route(request)
        if isinstance(reply, StreamedReply):
            return dataclasses.replace(reply, break_after=1)
        return dataclasses.replace(reply, cut_after_bytes=20)

    return step


def streamed_slowly(route: Route, delay: float, finish_after: threading.Event) -> Route:
    """`route`'s streamed reply, `delay` seconds between chunks, its last chunk held back
    until `finish_after` is set."""

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        reply = route(request)
        assert isinstance(reply, StreamedReply), "the request did not ask to stream"
        return dataclasses.replace(reply, delay=delay, last_chunk_after=finish_after)

    return step


def held(route: Route, release: threading.Event, timeout: float = 120) -> Route:
    """`route`, answered only once `release` is set: a model call a test can catch in
    flight."""

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        release.wait(timeout)
        return route(request)

    return step


class Script:
    """Answers successive requests with successive steps; fails loudly when exhausted."""

    def __init__(self, steps: list[Route]) -> None:
        self._steps = list(steps)
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Reply | StreamedReply:
        with self._lock:
            step = self._steps.pop(0) if self._steps else None
        if step is None:
            return Reply(500, {"error": {"message": "fake server: script exhausted"}})
        return step(request)


def outside_schema(schema: dict[str, Any] | str | None, content: str) -> Reply | None:
    """The error a fake server answers with when its scripted reply could not have been
    written under the JSON schema the request asked for ("json": any JSON), or None.

    Real servers constrain the model's output to the schema, so a script that answers
    otherwise would let a test pass on a reply no model sends.
    """
    if not schema:
        return None
    problem = "fake server: the scripted reply does not follow the requested schema"
    try:
        answer = json.loads(content)
    except json.JSONDecodeError:
        return Reply(500, {"error": f"{problem}: it is not JSON: {content[:80]!r}"})
    if isinstance(schema, dict):
        try:
            jsonschema.validate(answer, schema)
        except jsonschema.ValidationError as invalid:
            return Reply(500, {"error": f"{problem}: {invalid.message}"})
    return None
