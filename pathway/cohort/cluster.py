"""Dask: the same batches on a cluster. ``--dask tcp://host:8786`` uses a running scheduler; ``--dask local``
starts a ``distributed.LocalCluster`` of two worker processes for trying it out.

Workers receive each batch as plain data (the pathway's canonical JSON and the journeys' items) and build the
pathway themselves; they read the journey files and write the trails at the paths the coordinating process gives,
so the inputs and the output folder must be on a file system every worker sees at the same path (see
docs/cohorts.md). ``dask[distributed]`` is an optional dependency (``pip install 'pathway[dask]'``).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

from pathway.cohort.work import forkserver
from pathway.errors import UsageError

LOCAL_WORKERS = 2


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError("--dask needs dask's distributed scheduler: pip install 'pathway[dask]'") from None
    return distributed


def _local_cluster(distributed: Any) -> Any:
    """Two local worker processes, forked from a fork server that has imported dask and pathway's worker code
    once (not forked from this process, which holds the scheduler's threads; nor spawned, each importing both
    again: about a second more per run)."""
    import dask

    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        distributed.utils.get_mp_context()  # dask's own preload list, set once per process
        forkserver("distributed")
        return distributed.LocalCluster(
            n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
        )


@contextmanager
def dask_executor(scheduler: str) -> Iterator[tuple[Executor, int]]:
    """An executor on the cluster, and how many workers it has (at least one)."""
    distributed = _distributed()
    cluster = None
    if scheduler == "local":
        cluster = _local_cluster(distributed)
        client = distributed.Client(cluster)
    else:
        try:
            client = distributed.Client(scheduler, timeout="10s")
        except OSError as error:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {error}", parameter="dask") from None
    try:
        workers = max(1, sum(client.nthreads().values()))
        yield client.get_executor(pure=False), workers
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
