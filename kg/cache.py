"""Parsed documents by file name, kept for text extraction.

With an extractor, a change in the names the corpus gives (which the rules
extractor looks for) means every document's text is read again; this cache
keeps each file's documents so that happens without parsing every file again.
Entries live in ``OUT/.kg-cache/documents.sqlite``; an entry is replaced
whenever its file is read again (:mod:`kg.incremental` decides when).

>>> import tempfile, pathlib
>>> cache = DocumentCache(pathlib.Path(tempfile.mkdtemp()))
>>> cache.get("a.md") is None
True
>>> cache.put("a.md", pickle.dumps(["a document"])); cache.get("a.md")
['a document']
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path
from typing import Any


class DocumentCache:
    """Pickled documents by file name, in SQLite."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "documents.sqlite"
        self._db = sqlite3.connect(self.path, timeout=60)
        with self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, data BLOB)")

    def get(self, name: str) -> Any | None:
        row = self._db.execute("SELECT data FROM files WHERE name = ?", (name,)).fetchone()
        return pickle.loads(row[0]) if row else None

    def put(self, name: str, data: bytes) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (name, data))

    def keep(self, names: set[str]) -> None:
        """Drop the entries of files not in *names*."""
        with self._db:
            stale = [row[0] for row in self._db.execute("SELECT name FROM files") if row[0] not in names]
            self._db.executemany("DELETE FROM files WHERE name = ?", ((n,) for n in stale))

    def close(self) -> None:
        self._db.close()
