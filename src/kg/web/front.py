"""The front of an HTTP process: an RSGI application (kg.web.httpd) in front of the WSGI app.

A WSGI app reads its request body in its request thread, with no deadline: a client that
announces a body and sends nothing holds that thread for as long as it keeps its socket
open, and a handful of such sockets stop the server. So, as nginx does before it hands a
request on, the body is read here first, in the process's event loop, where a waiting client costs a coroutine and no
thread: in full within ``client_timeout_s`` (however it trickles in) and at most
``max_request_bytes``, or the client gets 408 or 413 and its connection is closed. Only a
complete request reaches the WSGI app, run in one of ``threads`` request threads.

A hop to a request thread and back costs about a tenth of a millisecond, as much as a cheap
query; so the SPARQL endpoint (``endpoint``: its path, and how it answers a request as RSGI
gives it, see kg.web.sparql) is answered without WSGI, and a request without a body first at
once (``answer_at_once``: as kg.web.httpd parses it, in the event loop), where the engine
refuses to wait (``WouldWait``: the query would go to a
worker) and the request then goes to a thread. Before that, a plain GET of a query shape
the fast lane answered before is tried the quick way (``quick``: see kg.web.sparql.quick).
"""

from __future__ import annotations

import asyncio
import io
import logging
import queue
import sys
import threading
from typing import Callable

from .logs import access
from ..sparql.engine import WouldWait, may_wait

log = logging.getLogger("kg.web.front")

#: methods whose requests carry no body unless they say so (Content-Length, Transfer-Encoding)
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class _TooLarge(Exception):
    pass


