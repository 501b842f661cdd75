"""The fake HTTP server the other tests stand on: it counts its open client connections,
and it stays quiet when a client hangs up, but not about its own failures."""

from __future__ import annotations

import socket
import struct
import time

import httpx
import pytest

from testkit.fakes.http_server import FakeHTTPServer, RecordedRequest, Reply


def _ok(_request: RecordedRequest) -> Reply:
    return Reply(200, {"ok": True})


def _crash(_request: RecordedRequest) -> Reply:
    raise RuntimeError("the fake route itself is broken")


def _stderr_after(capfd: pytest.CaptureFixture[str], seconds: float, expected: str = "") -> str:
    """What the server threads printed within `seconds` (sooner once `expected` shows up)."""
    printed = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        printed += capfd.readouterr().err
        if expected and expected in printed:
            break
        time.sleep(0.05)
    return printed


def test_it_counts_the_connections_clients_hold_open() -> None:
    with FakeHTTPServer({("GET", "/"): _ok}) as server:
        assert server.open_connections == 0
        with httpx.Client(base_url=server.url) as client:
            client.get("/a")
            client.get("/b")  # Kept alive: the same connection.
            assert server.wait_for_open_connections(1) == 1
        assert server.wait_for_open_connections(0) == 0


def test_a_client_hanging_up_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    with FakeHTTPServer({("GET", "/"): _ok}) as server:
        connection = socket.create_connection(("127.0.0.1", server.port))
        assert server.wait_for_open_connections(1) == 1
        # Linger 0: close with a reset, as a client killed mid-request does. The server,
        # waiting for a request line, gets ConnectionResetError.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()
        assert server.wait_for_open_connections(0) == 0
        printed = _stderr_after(capfd, 0.5, expected="ConnectionResetError")

    assert printed == ""


def test_a_failure_of_the_fake_itself_still_shows(capfd: pytest.CaptureFixture[str]) -> None:
    with FakeHTTPServer({("GET", "/"): _crash}) as server, httpx.Client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(f"{server.url}/")
        # Long: returns as soon as the traceback is in, however busy the machine.
        printed = _stderr_after(capfd, 60.0, expected="RuntimeError")

    assert "RuntimeError: the fake route itself is broken" in printed
