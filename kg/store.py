"""The embedded SPARQL store (pyoxigraph), written beside the other outputs.

``output/store`` is a symbolic link to a store folder named after the content
it holds. A rebuild loads a new folder and then swaps the link with one
atomic rename, so a reader (``kg query``, ``kg serve``) always opens a
complete store and a failed build leaves the previous one in place.

>>> store = memory_store(b'<https://x.org/a> <https://schema.org/name> "A" .\\n')
>>> len(store)
1
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

STORE_LINK = "store"


def memory_store(ntriples: bytes) -> Any:
    """An in-memory store loaded with N-Triples."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return store


def write_store(out_dir: Path, ntriples: bytes) -> Path:
    """Load *ntriples* into a new on-disk store and atomically point ``store`` at it."""
    import pyoxigraph as ox

    digest = hashlib.sha256(ntriples).hexdigest()[:16]
    target = out_dir / f".store-{digest}"
    link = out_dir / STORE_LINK
    if link.is_symlink() and os.readlink(link) == target.name and target.is_dir():
        return link
    if target.exists():
        shutil.rmtree(target)
    partial = out_dir / f".store-{digest}.partial"
    if partial.exists():
        shutil.rmtree(partial)
    store = ox.Store(str(partial))
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    store.optimize()
    del store
    os.replace(partial, target)
    tmp_link = out_dir / f".store-link-{digest}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(target.name, tmp_link)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder from an older layout
    os.replace(tmp_link, link)
    for old in out_dir.glob(".store-*"):
        if old.name != target.name and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
    return link


def open_store(path: Path) -> Any:
    """Open an on-disk store read-only (``output/store`` or a store folder)."""
    import pyoxigraph as ox

    from .errors import KGError

    resolved = path.resolve()
    if not resolved.is_dir():
        raise KGError(f"no SPARQL store at {path}; run 'kg build' first or give --data FILE")
    return ox.Store.read_only(str(resolved))


def load_files(paths: list[Path]) -> Any:
    """An in-memory store with RDF files (Turtle, N-Triples, N-Quads, JSON-LD, …) loaded."""
    import pyoxigraph as ox

    from .errors import KGError

    store = ox.Store()
    for path in paths:
        try:
            fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
        except ValueError:
            fmt = ox.RdfFormat.TURTLE
        try:
            store.bulk_load(path=str(path), format=fmt)
        except (OSError, SyntaxError, ValueError) as err:
            raise KGError(f"cannot load {path}: {err}") from err
    return store
