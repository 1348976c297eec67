"""Writing outputs safely: atomic replacement and one build per output folder.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(d / "a.txt", b"hello")
>>> (d / "a.txt").read_bytes()
b'hello'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

LOCK_NAME = ".kg-build.lock"


def stage(path: Path, chunks: Iterable[bytes]) -> Path:
    """Write *chunks* to a temporary file beside *path*, flushed to disk; return its path.

    Renaming it over *path* (:func:`os.replace`) is then atomic; the caller
    renames or deletes it. On error nothing is left behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return Path(tmp)


def atomic_write(path: Path, data: bytes) -> None:
    """Write *data* to a temporary file beside *path*, flush it to disk, then rename.

    A reader of *path* sees the old file or the new one, never half of one.
    """
    os.replace(stage(path, [data]), path)


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on *out_dir* for the duration of a build.

    Raises :class:`OutputError` at once if another build holds it.
    """
    import fcntl

    out_dir.mkdir(parents=True, exist_ok=True)
    handle = open(out_dir / LOCK_NAME, "a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise OutputError(f"another kg build is writing to {out_dir}; try again when it has finished") from err
        yield
    finally:
        handle.close()
