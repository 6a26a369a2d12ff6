"""HTTP/1.1 in one HTTP process: an asyncio protocol on uvloop, parsed by httptools (llhttp).

Why not granian or uvicorn: a point lookup costs little more than what those servers spend
on the request around it. granian hands every answer from its Python thread to its Rust
runtime's thread (a wake-up per request), and uvicorn runs ASGI's task and messages per
request. For a fixed 200-byte answer, two processes each, the server's CPU per request with
one keep-alive client and with four (2026-12-02, two cores): granian's RSGI 106–115 and
33–44 µs, uvicorn (httptools, uvloop) 56–57 and 31–37 µs, this module 41–43 and 22–23 µs.
Here a request the app can answer at once (``answer_at_once``) is answered in
``data_received``, with no task and no other thread; every other request runs as a task in
the same loop.

The app is RSGI-shaped, so that it reads as it would under any RSGI server:
``app.__rsgi__(scope, proto)`` with the subset of RSGI that kg.web.front uses (``Scope``,
``Headers``, and ``Exchange`` as the protocol: ``response_bytes`` from any thread, the body
as ``async for chunk in proto``), and
optionally ``app.answer_at_once(scope)``: (status, headers, body) or None.

What the server itself promises: a request's headers must be complete within
``header_timeout_s`` of its first byte, or the connection is closed; an idle keep-alive
connection is closed after ``KEEPALIVE_S``; headers (with the request line) over
``max_head_bytes`` get 431; a request that is not HTTP/1.x gets 400. Answers go out in the
order requests came (pipelining). A connection the server closes after an answer while the
client may still be sending is closed in stages (RFC 9112, 9.6; nginx's lingering close):
the server stops writing, reads and drops what comes for up to ``LINGER_S``, then closes,
so that the client's kernel is not sent a reset that may discard the answer unread.
"""

from __future__ import annotations

import asyncio
import collections
import http
import logging
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any, Callable, Iterable
from urllib.parse import unquote_to_bytes

import httptools

log = logging.getLogger("kg.web.httpd")

#: seconds an idle keep-alive connection is kept (nginx's default keepalive_timeout)
KEEPALIVE_S = 75.0
#: seconds a closing connection reads and drops what the client still sends
LINGER_S = 2.0
#: requests parsed ahead of the one being answered (pipelining) before reading pauses
MAX_QUEUED = 16
#: bytes of a request body buffered and not yet read by the app before reading pauses
MAX_BUFFERED = 256 * 1024
SERVER_NAME = b"kg"

Answer = tuple[int, list[tuple[str, str]], bytes]


class Headers:
    """A request's headers as RSGI gives them: names in lower case; ``get`` the first value
    of a name, ``items`` all in order."""

    __slots__ = ("_items", "_first")

    def __init__(self, items: list[tuple[str, str]]):
        self._items = items
        first: dict[str, str] = {}
        for name, value in items:
            first.setdefault(name, value)
        self._first = first

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._first.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._first

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)


@dataclass(slots=True)
class Scope:
    """One request as RSGI describes it (``path`` percent-decoded as UTF-8; ``query_string``
    as sent; ``client`` and ``server`` as ``host:port``)."""

    method: str
    http_version: str
    path: str
    query_string: str
    headers: Headers
    client: str
    server: str
    scheme: str = "http"


class ClientDisconnected(ConnectionError):
    """The client closed its connection before its request body was complete."""


