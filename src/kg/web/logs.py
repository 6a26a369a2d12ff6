"""Logging in an HTTP process: request threads hand lines to a queue; one thread writes.

A log line per request written by the request thread itself costs a write system call and
the logging module's record machinery, all while other request threads wait for the
interpreter lock: at four concurrent clients the access log cut the throughput of point
lookups by a third (measured with bench/bench.py). Here a request thread puts a tuple on a
queue (``access``); every ``FLUSH_S`` seconds a writer thread formats what has queued up and
writes it in one call. Other log records take the same path (``QueuedLog``).
"""

from __future__ import annotations

import atexit
import logging
import queue
import sys
import threading
import time

FLUSH_S = 0.2
ACCESS = "kg.access"
_access_logger = logging.getLogger(ACCESS)
_sink: "QueuedLog | None" = None


def access(fmt: str, *args) -> None:
    """One access log line (``fmt % args``) from the logger ``kg.access``."""
    if _sink is not None and _access_logger.isEnabledFor(logging.INFO):
        _sink.put_line(ACCESS, fmt, args)
    else:
        _access_logger.info(fmt, *args)


class QueuedLog(logging.Handler):
    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream or sys.stderr
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._write_lock = threading.Lock()
        self._writer = threading.Thread(target=self._run, daemon=True, name="kg-log-writer")
        self._writer.start()
        atexit.register(self.flush)

    def put_line(self, name: str, fmt: str, args: tuple) -> None:
        self._queue.put((time.time(), name, fmt, args))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            self._queue.put((record.created, record.name, text, None))
        except Exception:  # noqa: BLE001
            self.handleError(record)

    def flush(self) -> None:
        """Write everything queued so far (at exit, and before the process is ended)."""
        self._drain()

    def _run(self) -> None:
        # Sleep, then write what queued up: waking on every line would make the writer
        # compete with the request threads for the interpreter lock once per request.
        while True:
            time.sleep(FLUSH_S)
            self._drain()

    def _drain(self) -> None:
        with self._write_lock:
            lines = []
            try:
                while True:
                    created, name, fmt, args = self._queue.get_nowait()
                    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(created))
                    lines.append(f"{stamp},{int(created % 1 * 1000):03d} {name} {fmt % args if args else fmt}")
            except queue.Empty:
                pass
            if lines:
                try:
                    self.stream.write("\n".join(lines) + "\n")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass


def use_queued_log(level: int = logging.INFO) -> None:
    """Send this process's log records and access lines through one QueuedLog."""
    global _sink
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    _sink = QueuedLog()
    root.addHandler(_sink)
    root.setLevel(level)
