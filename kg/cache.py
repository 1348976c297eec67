"""Parsed documents by file name, kept for text extraction.

With an extractor, a change in the names the corpus gives (which the rules
extractor looks for) means every document's text is read again; this cache
keeps each file's documents so that happens without parsing every file again.
Entries live in ``OUT/.kg-cache/documents.sqlite`` as plain data
(:mod:`kg.codec`, never code); an entry is replaced whenever its file is read
again (:mod:`kg.incremental` decides when). An entry that does not decode is
a miss: the file is read again.

>>> import tempfile, pathlib
>>> from kg.model import Document
>>> cache = DocumentCache(pathlib.Path(tempfile.mkdtemp()))
>>> cache.get("a.md") is None
True
>>> cache.put("a.md", [Document(source="a.md", format="feed", title="A")]); cache.get("a.md")[0].title
'A'
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .codec import pack, unpack
from .errors import CacheDamaged
from .model import Document


class DocumentCache:
    """Documents by file name, in SQLite."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "documents.sqlite"
        try:
            self._db = sqlite3.connect(self.path, timeout=60)
            with self._db:
                self._db.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, data BLOB)")
        except sqlite3.DatabaseError as err:
            from .incremental import sql_error

            raise sql_error(err) from err

    def get(self, name: str) -> list[Document] | None:
        row = self._db.execute("SELECT data FROM files WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        try:
            docs = unpack(row[0], lists=True)
        except CacheDamaged:
            return None
        return docs if isinstance(docs, list) and all(isinstance(d, Document) for d in docs) else None

    def put(self, name: str, docs: list[Document]) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (name, pack(docs)))

    def keep(self, names: set[str]) -> None:
        """Drop the entries of files not in *names*."""
        with self._db:
            stale = [row[0] for row in self._db.execute("SELECT name FROM files") if row[0] not in names]
            self._db.executemany("DELETE FROM files WHERE name = ?", ((n,) for n in stale))

    def close(self) -> None:
        self._db.close()
