"""Where the per-file and per-shard work runs: here (processes) or on Dask.

Both steps of the build are pure functions of their inputs: the map
(:func:`kg.steps.map_chunk`: read a batch of files, turn their documents into
facts) and the reduce (:func:`kg.pieces.reduce_shard`: settle one shard).
``kg build --engine dask`` runs the very same functions as tasks of a
``dask.bag`` instead of local processes. The local machine's scheduler is the
default; point ``DASK_SCHEDULER_ADDRESS`` at a ``dask.distributed`` cluster to
spread both steps over its workers (the input files and the output folder
must be on a filesystem the workers share). Either engine gives the same bytes.

Dask rather than Spark: the per-file function is plain Python that returns
Python objects, which a Dask bag carries as they are; Spark would need a JVM
and serialising every document through its row model.

>>> workers_for(10, None), workers_for(10_000, 1)
(1, 1)
>>> list(run_tasks(abs, [-1, -2], workers=1))
[1, 2]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

ENGINES = ("local", "dask")
#: Fewer items than this run in one process (starting workers costs more than it saves).
PARALLEL_FROM = 400
#: Processes at most, whatever the machine has.
MAX_WORKERS = 8

T = TypeVar("T")
R = TypeVar("R")


def workers_for(items: int, requested: int | None) -> int:
    """How many processes to use for *items* items: the caller's number, else one per
    core (up to :data:`MAX_WORKERS`); one for small inputs."""
    if items < PARALLEL_FROM:
        return 1
    return max(1, requested if requested is not None else min(os.cpu_count() or 1, MAX_WORKERS))


def run_tasks(func: Callable[[T], R], tasks: list[T], workers: int, engine: str = "local") -> Iterator[R]:
    """``func`` over *tasks*, results in order: here, over forked processes, or on Dask."""
    if engine == "dask":
        yield from _with_dask(func, tasks)
        return
    if workers <= 1 or len(tasks) < 2:
        for task in tasks:
            yield func(task)
        return
    import gc
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    gc.freeze()  # forked workers then never touch (and so copy) the parent's objects to collect them
    try:
        with context.Pool(workers) as pool:
            yield from pool.imap(func, tasks)
    finally:
        gc.unfreeze()


def chunked(items: list[T], workers: int, smallest: int = 50, largest: int = 500) -> list[list[T]]:
    """*items* in batches: about eight per worker, each between *smallest* and *largest*."""
    size = max(smallest, min(largest, len(items) // (workers * 8) or 1))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _with_dask(func: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
    """``func`` over *tasks* as Dask tasks (one per task), results in order."""
    import dask
    import dask.bag as db

    if not tasks:
        return iter(())
    address = os.environ.get("DASK_SCHEDULER_ADDRESS")
    bag = db.from_sequence(tasks, npartitions=len(tasks)).map(func)
    if address:
        from dask.distributed import Client

        with Client(address) as client:
            return iter(client.compute(bag).result())
    with dask.config.set(scheduler="processes"):
        return iter(bag.compute())
