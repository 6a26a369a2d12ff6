"""A query worker process: ``python -m kg.sparql.worker FD ISOLATE``.

Started by ``kg.sparql.pool`` with one end of a socket pair as file descriptor FD. Holds the
store open read-only and answers one request at a time: ``(op, store path, payload)`` in,
the pickled answer out. The pool kills it (SIGKILL) when a query overruns its deadline.

Imports nothing heavy (no rdflib, no Flask) so that a replacement starts quickly.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent ends, even killed with SIGKILL
    (Linux's PR_SET_PDEATHSIG). Strictly, when the parent's thread that forked it ends: fork
    from a thread that lives as long as the parent."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def isolate_network() -> bool:
    """Move this process into a new, empty network namespace: no interface, no route, so no
    query can open a connection, whatever it says. False where the kernel does not allow it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        try:
            if libc.unshare(flags) == 0:
                return True
        except AttributeError:
            return False
    return False


def check_update(text: str) -> str | None:
    """The syntax error of a SPARQL update, or None. Only parsed (rdflib's parser), never run."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception as exc:  # noqa: BLE001 - pyparsing's ParseException and friends
        return " ".join(str(exc).split())
    return None


def limit_memory(megabytes: int) -> None:
    """Cap the process's data segment (heap and anonymous mappings): a query that would take
    more fails (the worker ends and is replaced) instead of exhausting the machine."""
    if megabytes > 0:
        import resource

        limit = megabytes * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        except (ValueError, OSError):
            pass


def serve(fd: int, isolate: bool, memory_mb: int = 0) -> None:
    """A worker started on its own (``python -m kg.sparql.worker``): reads the store from disk."""
    from multiprocessing.connection import Connection

    die_with_parent()
    limit_memory(memory_mb)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    isolated = isolate_network() if isolate else False
    answer_requests(Connection(fd), isolated)


def answer_requests(conn, isolated: bool, memory=None) -> None:
    """Answer ``(op, store path, payload)`` requests until the server goes away.

    ``memory``: ``(store path, in-memory store of its default graph)`` (see kg.sparql.zygote);
    a query on that path that reads only the default graph runs there, all else on disk."""
    import pyoxigraph as ox

    from .. import store as store_mod
    from .engine import Answer, dataset_stats, execute

    memory_path, memory_store = memory or (None, None)
    conn.send_bytes(pickle.dumps(("ready", os.getpid(), isolated, memory_path)))
    stores: dict[str, ox.Store] = {}
    while True:
        try:
            op, path, payload = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the server is gone
        try:
            if op == "check_update":
                reply = check_update(payload)
            elif op == "query" and path == memory_path and payload.default_graph_only:
                reply = execute(memory_store, payload)
                reply.lane = "memory"
            else:
                store = stores.get(path)
                if store is None:
                    for old in stores:  # a new build was published: let the old one go
                        store_mod.release(old)
                    stores.clear()
                    store_mod.hold(path)  # (kg.store.prune leaves it alone)
                    store = stores[path] = ox.Store.read_only(path)
                if op == "query":
                    reply = execute(store, payload)
                elif op == "stats":
                    reply = dataset_stats(store, payload)
                else:  # "open": the store is open and warm
                    reply = "ok"
        except Exception as exc:  # noqa: BLE001 - report it; never die on a bad query
            reply = Answer(500, f"the query failed: {type(exc).__name__}: {exc}\n".encode())
        conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3]) if len(sys.argv) > 3 else 0)
