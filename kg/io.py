"""Writing safely: atomic replacement, one build per output folder, checksummed cache
files, and JSON written as ``json.dumps(indent=1)`` writes it, piece by piece.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(d / "a.txt", b"hello")
>>> (d / "a.txt").read_bytes()
b'hello'
>>> write_checked(d / "piece", b"data"); read_checked(d / "piece")
b'data'
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import CacheDamaged, OutputError

LOCK_NAME = ".kg-build.lock"
#: Staged outputs end with this until they are renamed into place (a killed build leaves them).
TMP_SUFFIX = ".kg-tmp"


def stage(path: Path, chunks: Iterable[bytes]) -> Path:
    """Write *chunks* to a temporary file beside *path*, flushed to disk; return its path.

    Renaming it over *path* (:func:`os.replace`) is then atomic; the caller
    renames or deletes it. On error nothing is left behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
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


#: Every cache file kg writes starts with this, then the length and CRC-32 of its data.
MAGIC = b"kg\x01"
_HEAD = len(MAGIC) + 12


def frame(data: bytes) -> bytes:
    """*data* with a header that lets a reader tell it is whole: magic, length, CRC-32."""
    return MAGIC + len(data).to_bytes(8, "little") + zlib.crc32(data).to_bytes(4, "little") + data


def unframe(buffer: bytes, where: str, offset: int = 0, at: int | None = None) -> tuple[bytes, int]:
    """The data of the frame at *offset* in *buffer* and the offset after it;
    :class:`~kg.errors.CacheDamaged` when it is cut short, corrupted or not kg's (the
    message names byte *at* of the file, *offset* unless given)."""
    at = offset if at is None else at
    head = buffer[offset : offset + _HEAD]
    if len(head) < _HEAD or not head.startswith(MAGIC):
        raise CacheDamaged(f"{where}: not a kg cache file or cut short at byte {at}")
    size = int.from_bytes(head[3:11], "little")
    end = offset + _HEAD + size
    data = buffer[offset + _HEAD : end]
    if len(data) < size or zlib.crc32(data) != int.from_bytes(head[11:15], "little"):
        raise CacheDamaged(f"{where}: damaged at byte {at} (length or checksum does not match)")
    return data, end


def write_checked(path: Path, data: bytes) -> None:
    """Replace a cache file with framed *data* (write beside, then rename; not fsynced:
    a cache file that did not reach the disk whole is caught by its checksum)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(frame(data))
    os.replace(tmp, path)


def append_checked(path: Path, data: bytes) -> None:
    """Append one framed block to a cache file."""
    with open(path, "ab") as fh:
        fh.write(frame(data))


def read_checked(path: Path) -> bytes:
    """The data of a file :func:`write_checked` wrote, verified."""
    try:
        buffer = path.read_bytes()
    except FileNotFoundError as err:
        raise CacheDamaged(f"{path.name}: missing from the cache") from err
    data, end = unframe(buffer, path.name)
    if end != len(buffer):
        raise CacheDamaged(f"{path.name}: unexpected bytes after its data")
    return data


def read_blocks(path: Path) -> Iterator[bytes]:
    """Every block :func:`append_checked` added to *path*, oldest first, verified; read one
    block at a time (a shard's facts file can be far larger than what a worker may hold)."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return
    with fh:
        offset = 0
        while True:
            head = fh.read(_HEAD)
            if not head:
                return
            size = int.from_bytes(head[3:11], "little") if len(head) == _HEAD and head.startswith(MAGIC) else 0
            data, _end = unframe(head + fh.read(size), path.name, at=offset)
            offset += _HEAD + size
            yield data


def nested_json(value: object, level: int) -> str:
    """*value* as ``json.dumps(..., indent=1)`` writes it *level* levels deep, so pieces
    written apart join into one file that reads as if written at once.

    >>> print(nested_json({"a": [1]}, 1))
     {
      "a": [
       1
      ]
     }
    """
    text = json.dumps(value, ensure_ascii=False, indent=1)
    pad = " " * level
    return "\n".join(pad + line for line in text.split("\n")) if level else text


def batched(parts: Iterable[bytes], size: int) -> Iterator[bytes]:
    """*parts* joined into pieces of about *size* bytes (a part is never split).

    >>> list(batched([b"ab", b"cd", b"e"], size=3))
    [b'abcd', b'e']
    """
    buffer: list[bytes] = []
    held = 0
    for part in parts:
        buffer.append(part)
        held += len(part)
        if held >= size:
            yield b"".join(buffer)
            buffer, held = [], 0
    if buffer:
        yield b"".join(buffer)
