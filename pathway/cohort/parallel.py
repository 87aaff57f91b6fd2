"""Running batches in order on an executor: the coordinating process itself (``--jobs 1``), N worker processes,
or a Dask cluster, with the same functions and plain picklable arguments.

:func:`ordered` keeps a window of batches in flight (two per worker) and yields each batch's result in the order
the batches were given, so what is written from them does not depend on which worker finished first, and the
inputs are read no further ahead than the window: memory stays flat in the cohort's size.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

from pathway.cohort.work import forkserver

T = TypeVar("T")
R = TypeVar("R")


def batched(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """The items in tuples of ``size`` (the last one shorter), read lazily."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity where the system has one)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


class InProcess(Executor):
    """An executor that runs each call at once in this process (``--jobs 1``): no pickling, no start-up."""

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        future: Future[R] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to whoever reads the result, as a pool would
            future.set_exception(error)
        return future


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the coordinating process, which stops them and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def processes(jobs: int) -> Iterator[Executor]:
    """``jobs`` worker processes (``--jobs 1``: this process). Workers are started fresh (forkserver, which imports
    the worker's code once for all of them), never forked from a process holding threads or open trails; on an
    interrupt, queued batches are cancelled."""
    if jobs <= 1:
        yield InProcess()
        return
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=forkserver(), initializer=_ignore_interrupt)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def stop(executor: Executor) -> None:
    """Cancel what has not started and wait for what has (a Dask executor cancels nothing: it waits)."""
    try:
        executor.shutdown(wait=True, cancel_futures=True)
    except TypeError:
        executor.shutdown(wait=True)


def ordered(
    executor: Executor, fn: Callable[..., R], args: Iterable[tuple[Any, ...]], window: int
) -> Iterator[tuple[tuple[Any, ...], R]]:
    """``(a, fn(*a))`` for each ``a`` of ``args``, run on the executor with at most ``window`` calls in flight,
    yielded in the order of ``args``."""
    pending: deque[tuple[tuple[Any, ...], Future[R]]] = deque()
    for a in args:
        pending.append((a, executor.submit(fn, *a)))
        if len(pending) >= window:
            a, future = pending.popleft()
            yield a, future.result()
    while pending:
        a, future = pending.popleft()
        yield a, future.result()


@contextmanager
def executor_for(jobs: int | None, dask: str | None) -> Iterator[tuple[Executor, int, str]]:
    """The executor ``--jobs`` or ``--dask`` asks for, with its number of workers and the scheduler's name."""
    if dask is not None:
        from pathway.cohort.cluster import dask_executor

        with dask_executor(dask) as (executor, workers):
            yield executor, workers, f"dask {dask}"
        return
    workers = default_jobs() if jobs is None else jobs
    with processes(workers) as executor:
        yield executor, workers, "processes"