class Exchange:
    """One request and its answer: the RSGI protocol object the app is given."""

    __slots__ = ("conn", "scope", "keep_alive", "bodyless", "expects_continue", "answered", "_chunks", "_buffered",
                 "_complete", "_lost", "_waiter")

    def __init__(self, conn: "Connection", scope: Scope, keep_alive: bool, bodyless: bool, expects_continue: bool):
        self.conn = conn
        self.scope = scope
        self.keep_alive = keep_alive
        self.bodyless = bodyless
        self.expects_continue = expects_continue
        self.answered = False
        self._chunks: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._complete = bodyless
        self._lost = False
        self._waiter: asyncio.Future | None = None

    # -- the answer (from the loop's thread or any other) --

    def response_bytes(self, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
        self.conn.answer(self, status, headers, bytes(body))

    # -- the request body, read in the loop --

    def __aiter__(self) -> "Exchange":
        return self

    async def __anext__(self) -> bytes:
        while not self._chunks:
            if self._lost:
                raise ClientDisconnected("the client closed the connection before its request body was complete")
            if self._complete:
                raise StopAsyncIteration
            if self.expects_continue:
                self.expects_continue = False
                self.conn.send_continue()
            self._waiter = self.conn.loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        chunk = self._chunks.popleft()
        self._buffered -= len(chunk)
        if self._buffered < MAX_BUFFERED:
            self.conn.resume_reading()
        return chunk

    def feed(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        self._buffered += len(chunk)
        if self._buffered >= MAX_BUFFERED:
            self.conn.pause_reading()
        self._wake()

    @property
    def complete(self) -> bool:
        """The whole request has arrived (a body to its end)."""
        return self._complete

    def feed_end(self) -> None:
        self._complete = True
        self._wake()

    def lost(self) -> None:
        self._lost = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


_reasons: dict[int, bytes] = {}


def _status_line(status: int) -> bytes:
    line = _reasons.get(status)
    if line is None:
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        line = _reasons[status] = b"HTTP/1.1 %d %s\r\n" % (status, phrase.encode("ascii"))
    return line


_date: list = [0, b""]


def _date_header() -> bytes:
    now = int(time.time())
    if _date[0] != now:
        _date[:] = [now, b"date: " + formatdate(now, usegmt=True).encode("ascii") + b"\r\n"]
    return _date[1]


#: statuses whose answers have no body and no length (RFC 9110, 6.4.1)
_NO_BODY = frozenset({204, 304})
#: headers the server writes itself
_OWN = frozenset({"content-length", "transfer-encoding", "connection", "date", "server", "keep-alive"})


class Limits:
    """What one connection may take (kg.web.server makes it from Settings)."""

    __slots__ = ("header_timeout_s", "max_head_bytes", "keepalive_s")

    def __init__(self, header_timeout_s: float, max_head_bytes: int = 1 << 20, keepalive_s: float = KEEPALIVE_S):
        self.header_timeout_s = header_timeout_s
        self.max_head_bytes = max_head_bytes
        self.keepalive_s = keepalive_s


class HttpServer:
    """The HTTP server of one process: the app, the limits, and the open connections, whose
    deadlines a sweep checks every ``SWEEP_S`` seconds (a timer per request costs more
    than our whole handling of a request; a deadline is kept to within ``SWEEP_S``)."""

    SWEEP_S = 0.5

    def __init__(self, app: Any, limits: Limits):
        self.app = app
        self.answer_at_once: Callable[[Scope], Answer | None] | None = getattr(app, "answer_at_once", None)
        self.limits = limits
        self.connections: set[Connection] = set()
        self._sweeping = False

    def connection(self) -> "Connection":
        """A new connection's protocol (the factory for ``loop.create_server``)."""
        if not self._sweeping:
            self._sweeping = True
            asyncio.get_running_loop().call_later(self.SWEEP_S, self._sweep)
        return Connection(self)

    def _sweep(self) -> None:
        now = time.monotonic()
        for connection in list(self.connections):
            connection.check_deadlines(now)
        asyncio.get_running_loop().call_later(self.SWEEP_S, self._sweep)


class Connection(asyncio.Protocol):
    """One client connection."""

    def __init__(self, server: HttpServer):
        self.httpd = server
        self.app = server.app
        self.answer_at_once = server.answer_at_once
        self.limits = server.limits
        self.loop = asyncio.get_running_loop()
        self.loop_thread = threading.get_ident()
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.client = self.server = ""
        self.queue: collections.deque[Exchange] = collections.deque()  # parsed, not yet answered; [0] is answered next
        self.running = False  # the app is answering queue[0]
        self.closing = False
        self.paused = False
        self.eof = False  # the client sends no more
        self.idle_since: float | None = None  # no request under way since then
        self.head_since: float | None = None  # a request's headers began, not yet complete
        self._head_bytes = 0
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._current: Exchange | None = None  # the request whose body is being parsed

    # -- the connection --

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.transport = transport
        self.client = _address(transport.get_extra_info("peername"))
        self.server = _address(transport.get_extra_info("sockname"))
        self.idle_since = time.monotonic()
        self.httpd.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.httpd.connections.discard(self)
        for exchange in self.queue:
            exchange.lost()
        if self._current is not None:
            self._current.lost()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return  # (lingering: dropped)
        if self._current is None:  # (not within a body: what comes is headers, mostly)
            self._head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # (no protocol switch here: the request is answered as plain HTTP, and the
            # connection closed after it, since what follows is not HTTP)
            for exchange in self.queue:
                exchange.keep_alive = False
        except httptools.HttpParserError as exc:
            self._refuse(400, f"not an HTTP/1.x request: {exc}")
            return
        if self.head_since is not None and self._head_bytes > self.limits.max_head_bytes:
            self._refuse(431, f"the request line and headers are larger than {self.limits.max_head_bytes} bytes")

    def eof_received(self) -> bool | None:
        self.eof = True
        if self._current is not None:  # (a body cut short)
            self._current.lost()
        if not self.queue and not self.running:
            return None  # the transport closes itself
        return True  # half-closed: the answers still go out, then the connection closes

    def pause_reading(self) -> None:
        if not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self.paused and self.transport is not None and len(self.queue) < MAX_QUEUED:
            self.paused = False
            self.transport.resume_reading()

    def check_deadlines(self, now: float) -> None:
        """Close the connection when a request's headers are overdue, or it idled too long."""
        if self.transport is None or self.closing:
            return
        if self.head_since is not None and now - self.head_since > self.limits.header_timeout_s:
            log.info("headers from %s not complete within %g s: closed", self.client, self.limits.header_timeout_s)
        elif not (self.idle_since is not None and now - self.idle_since > self.limits.keepalive_s
                  and not self.queue and not self.running):
            return
        self.closing = True
        self.transport.close()

    # -- parsing (httptools' callbacks) --

    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = []
        self.idle_since = None
        self.head_since = time.monotonic()

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.head_since = None
        if self._head_bytes > self.limits.max_head_bytes and self._exact_head_bytes() > self.limits.max_head_bytes:
            self._refuse(431, f"the request line and headers are larger than {self.limits.max_head_bytes} bytes")
            raise httptools.HttpParserError("too large")  # (stops the parser)
        self._head_bytes = 0
        parser = self.parser
        try:
            url = httptools.parse_url(self._url)
        except httptools.HttpParserInvalidURLError:
            self._refuse(400, "the request target is not a valid URL")
            raise httptools.HttpParserError("invalid URL")  # (stops the parser)
        raw = url.path or b"/"
        path = (unquote_to_bytes(raw) if b"%" in raw else raw).decode("utf-8", "surrogateescape")
        headers = Headers([(n.decode("latin-1").lower(), v.decode("latin-1")) for n, v in self._headers])
        bodyless = "content-length" not in headers and "transfer-encoding" not in headers
        version = parser.get_http_version()
        scope = Scope(parser.get_method().decode("ascii"), version, path, (url.query or b"").decode("latin-1"),
                      headers, self.client, self.server)
        expects = version == "1.1" and headers.get("expect", "").lower() == "100-continue"
        exchange = self._current = Exchange(self, scope, parser.should_keep_alive(), bodyless, expects)
        if not bodyless:  # the app may start on it (and refuse it) before its body is here
            self._enqueue(exchange)

    def _exact_head_bytes(self) -> int:
        # (what data_received counts may hold the start of a body, or of the next requests)
        return len(self._url) + sum(len(name) + len(value) + 4 for name, value in self._headers)

    def on_body(self, body: bytes) -> None:
        if self._current is not None:
            self._current.feed(body)

    def on_message_complete(self) -> None:
        exchange, self._current = self._current, None
        if exchange is None:
            return
        exchange.feed_end()
        if exchange.bodyless:  # its headers were all of it
            self._enqueue(exchange)

    # -- answering, in order --

    def _enqueue(self, exchange: Exchange) -> None:
        self.queue.append(exchange)
        if len(self.queue) >= MAX_QUEUED:
            self.pause_reading()
        if not self.running:
            self._next()

    def _next(self) -> None:
        """Answer the requests at the head of the queue: at once when the app can, else
        start the app's task on the first and come back when it has answered."""
        queue = self.queue
        while queue and not self.running and self.transport is not None and not self.closing:
            exchange = queue[0]
            if exchange.bodyless and self.answer_at_once is not None:
                try:
                    answer = self.answer_at_once(exchange.scope)
                except Exception:  # noqa: BLE001 - the app's task answers it
                    log.exception("answering %s %s at once failed", exchange.scope.method, exchange.scope.path)
                    answer = None
                if answer is not None:
                    self.answer(exchange, *answer)
                    continue
            self.running = True
            self.loop.create_task(self._run(exchange))
        if self.paused:
            self.resume_reading()

    async def _run(self, exchange: Exchange) -> None:
        try:
            await self.app.__rsgi__(exchange.scope, exchange)
        except ClientDisconnected:
            pass
        except Exception:  # noqa: BLE001 - one request's failure
            log.exception("the application failed on %s %s", exchange.scope.method, exchange.scope.path)
        if not exchange.answered:
            self.answer(exchange, 500, [("Content-Type", "text/plain; charset=utf-8")],
                        b"the server failed on this request\n")
        self.running = False
        self._next()

    def answer(self, exchange: Exchange, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
        """Write the answer to ``exchange`` (called from any thread)."""
        if threading.get_ident() != self.loop_thread:
            self.loop.call_soon_threadsafe(self.answer, exchange, status, headers, body)
            return
        if exchange.answered:
            log.error("a second answer to %s %s was dropped", exchange.scope.method, exchange.scope.path)
            return
        exchange.answered = True
        queue = self.queue
        if queue and queue[0] is exchange:
            queue.popleft()
        keep_alive = exchange.keep_alive and exchange.complete and not self.closing and not (self.eof and not queue)
        lines = []
        for name, value in headers:
            low = name.lower()
            if low in _OWN:
                if low == "connection" and "close" in value.lower():
                    keep_alive = False
                continue
            if "\n" in value or "\r" in value:  # (an answer's header never splits in two)
                value = value.replace("\r", " ").replace("\n", " ")
            lines.append(f"{name}: {value}\r\n")
        if status in _NO_BODY:
            body = b""
        else:
            lines.append(f"content-length: {len(body)}\r\n")
        if not keep_alive:
            lines.append("connection: close\r\n")
        text = "".join(lines)
        try:
            block = text.encode("latin-1")
        except UnicodeEncodeError:
            block = text.encode("utf-8")
        head = _status_line(status) + block + _date_header() + _SERVER
        transport = self.transport
        if transport is None:
            return
        if exchange.scope.method == "HEAD":
            body = b""
        if len(body) < 65536:
            transport.write(head + body)  # (one system call)
        else:
            transport.write(head)
            transport.write(body)
        if not keep_alive:
            self._close_after_answer()
        elif not queue and not self.running and self._current is None:
            self.idle_since = time.monotonic()

    def send_continue(self) -> None:
        if self.transport is not None and not self.closing:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def _refuse(self, status: int, message: str) -> None:
        """Answer a request the app never sees, and close."""
        if self.transport is None or self.closing:
            return
        body = (message + "\n").encode("utf-8")
        self.transport.write(_status_line(status) + b"content-type: text/plain; charset=utf-8\r\n"
                             + b"content-length: %d\r\nconnection: close\r\n" % len(body) + _date_header()
                             + _SERVER + body)
        self._close_after_answer()

    def _close_after_answer(self) -> None:
        """Stop writing, drop what the client still sends for up to LINGER_S, then close."""
        self.closing = True
        for exchange in self.queue:  # (requests pipelined behind it are not answered)
            exchange.lost()
        transport = self.transport
        if transport is None:
            return
        if transport.can_write_eof():
            transport.write_eof()
            self.resume_reading()
            self.loop.call_later(LINGER_S, transport.close)
        else:
            transport.close()


_SERVER = b"server: " + SERVER_NAME + b"\r\n\r\n"


def _address(addr: Any) -> str:
    if isinstance(addr, tuple) and len(addr) >= 2:
        host = addr[0]
        return f"[{host}]:{addr[1]}" if ":" in host else f"{host}:{addr[1]}"
    return str(addr or "")
