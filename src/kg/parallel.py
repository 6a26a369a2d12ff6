"""Where a build's per-document work runs: local processes, or a Dask cluster.

Both are a :class:`concurrent.futures.Executor` — a ``ProcessPoolExecutor`` of ``--jobs``
processes on this machine, or the executor of a ``distributed.Client`` connected to a
Dask scheduler (``--scheduler tcp://host:8786``), whose workers must have this project
installed and its data (lexicon, ontology, shapes) at the same paths — so the build maps
its functions the same way on either.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class SchedulerUnavailable(Exception):
    """The Dask scheduler named cannot be reached."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # (not Linux)
        return max(1, os.cpu_count() or 1)


@contextmanager
def executor(jobs: int = 0, scheduler: str | None = None,
             scheduler_timeout_s: float = 10.0) -> Iterator[Executor | None]:
    """An executor for a build's maps; None when the work should run in this process (one
    job and no scheduler: no processes to start, nothing to pickle)."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - a dependency of the project
            raise SchedulerUnavailable("--scheduler needs the 'distributed' package") from None
        try:
            client = Client(scheduler, timeout=f"{scheduler_timeout_s:g}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
        return
    jobs = jobs or default_jobs()
    if jobs <= 1:
        yield None
        return
    # fork: the workers start with what this process has loaded (the lexicon, the gazetteer,
    # the morphology), shared copy-on-write, instead of each loading them again
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_signals)
    try:
        yield pool
    except BaseException:
        _end(pool)
        raise
    pool.shutdown(wait=True)


@contextmanager
def side_process() -> Iterator[Executor | None]:
    """One process of this machine, forked now — with what this process has loaded, before
    it opens what a child should not inherit (a store being written) — for work the build
    waits for that should neither queue behind its pool's calls nor share this process's
    interpreter lock (the search index, beside the entailments). None where processes
    cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_signals)
    try:
        pool.submit(os.getpid).result()  # (an executor forks on its first call: now)
        yield pool
    except BaseException:
        _end(pool)
        raise
    pool.shutdown(wait=True)


def _end(pool: ProcessPoolExecutor) -> None:
    """Interrupted (Ctrl-C, a kill) or failed: the workers are ended now, not waited for —
    the executor has no public way to, hence its process table."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
    # Nothing queued for a worker is wanted any more: the interpreter must not wait, at exit,
    # for the queue's feeder thread to write it into a pipe no worker reads. CPython 3.11's
    # broken-pool cleanup closes that pipe, but only after failing the pending futures, and it
    # stops there when one of them was cancelled (InvalidStateError): a Ctrl-C then hung.
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        call_queue.cancel_join_thread()
    pool.shutdown(wait=False, cancel_futures=True)


def _worker_signals() -> None:
    """A worker leaves Ctrl-C to the build (which ends it), and dies at once when killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_map(function: Callable[..., R], items: Iterable[tuple], pool: Executor | None,
            done: Callable[[tuple, R], None], window: int = 0,
            call: Callable[..., tuple] | None = None) -> None:
    """Call ``function(*call(*item))`` (``function(*item)`` without ``call``) for every item —
    in ``pool``, or here when it is None — and ``done(item, result)`` in this process as each
    finishes (in any order). At most
    ``window`` calls are in flight at once (default: a few per worker), so that results
    are consumed as they come and memory stays flat however many items there are. The
    first exception raised by a call is raised here, after the calls in flight end."""
    arguments = call or (lambda *item: item)
    if pool is None:
        for item in items:
            done(item, function(*arguments(*item)))
        return
    window = window or 64
    pending: dict = {}
    iterator = iter(items)
    try:
        for item in iterator:
            pending[pool.submit(function, *arguments(*item))] = item
            if len(pending) >= window:
                finished = next(as_completed(pending))
                done(pending.pop(finished), finished.result())
        for finished in as_completed(list(pending)):
            done(pending.pop(finished), finished.result())
    except BaseException:
        for future in pending:
            future.cancel()
        raise