class Front:
    """An RSGI application (``__rsgi__``) that runs ``wsgi_app`` on complete requests."""

    def __init__(self, wsgi_app: Callable, threads: int, client_timeout_s: float, max_request_bytes: int,
                 endpoint: tuple[str, Callable, Callable] | None = None):
        """``endpoint``: (path, ``respond(scope, body)``, ``quick(scope)``): ``respond``
        answers requests to the path as (status, headers, body), or None to leave one to the
        WSGI app; ``quick`` answers a request without a body the same, when it can at once
        and with little work, or None."""
        self.app = wsgi_app
        self.endpoint_path, self.endpoint, self.quick = endpoint or (None, None, None)
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        for i in range(max(1, threads)):
            threading.Thread(target=self._request_thread, daemon=True, name=f"kg-request-{i}").start()
        self.client_timeout_s = client_timeout_s
        self.max_request_bytes = max_request_bytes
        self._static_environ = {
            "SCRIPT_NAME": "",
            "wsgi.version": (1, 0),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,  # the body is complete: read it to its end
        }

    async def __rsgi__(self, scope, proto) -> None:
        headers = scope.headers
        length = headers.get("content-length")
        if scope.method in _BODYLESS and length is None and "transfer-encoding" not in headers:
            body = b""
            answer = self.answer_at_once(scope)
            if answer is not None:
                proto.response_bytes(*answer)
                return
        else:
            too_large = f"the request body is larger than this endpoint's limit of {self.max_request_bytes} bytes"
            if length is not None and (not length.isdigit() or int(length) > self.max_request_bytes):
                self._refuse(scope, proto, 413, too_large, "too-large")
                return
            try:
                async with asyncio.timeout(self.client_timeout_s):
                    body = await self._read_body(proto)
            except TimeoutError:
                self._refuse(scope, proto, 408, f"the request body did not arrive within {self.client_timeout_s:g} s",
                             "slow-body")
                return
            except _TooLarge:
                self._refuse(scope, proto, 413, too_large, "too-large")
                return
        # The request thread answers the client itself; this coroutine only has to outlive
        # that answer (kg.web.httpd answers 500 for a request whose coroutine ended unanswered).
        done = asyncio.get_running_loop().create_future()
        self._requests.put((scope, body, proto, done))
        await done

    async def _read_body(self, proto) -> bytes:
        chunks, size = [], 0
        async for chunk in proto:
            if not chunk:
                break
            size += len(chunk)
            if size > self.max_request_bytes:
                raise _TooLarge()
            chunks.append(chunk)
        return b"".join(chunks)

    def _refuse(self, scope, proto, status: int, message: str, outcome: str) -> None:
        """Answer without reading (the rest of) the body; the connection is closed after."""
        body = (message + "\n").encode("utf-8")
        proto.response_bytes(status, [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")], body)
        access('%s "%s %s" %d outcome=%s form=- rows=- bytes=%d time=-', scope.client.rpartition(":")[0] or "-",
               scope.method, scope.path, status, outcome, len(body))

    def _environ(self, scope, body: bytes) -> dict:
        server_host, _, server_port = scope.server.rpartition(":")
        environ = dict(self._static_environ)
        environ.update({
            "REQUEST_METHOD": scope.method,
            # WSGI's strings are bytes seen as latin-1 (PEP 3333); RSGI's path is decoded UTF-8
            "PATH_INFO": scope.path.encode("utf-8", "surrogateescape").decode("latin-1"),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": server_host.strip("[]"),
            "SERVER_PORT": server_port,
            "SERVER_PROTOCOL": "HTTP/" + scope.http_version,
            "REMOTE_ADDR": scope.client.rpartition(":")[0].strip("[]"),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
        })
        for key, value in scope.headers.items():
            if key == "content-type":
                environ["CONTENT_TYPE"] = value
            elif key in ("content-length", "transfer-encoding") or "_" in key:
                # the length is the body's as read; a name with "_" would pass for one with
                # "-" in the environ (nginx drops them too)
                continue
            else:
                name = "HTTP_" + key.upper().replace("-", "_")
                if name in environ:
                    value = environ[name] + ("; " if key == "cookie" else ", ") + value
                environ[name] = value
        return environ

    def answer_at_once(self, scope) -> tuple | None:
        """The endpoint's answer to a request without a body when it comes at once, without
        waiting for a query worker (the quick way, or the fast lane); None for every other
        request, and for one that would wait. Safe in any thread: it neither awaits nor
        touches the event loop. kg.web.httpd calls it, as a request is parsed, only for a
        request without a body (no Content-Length, no Transfer-Encoding)."""
        if scope.path != self.endpoint_path or scope.method not in _BODYLESS:
            return None
        return self._try_quick(scope) or self._try_at_once(scope)

    def _try_quick(self, scope) -> tuple | None:
        try:
            return self.quick(scope)
        except Exception:  # noqa: BLE001 - the endpoint's usual way answers it
            log.exception("the quick way failed on %s %s", scope.method, scope.path)
            return None

    def _try_at_once(self, scope) -> tuple | None:
        """The endpoint's answer if it comes without waiting; None if it would wait, or if
        the WSGI app is to answer."""
        token = may_wait.set(False)
        try:
            return self.endpoint(scope, b"")
        except WouldWait:
            return None
        except Exception:  # noqa: BLE001 - in a thread, as any request
            log.exception("the endpoint failed on %s %s", scope.method, scope.path)
            return None
        finally:
            may_wait.reset(token)

    def _answer(self, scope, body: bytes) -> tuple:
        if scope.path == self.endpoint_path:
            answer = self.endpoint(scope, body)
            if answer is not None:
                return answer
        return self._call_app(self._environ(scope, body))

    def _request_thread(self) -> None:
        while True:
            scope, body, proto, done = self._requests.get()
            try:
                proto.response_bytes(*self._answer(scope, body))
            except Exception:  # noqa: BLE001 - kg.web.httpd answers 500; the thread serves on
                log.exception("no answer to %s %s", scope.method, scope.path)
            finally:
                try:
                    done.get_loop().call_soon_threadsafe(done.set_result, None)
                except RuntimeError:  # the loop is closed: the process is ending
                    pass

    def _call_app(self, environ: dict) -> tuple[int, list[tuple[str, str]], bytes]:
        """Run the WSGI app on one request; its whole answer."""
        started: list = []

        def start_response(status: str, headers: list, exc_info=None):
            if exc_info and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return chunks.append

        chunks: list[bytes] = []
        try:
            result = self.app(environ, start_response)
            try:
                chunks.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except WouldWait:
            raise
        except Exception:  # noqa: BLE001 - one request's failure, answered as such
            log.exception("the application failed on %s %s", environ["REQUEST_METHOD"], environ["PATH_INFO"])
            return 500, [("Content-Type", "text/plain; charset=utf-8")], b"the server failed on this request\n"
        status, headers = started
        return int(status[:3]), headers, b"".join(chunks)
