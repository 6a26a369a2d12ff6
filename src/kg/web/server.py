"""The HTTP server behind ``kg serve``: granian (HTTP in Rust) in front of the app.

granian accepts and parses HTTP in Rust and runs the app in several processes
(``http_workers``), so requests are not serialised behind one Python interpreter. Each of
those processes builds its own app (``worker_app``) with its own pool of killable query
workers (``kg.web.pool``): a runaway query is stopped by killing its worker, never the HTTP
process. If an HTTP process ends anyway, granian starts a new one.

granian talks to each process through RSGI, its asynchronous interface: request bodies are
read in the process's event loop with a deadline (``kg.web.front``), so a slow or silent
client holds no thread; complete requests go to the WSGI app in a few request threads
(``--threads``, default: one more than its query workers, so that with every worker busy it
still answers from the fast lane). Threads that run Python at the same time contend for the
interpreter lock: on two cores four threads per process served point lookups at about half
the rate of two (bench/bench.py). A thread waiting on a query worker runs no Python, so slow
queries do not slow the others down; they only occupy a thread until they end or are stopped
at the time limit.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

from ..config import Settings

log = logging.getLogger("kg.web.server")


def default_http_workers() -> int:
    """One per two cores, at least two (so one HTTP process's stall is not the server's)."""
    return max(2, min(8, (os.cpu_count() or 1) // 2))


def worker_app(config: str):
    """The app of one HTTP process, as granian calls it there (RSGI; ``config`` is JSON)."""
    from . import create_app
    from .front import Front
    from .logs import use_queued_log
    from .sparql import may_answer_at_once

    use_queued_log()
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    c = json.loads(config)
    settings = Settings.from_json(c["settings"])
    app = create_app(settings, store_path=Path(c["store_path"]) if c["store_path"] else None, zygote=c["zygote"])
    engine = app.extensions["kg.engine"]
    engine.start()
    log.info("HTTP process %d: %d query workers (network %s)", os.getpid(), engine.pool.size,
             "isolated" if engine.pool.network_isolated else "not isolated")
    return Front(app, c["threads"], settings.client_timeout_s, settings.max_request_bytes, may_answer_at_once)


def _end_with_parent(parent: int) -> None:
    """End this HTTP process when the server process that started it is gone (even killed
    with SIGKILL), instead of serving on as an orphan."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            log.warning("the server process is gone: HTTP process %d ends", os.getpid())
            logging.shutdown()
            os._exit(1)


def serve(settings: Settings, host: str, port: int, http_workers: int, threads: int,
          store_path: Path | None = None) -> None:
    """Serve until SIGINT/SIGTERM."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    from .. import store as store_mod
    from . import zygote

    run_dir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    socket_path = run_dir / "zygote.sock"
    serving = str(store_path or store_mod.current_store_path(settings))
    log.info("query zygote: loading the default graph of %s into memory", serving)
    zygote_proc = zygote.start(socket_path, not settings.service_allow, settings.worker_memory_mb, serving,
                               settings.memory_store_max_triples)
    config = json.dumps({"settings": settings.to_json(), "store_path": str(store_path) if store_path else None,
                         "zygote": str(socket_path), "threads": threads})
    # granian would fork the HTTP processes from this one, which may have built the store or
    # a serving copy (RocksDB's threads, a JVM for HermiT): start them afresh instead.
    multiprocessing.set_start_method("spawn", force=True)
    server = Server(
        "kg.web:app",  # a name for granian's log; the app comes from target_loader
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        workers=http_workers,
        # a client has as long to send its headers as its body (the body: kg.web.front)
        http1_settings=HTTP1Settings(header_read_timeout=int(settings.client_timeout_s * 1000)),
        respawn_failed_workers=True,
        respawn_interval=0.5,
        log_level="warning",
    )
    log.info("%d HTTP processes x %d threads, %d query workers each", http_workers, threads,
             settings.query_workers)
    try:
        server.serve(target_loader=partial(worker_app, config), wrap_loader=False)
    finally:
        zygote_proc.kill()
        shutil.rmtree(run_dir, ignore_errors=True)
