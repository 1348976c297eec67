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
from collections.abc import Iterator
from dataclasses import dataclass

from .io import batched
from typing import Any

STORE_LINK = "store"


def memory_store(ntriples: bytes) -> Any:
    """An in-memory store loaded with N-Triples."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return store


#: N-Triples bytes given to Oxigraph's bulk loader at a time: its memory grows with the
#: size of one load (about 1.7 GB for 650 MB at once), so large graphs load in batches.
LOAD_BATCH = 48 << 20


def write_store(out_dir: Path, ntriples: bytes | Iterator[bytes], name: str | None = None) -> Path:
    """Load N-Triples (bytes, or pieces) into a new on-disk store and atomically point
    ``store`` at it."""
    if isinstance(ntriples, bytes):
        name = name or hashlib.sha256(ntriples).hexdigest()[:16]
        pieces: Iterator[bytes] = iter([ntriples])
    else:
        pieces = ntriples
    assert name is not None
    target = out_dir / f".store-{name}"
    link = out_dir / STORE_LINK
    if link.is_symlink() and os.readlink(link) == target.name and target.is_dir():
        return link
    return _swap(out_dir, load_store(out_dir / f".store-{name}.partial", pieces), target)


def load_store(partial: Path, pieces: Iterator[bytes]) -> Path:
    """A new on-disk store in *partial*, bulk-loaded from N-Triples pieces in batches."""
    import pyoxigraph as ox

    _fresh(partial)
    store = ox.Store(str(partial))
    for batch in batched(pieces, LOAD_BATCH):
        store.bulk_load(batch, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    return partial


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    return path


def _swap(out_dir: Path, partial: Path, target: Path) -> Path:
    """Rename a finished store folder into place and point the ``store`` link at it."""
    link = out_dir / STORE_LINK
    if target.exists():
        shutil.rmtree(target)
    os.replace(partial, target)
    tmp_link = out_dir / f".store-link-{target.name}"
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


@dataclass
class StoreUpdate:
    """A new store made beside the current one, put in place by :meth:`commit`."""

    out_dir: Path
    record: dict[str, Any]  # what the store holds once committed: its folder, each shard's digest
    partial: Path | None = None  # None: the current store already holds this graph

    def commit(self) -> Path:
        if self.partial is not None:
            _swap(self.out_dir, self.partial, self.out_dir / self.record["folder"])
        return self.out_dir / STORE_LINK


def update_store(out_dir: Path, pieces: Any, recorded: dict[str, Any]) -> StoreUpdate:
    """Make the store for a build's settled shards (:class:`kg.pieces.GraphPieces`) beside the
    current one, without touching what readers see until :meth:`StoreUpdate.commit`.

    *recorded* is what the previous build said the store holds (its folder and
    each shard's N-Triples digest). When the store is still that one, it is copied
    (a RocksDB checkpoint: hard links) and only the triples removed and added in
    the shards that changed are applied, in one transaction; otherwise everything
    is loaded in bulk."""
    from .errors import CacheDamaged
    from .io import read_checked
    from .pieces import piece_path

    current = {s: pieces.summaries[s].digest for s in range(pieces.parts)}
    name = hashlib.sha256(repr(sorted(current.items())).encode()).hexdigest()[:16]
    link = out_dir / STORE_LINK
    update = StoreUpdate(out_dir, {"folder": f".store-{name}", "digests": current})
    if link.is_symlink() and os.readlink(link) == f".store-{name}" and (out_dir / f".store-{name}").is_dir():
        return update
    held = recorded.get("folder")
    changes: list[tuple[bytes, bytes]] | None = None
    if held and link.is_symlink() and os.readlink(link) == held and (out_dir / held).is_dir():
        changes = []
        for shard, digest in current.items():
            old = recorded["digests"].get(shard)
            if old == digest:
                continue
            try:
                prev = read_checked(piece_path(pieces.folder, shard, "nt-prev"))
            except CacheDamaged:
                prev = b""
            if old is None or hashlib.sha256(prev).hexdigest() != old:
                changes = None
                break
            changes.append((prev, pieces.chunk(shard, "nt")))
    partial = out_dir / f".store-{name}.partial"
    if changes is None:
        update.partial = load_store(partial, pieces.chunks("nt"))
    elif changes:
        _patch(out_dir / held, partial, changes)  # type: ignore[operator]
        update.partial = partial
    return update


def _patch(held: Path, partial: Path, changes: list[tuple[bytes, bytes]]) -> None:
    """A copy of the store in *held* with each shard's removed triples deleted and new ones inserted."""
    import pyoxigraph as ox

    _fresh(partial)
    old_store = ox.Store.read_only(str(held.resolve()))
    old_store.backup(str(partial))
    del old_store
    store = ox.Store(str(partial))
    removed: set[bytes] = set()
    added: set[bytes] = set()
    for prev, new in changes:
        before, after = set(prev.splitlines()), set(new.splitlines())
        removed |= before - after
        added |= after - before
    update = ("DELETE DATA {\n" + b"\n".join(sorted(removed)).decode("utf-8") + "\n};\nINSERT DATA {\n"
              + b"\n".join(sorted(added)).decode("utf-8") + "\n}")
    store.update(update)
    store.flush()
    del store


def open_store(path: Path) -> Any:
    """Open an on-disk store read-only (``output/store`` or a store folder)."""
    import pyoxigraph as ox

    from .errors import KGError

    resolved = path.resolve()
    if not resolved.is_dir():
        raise KGError(f"no SPARQL store at {path}; run 'kg build' first or give --data FILE")
    try:
        return ox.Store.read_only(str(resolved))
    except OSError as err:
        raise KGError(f"cannot open the SPARQL store at {path}: {err}") from err


def not_a_file(path: Path) -> str | None:
    """Why *path* is no regular file to read (missing, a named pipe, a folder, a device…),
    or ``None`` when it is one. A named pipe would make a read wait for ever for a writer.

    >>> not_a_file(Path("/dev/null"))
    'not a regular file (a device)'
    """
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if stat.S_ISREG(mode):
        return None
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a folder" if stat.S_ISDIR(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return f"not a regular file ({kind})"


def load_files(paths: list[Path], folder: Path | None = None) -> Any:
    """A store with RDF files (Turtle, N-Triples, N-Quads, JSON-LD, …) loaded: in memory,
    or on disk in *folder*. Each must be a regular file (``--data``), checked first."""
    import pyoxigraph as ox

    from .errors import KGError

    for path in paths:
        why = not_a_file(path)
        if why:
            raise KGError(f"--data {path}: {why}")
    store = ox.Store(str(folder)) if folder is not None else ox.Store()
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
