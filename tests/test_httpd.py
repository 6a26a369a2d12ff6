"""HTTP/1.1 as kg.web.httpd speaks it, on loopback: a real socket, a real uvloop, a small app.

The endpoint's own behaviour over HTTP is tested through kg serve (test_http, test_protocol,
test_safety); here the server's framing: pipelining, HEAD, chunked bodies, 100-continue,
answers from other threads, and what it does with bad or slow input.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

from kg.web.httpd import HttpServer, Limits


class App:
    """Answers ``/now…`` at once; anything else in a task: the request echoed back, from a
    thread for ``/thread``; ``/refuse`` without reading the body (as kg.web.front does)."""

    def answer_at_once(self, scope):
        if scope.path.startswith("/now"):
            return 200, [("Content-Type", "text/plain")], f"now {scope.path}".encode()
        return None

    async def __rsgi__(self, scope, proto):
        if scope.path == "/refuse":
            proto.response_bytes(413, [("Connection", "close")], b"too large\n")
            return
        if scope.path == "/fail":
            raise RuntimeError("the app failed")
        body = b"".join([chunk async for chunk in proto])
        text = (f"{scope.method} {scope.path} ?{scope.query_string} {len(body)} {scope.headers.get('x-a')} "
                f"{[v for k, v in scope.headers.items() if k == 'x-a']} {scope.client.split(':')[0]}").encode()
        if scope.path == "/thread":
            done = asyncio.get_running_loop().create_future()

            def answer():
                proto.response_bytes(200, [("Content-Type", "text/plain")], text + body)
                done.get_loop().call_soon_threadsafe(done.set_result, None)

            threading.Thread(target=answer).start()
            await done
            return
        proto.response_bytes(200, [("Content-Type", "text/plain")], text + b"|" + body)


@pytest.fixture(scope="module")
def port():
    import uvloop

    loop = uvloop.new_event_loop()
    listener = socket.create_server(("127.0.0.1", 0))
    httpd = HttpServer(App(), Limits(header_timeout_s=1.0, max_head_bytes=8192, keepalive_s=2.0))
    httpd.SWEEP_S = 0.2

    def run():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(loop.create_server(httpd.connection, sock=listener))
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    yield listener.getsockname()[1]
    loop.call_soon_threadsafe(loop.stop)


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def read_answers(sock: socket.socket, n: int, head_only: tuple[int, ...] = ()) -> list[tuple[str, dict, bytes]]:
    """``n`` answers from ``sock``: (status line, headers, body); the ``head_only``-th have no body."""
    data, answers = b"", []
    while len(answers) < n:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"closed after {len(answers)} answers: {data!r}"
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        size = 0 if len(answers) in head_only else int(headers.get("content-length", 0))
        while len(data) < size:
            data += sock.recv(65536)
        answers.append((status, headers, data[:size]))
        data = data[size:]
    return answers


def read_to_close(sock: socket.socket, limit: float = 5) -> bytes:
    sock.settimeout(limit)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return data


def test_pipelined_requests_are_answered_in_order(port):
    with connect(port) as s:
        s.sendall(b"GET /now/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                  b"GET /thread HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /now/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        answers = read_answers(s, 4)
    assert [a[0] for a in answers] == ["HTTP/1.1 200 OK"] * 4
    assert answers[0][2] == b"now /now/1"
    assert answers[1][2] == b"POST /echo ?a=1 5 None [] 127.0.0.1|hello"
    assert answers[2][2].startswith(b"GET /thread")
    assert answers[3][2] == b"now /now/2"
    assert all(a[1]["server"] == "kg" and "date" in a[1] for a in answers)


def test_head_has_the_length_of_get_and_no_body(port):
    with connect(port) as s:
        s.sendall(b"HEAD /now/x HTTP/1.1\r\nHost: x\r\n\r\nGET /now/x HTTP/1.1\r\nHost: x\r\n\r\n")
        head, get = read_answers(s, 2, head_only=(0,))
    assert head[1]["content-length"] == get[1]["content-length"] == str(len(b"now /now/x"))
    assert head[2] == b"" and get[2] == b"now /now/x"


def test_a_chunked_body_is_read_whole_and_headers_as_sent(port):
    with connect(port) as s:
        s.sendall(b"POST /a%20b/%C3%A9 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-a: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"3\r\nabc\r\n")
        time.sleep(0.2)
        s.sendall(b"4\r\ndefg\r\n0\r\n\r\n")
        (status, _, body), = read_answers(s, 1)
    assert status == "HTTP/1.1 200 OK"
    assert body == "POST /a b/é ? 7 1 ['1', '2'] 127.0.0.1|abcdefg".encode()


def test_expect_100_continue_is_answered_when_the_body_is_read(port):
    with connect(port) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        s.sendall(b"xyz")
        (status, _, body), = read_answers(s, 1)
    assert status == "HTTP/1.1 200 OK" and body.endswith(b"|xyz")


def test_an_app_that_fails_gets_500_and_the_connection_serves_on(port):
    with connect(port) as s:
        s.sendall(b"GET /fail HTTP/1.1\r\nHost: x\r\n\r\nGET /now/after HTTP/1.1\r\nHost: x\r\n\r\n")
        failed, after = read_answers(s, 2)
    assert failed[0] == "HTTP/1.1 500 Internal Server Error" and after[2] == b"now /now/after"


def test_http_1_0_is_closed_after_its_answer_and_1_1_kept(port):
    with connect(port) as s:
        s.sendall(b"GET /now/old HTTP/1.0\r\n\r\n")
        data = read_to_close(s)
    assert data.startswith(b"HTTP/1.1 200 OK") and b"connection: close" in data and data.endswith(b"now /now/old")
    with connect(port) as s:
        for i in range(3):
            s.sendall(f"GET /now/{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            (_, headers, body), = read_answers(s, 1)
            assert body == f"now /now/{i}".encode() and "connection" not in headers


@pytest.mark.parametrize("request_bytes, status", [
    (b"HELLO THERE\r\n\r\n", b"HTTP/1.1 400 "),
    (b"GET /now HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n", b"HTTP/1.1 400 "),
    (b"GET /now HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 9000 + b"\r\n\r\n", b"HTTP/1.1 431 "),
])
def test_bad_requests_are_refused_with_a_reason_and_closed(port, request_bytes, status):
    with connect(port) as s:
        s.sendall(request_bytes)
        data = read_to_close(s)
    assert data.startswith(status) and b"connection: close" in data, data[:200]
    assert data.split(b"\r\n\r\n", 1)[1].strip(), "no reason given"


def test_slow_headers_and_idle_connections_are_closed(port):
    half, idle = connect(port), connect(port)
    with half, idle:
        half.sendall(b"GET /now HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        assert read_to_close(half, 4) == b""
        assert 0.9 < time.monotonic() - started < 2.5  # (header timeout 1 s, checked every 0.2 s)
        assert read_to_close(idle, 4) == b""  # (keep-alive 2 s)
        assert time.monotonic() - started < 3.5


def test_a_refusal_before_the_body_reaches_the_client(port):
    """The app answers and closes while the client is still sending its body: the answer
    comes at once, not after the body, and reaches the client whole (the server stops
    writing, then drops what still comes before it closes: RFC 9112, 9.6)."""
    with connect(port) as s:
        s.sendall(b"POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" + b"q" * 200_000)
        time.sleep(0.3)
        try:
            s.sendall(b"q" * 200_000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        time.sleep(0.3)  # (a reset would have come by now, and taken the unread answer with it)
        data = read_to_close(s)
    assert data.startswith(b"HTTP/1.1 413 ") and data.endswith(b"too large\n"), data[:200]
