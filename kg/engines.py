"""Where the per-file work runs: here (processes) or on Dask.

Reading a file (decoding, parsing, the reader) is a pure function of the file,
so it runs unchanged as a Dask task: ``kg build --engine dask`` maps
:func:`kg.pipeline.read_file_cached` over a ``dask.bag`` of the input files.
The local machine's scheduler is the default; point ``DASK_SCHEDULER_ADDRESS``
(or ``--scheduler``) at a ``dask.distributed`` cluster to spread the reading
over its workers (the files must be on a filesystem the workers share). The
identity and mapping stage then runs on the client, as in the local engine,
so both engines give the same graph.

Dask rather than Spark: the per-file function is plain Python that returns
Python objects, which a Dask bag carries as they are; Spark would need a JVM
and serialising every document through its row model.

>>> ENGINES
('local', 'dask')
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ENGINES = ("local", "dask")


def read_with_dask(files: list[tuple[Path, str]], fmt: str | None, manifests: dict[str, str],
                   cache: Any = None, scheduler: str | None = None, partitions: int | None = None) -> Iterator[Any]:
    """The results of :func:`kg.pipeline.read_file_cached` for *files*, in order, computed by Dask."""
    import dask
    import dask.bag as db

    from .pipeline import read_file_cached

    if not files:
        return iter(())
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    n = partitions or max(1, min(len(files) // 200, 64))
    bag = db.from_sequence(files, npartitions=n).map(lambda item: read_file_cached(item[0], item[1], fmt, manifests, cache))
    if address:
        from dask.distributed import Client

        with Client(address) as client:
            return iter(client.compute(bag).result())
    with dask.config.set(scheduler="processes"):
        return iter(bag.compute())
