"""A content-hash cache of read documents, so a rebuild re-reads only changed files.

Entries live in ``OUT/.kg-cache/documents.sqlite``, keyed by the file's bytes,
its name in the build, the forced format, its manifest url and a fingerprint
of the reading code (readers, sources, dates): change any of them and the
file is read again. Entries no build used are dropped when the build ends.

>>> import tempfile, pathlib
>>> cache = DocumentCache(pathlib.Path(tempfile.mkdtemp()))
>>> cache.get("k") is None
True
>>> cache.update(set(), {"k": pickle.dumps(["a document"])}); cache.get("k")
['a document']
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the code that turns files into documents."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*root.glob("readers/*.py"), root / "sources.py", root / "dates.py", root / "model.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(data: bytes, name: str, fmt: str | None, url: str | None) -> str:
    """The key of one file's read result."""
    digest = hashlib.sha256(data)
    digest.update(f"\x00{name}\x00{fmt}\x00{url}\x00{code_fingerprint()}".encode())
    return digest.hexdigest()


class DocumentCache:
    """Read results by key, in SQLite (safe to read from several processes)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "documents.sqlite"
        self._db: sqlite3.Connection | None = None
        with sqlite3.connect(self.path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, data BLOB)")

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path, timeout=60)
        return self._db

    def get(self, key: str) -> Any | None:
        row = self._conn().execute("SELECT data FROM docs WHERE key = ?", (key,)).fetchone()
        return pickle.loads(row[0]) if row else None

    def update(self, used: set[str], new: dict[str, bytes]) -> None:
        """Add *new* entries (already pickled) and drop every entry this build did not use."""
        db = self._conn()
        with db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM keep")
            db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in used | set(new)))
            db.execute("DELETE FROM docs WHERE key NOT IN (SELECT key FROM keep)")
            db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", new.items())

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __getstate__(self) -> dict[str, Any]:  # connections do not cross processes
        return {"path": self.path, "_db": None}
