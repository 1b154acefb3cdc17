"""The base every loopback fake stands on: faults served in order (skips, times, paths,
dropped connections), a request log that filters, and a server that starts and stops."""

from __future__ import annotations

import http.client
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from fakes.server import Exchange, Fault, Faults, LoopbackServer, RequestLog


@dataclass
class Seen:
    method: str
    path: str


class Echo(LoopbackServer):
    """Answers each request with its path, unless a fault answers it instead."""

    def __init__(self) -> None:
        super().__init__()
        self.faults = Faults()
        self.requests: RequestLog[Seen] = RequestLog()
        self.nodelay: list[int] = []

    def serve(self, exchange: Exchange, method: str) -> None:
        path = urlsplit(exchange.path).path
        self.requests.record(Seen(method, path))
        self.nodelay.append(exchange.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        fault = self.faults.take(path)
        if fault is not None and fault.status == 0:
            exchange.drop()
        elif fault is not None:
            exchange.send(fault.status, b"injected", fault.headers, "text/plain")
        else:
            exchange.send(200, path.encode(), content_type="text/plain")


def call(server: LoopbackServer, path: str, method: str = "GET") -> tuple[int, str, str]:
    """Status, body and Retry-After header of one request on a fresh connection."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        conn.request(method, path, body=b"{}" if method == "POST" else None)
        answer = conn.getresponse()
        return answer.status, answer.read().decode(), answer.getheader("Retry-After") or ""
    finally:
        conn.close()


def test_a_fault_lets_its_skips_through_then_answers_its_times_and_is_gone() -> None:
    with Echo() as echo:
        echo.faults.append(Fault(503, "/search", times=2, skip=1, headers={"Retry-After": "7"}))
        other = call(echo, "/user")
        answers = [call(echo, "/search/issues") for _ in range(4)]
    assert other == (200, "/user", "")
    assert [a[0] for a in answers] == [200, 503, 503, 200]
    assert answers[1] == (503, "injected", "7")
    assert echo.faults == []


def test_faults_are_served_first_injected_first() -> None:
    with Echo() as echo:
        echo.faults.append(Fault(429, "/search"))
        echo.faults.append(Fault(502))
        statuses = [call(echo, "/search")[0], call(echo, "/search")[0], call(echo, "/search")[0]]
    assert statuses == [429, 502, 200]


def test_a_status_0_fault_drops_the_connection_without_an_answer() -> None:
    with Echo() as echo:
        echo.faults.append(Fault(0, "/x"))
        with pytest.raises(http.client.RemoteDisconnected):
            call(echo, "/x")
        assert call(echo, "/x")[0] == 200


def test_the_log_keeps_every_request_in_order_and_counts_by_path_and_method() -> None:
    with Echo() as echo:
        for path, method in [("/api/search", "GET"), ("/api/user", "GET"), ("/api/search", "POST")]:
            call(echo, path, method)
    assert [(s.method, s.path) for s in echo.requests] == [
        ("GET", "/api/search"),
        ("GET", "/api/user"),
        ("POST", "/api/search"),
    ]
    assert echo.requests.tally() == 3
    assert echo.requests.tally("search") == 2
    assert echo.requests.tally("search", method="POST") == 1
    assert echo.requests.tally(suffix="/user") == 1
    assert echo.requests.matching(suffix="/search", method="GET") == [Seen("GET", "/api/search")]


def test_answers_go_out_with_nagle_off() -> None:
    """Headers and body are two writes: with Nagle on, each answer would stall ~40 ms."""
    with Echo() as echo:
        call(echo, "/a")
    assert echo.nodelay and all(echo.nodelay)


def test_a_stopped_server_refuses_connections_and_a_never_started_one_stops_at_once() -> None:
    with Echo() as echo:
        assert call(echo, "/up")[0] == 200
    with pytest.raises(ConnectionRefusedError):
        call(echo, "/up")
    idle = Echo()
    # Asking a serving loop that never ran to shut down would wait forever.
    stopping = threading.Thread(target=idle.stop, daemon=True)
    stopping.start()
    stopping.join(timeout=5)
    assert not stopping.is_alive()
    with pytest.raises(ConnectionRefusedError):
        call(idle, "/")
