"""Where the per-file work runs: here (processes) or on Dask.

Both steps of the build are pure functions of their inputs: the map
(:func:`kg.pipeline.process_chunk`: read a batch of files, turn their
documents into facts) and the reduce (:func:`kg.shards.reduce_shard`: settle
one shard). ``kg build --engine dask`` runs the very same functions as tasks
of a ``dask.bag`` instead of local processes. The local machine's scheduler
is the default; point ``DASK_SCHEDULER_ADDRESS`` at a ``dask.distributed``
cluster to spread both steps over its workers (the input files and the
output folder must be on a filesystem the workers share). Either engine
gives the same bytes.

Dask rather than Spark: the per-file function is plain Python that returns
Python objects, which a Dask bag carries as they are; Spark would need a JVM
and serialising every document through its row model.

>>> ENGINES
('local', 'dask')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ENGINES = ("local", "dask")


def map_with_dask(func: Callable[[Any], Any], tasks: list[Any], scheduler: str | None = None) -> Iterator[Any]:
    """``func`` over *tasks* as Dask tasks (one per task), results in order."""
    import dask
    import dask.bag as db

    if not tasks:
        return iter(())
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    bag = db.from_sequence(tasks, npartitions=len(tasks)).map(func)
    if address:
        from dask.distributed import Client

        with Client(address) as client:
            return iter(client.compute(bag).result())
    with dask.config.set(scheduler="processes"):
        return iter(bag.compute())
