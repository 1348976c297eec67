"""SPARQL queries in worker processes that can be stopped.

pyoxigraph cannot cancel a query once it runs, and a thread cannot be
killed, so ``kg serve`` runs every query in one of a few worker processes.
A query still running when its time is up is stopped by killing its worker
(the CPU is free at once) and a fresh worker takes its place; a worker that
crashes is replaced the same way. A request waits for a free worker at most
the query time limit, then gets 503.

Each worker opens the store itself, read-only (with updates allowed: the one
worker opens a private copy read-write). When the store path is the
``output/store`` link a build swaps atomically, a worker reopens the store
before a query as soon as the link points to a new folder, so the server
sees a new build without a restart.

A worker answers with status, media type and body, the body serialised in
the worker and at most :data:`MAX_RESULT_BYTES` long. A body up to
:data:`SPOOL_AFTER` bytes comes back through the pipe; a longer one is
written to a file in the pool's temporary folder, which the server streams
to the client and deletes, so a big answer is never held in memory, by the
worker or by the server (a client that does not read it costs a file, not
RAM). While answers of more than :data:`MAX_SPOOLED_BYTES` in all wait in
files to be sent, new queries get 503 (the folder may be on a RAM disk).

>>> negotiate("application/sparql-results+json, */*;q=0.1", SELECT_TYPES)
'application/sparql-results+json'
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any, BinaryIO, cast

#: Largest answer a worker sends (a bigger one is refused: add a LIMIT).
MAX_RESULT_BYTES = 256 * 1024 * 1024
#: A longer answer goes from the worker to the client through a file, not memory.
SPOOL_AFTER = 1024 * 1024
#: Bytes of answers waiting in files to be sent, above which new queries get 503.
MAX_SPOOLED_BYTES = 1024 * 1024 * 1024

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
}
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class StoreSpec:
    """Which store a worker opens: a folder, or the ``store`` link a build swaps (*follow*)."""

    path: str
    writable: bool = False
    follow: bool = False


@dataclass(frozen=True)
class Job:
    """One request for a worker."""

    text: str
    accept: str = "*/*"
    update: bool = False
    allow_service: bool = False
    spool: str = ""  # the file a long answer is written to (set by the pool)


@dataclass(frozen=True)
class Answer:
    """What to send back: status, media type, and the body as bytes or, when long, an
    open file of *size* bytes (the sender closes it and calls :meth:`QueryPool.release`).

    >>> Answer.unframe(Answer(200, b"x,y", "text/csv").frame())
    Answer(status=200, body=b'x,y', media='text/csv', file=None, size=3)
    """

    status: int
    body: bytes
    media: str = TEXT
    file: BinaryIO | None = field(default=None, compare=False)
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            object.__setattr__(self, "size", len(self.body))

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        return cls(status, (message + "\n").encode("utf-8"))

    def frame(self, spooled: bool = False) -> bytes:
        """The answer as one message between processes (no pickle); *spooled*: the body is in the job's file."""
        head = {"status": self.status, "media": self.media, "spooled": spooled, "size": self.size}
        return json.dumps(head).encode() + b"\n" + (b"" if spooled else self.body)

    @classmethod
    def unframe(cls, data: bytes, spool: str = "") -> Answer:
        """The answer in *data*; a spooled one comes with its file *spool* open (and already unlinked)."""
        head, _, body = data.partition(b"\n")
        fields = json.loads(head)
        status, media = int(fields["status"]), str(fields["media"])
        if not fields.get("spooled"):
            return cls(status, body, media)
        handle = open(spool, "rb")  # noqa: SIM115 - the sender closes it
        os.unlink(spool)  # gone from the folder; the data lives while the file is open
        return cls(status, b"", media, handle, int(fields["size"]))


def negotiate(accept: str, offered: dict[str, str]) -> str:
    """The first offered media type the ``Accept`` header allows (by q), else the first offered."""
    choices = []
    for n, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        choices.append((-q, n, bits[0].lower()))
    for _q, _n, media in sorted(choices):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            for candidate in offered:
                if media == "*/*" or candidate.startswith(media[:-1]):
                    return candidate
    return next(iter(offered))


class _Capped:
    """A write-only buffer that refuses to grow past *limit* bytes and moves to the file
    *spool* once it holds more than *spool_after* bytes.

    >>> out = _Capped(10, "", spool_after=100)
    >>> out.write(b"12345"), out.value()
    (5, b'12345')
    >>> out.write(b"123456")
    Traceback (most recent call last):
    OverflowError
    """

    def __init__(self, limit: int, spool: str, spool_after: int = SPOOL_AFTER) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit
        self.spool, self.spool_after = spool, spool_after
        self.file: BinaryIO | None = None

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise OverflowError
        if self.file is None and self.size > self.spool_after and self.spool:
            self.file = open(self.spool, "wb")  # noqa: SIM115 - closed by close()
            self.file.writelines(self.parts)
            self.parts = []
        if self.file is not None:
            self.file.write(data)
        else:
            self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def value(self) -> bytes:
        return b"".join(self.parts)


class _Holder:
    """The store a worker answers from, reopened when the ``store`` link moves."""

    def __init__(self, spec: StoreSpec) -> None:
        self.spec = spec
        self.target: str | None = None
        self.store: Any = None

    def get(self) -> Any:
        import pyoxigraph as ox

        target = os.path.realpath(self.spec.path) if self.spec.follow else self.spec.path
        if self.store is None or target != self.target:
            self.store = None  # let RocksDB close the old folder first
            if not os.path.isdir(target):
                raise FileNotFoundError(f"no SPARQL store at {self.spec.path}")
            self.store = ox.Store(target) if self.spec.writable else ox.Store.read_only(target)
            self.target = target
        return self.store


def answer(holder: _Holder, job: Job) -> Answer:
    """Run one job on the worker's store; every failure becomes an HTTP answer."""
    from .errors import QueryError
    from .sparql_guard import check_query

    try:
        check_query(job.text, allow_service=job.allow_service, update=job.update)
        store = holder.get()
    except QueryError as err:
        return Answer.error(400, str(err))
    except OSError as err:
        return Answer.error(503, f"the store cannot be opened: {err}")
    if job.update:
        try:
            store.update(job.text)
        except (SyntaxError, OSError, ValueError) as err:
            return Answer.error(400, f"update failed: {err}")
        return Answer(204, b"")
    return _select(store, job)


def _select(store: Any, job: Job) -> Answer:
    import pyoxigraph as ox

    from .errors import QueryError
    from .query import run

    capped = _Capped(MAX_RESULT_BYTES, job.spool)
    out = cast(Any, capped)  # pyoxigraph writes to any object with write()
    try:
        result = run(store, job.text, allow_service=job.allow_service)
        if isinstance(result, ox.QueryTriples):
            media = negotiate(job.accept, GRAPH_TYPES)
            ox.serialize(result, out, format=getattr(ox.RdfFormat, GRAPH_TYPES[media]))
        else:
            media = negotiate(job.accept, SELECT_TYPES)
            kind = SELECT_TYPES[media]
            result.serialize(out, format=getattr(ox.QueryResultsFormat, kind.upper()))
            media = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml"}.get(kind, media)
    except QueryError as err:
        return Answer.error(400, str(err))
    except OverflowError:
        return Answer.error(400, f"the answer is larger than {MAX_RESULT_BYTES >> 20} MB; add a LIMIT")
    except (OSError, ValueError, RuntimeError, SyntaxError) as err:
        if isinstance(err.__context__, OverflowError) or "OverflowError" in str(err):
            return Answer.error(400, f"the answer is larger than {MAX_RESULT_BYTES >> 20} MB; add a LIMIT")
        return Answer.error(500, f"query failed: {err}")
    finally:
        capped.close()
    return Answer(200, capped.value(), media + "; charset=utf-8", size=capped.size)


def _worker_main(conn: Connection, spec: StoreSpec) -> None:
    holder = _Holder(spec)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            reply = answer(holder, job)
        except Exception as err:  # a bug must not look like a crash of the engine
            reply = Answer.error(500, f"internal error: {type(err).__name__}: {err}")
        spooled = reply.status == 200 and reply.size > len(reply.body)
        conn.send_bytes(reply.frame(spooled))


@dataclass(eq=False)  # compared and hashed by identity
class _Worker:
    process: Any
    conn: Connection


class QueryPool:
    """*size* worker processes answering from *spec*; each job may run *timeout* seconds."""

    def __init__(self, spec: StoreSpec, size: int = 2, timeout: float = 30.0) -> None:
        self.spec = spec
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.stopped = 0  # queries stopped at the time limit
        self.crashed = 0
        self.folder = tempfile.mkdtemp(prefix="kg-answers-")  # long answers on their way to clients
        self.spooled = 0  # bytes in answer files not yet sent
        self._jobs = 0
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        mine, theirs = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(theirs, self.spec), daemon=True,
                                        name="kg-query-worker")
        process.start()
        theirs.close()
        worker = _Worker(process, mine)
        with self._lock:
            self._all.add(worker)
        return worker

    def _end(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._all.discard(worker)

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def run(self, job: Job) -> Answer:
        """Run *job* on a free worker, waiting for one at most the time limit. A long answer
        comes as an open file: close it and :meth:`release` it once sent."""
        with self._lock:
            if self.spooled > MAX_SPOOLED_BYTES:
                return Answer.error(503, f"{self.spooled >> 20} MB of answers wait for their clients to read them; "
                                         "try again shortly")
            self._jobs += 1
            job = replace(job, spool=os.path.join(self.folder, f"{self._jobs}.answer"))
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Answer.error(503, f"all query workers stayed busy for {self.timeout:g} s; try again later")
        keep = worker
        try:
            worker.conn.send(job)
            if worker.conn.poll(self.timeout):
                reply = Answer.unframe(worker.conn.recv_bytes(SPOOL_AFTER + 4096), job.spool)
                if reply.file is not None:
                    with self._lock:
                        self.spooled += reply.size
                return reply
            self.stopped += 1
            keep = self._replace(worker)
            return Answer.error(503, f"the query was stopped after {self.timeout:g} s (the server's --timeout)")
        except (EOFError, OSError, ValueError):
            self.crashed += 1
            keep = self._replace(worker)
            return Answer.error(500, "the query engine stopped while answering this query")
        finally:
            self._idle.put(keep)
            if os.path.exists(job.spool):  # a worker stopped while it wrote
                os.unlink(job.spool)

    def release(self, answer: Answer) -> None:
        """Close a long answer's file once it is sent (or its client is gone)."""
        if answer.file is not None and not answer.file.closed:
            answer.file.close()
            with self._lock:
                self.spooled -= answer.size

    def _replace(self, worker: _Worker) -> _Worker:
        self._end(worker)
        return self._start()

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._end(worker)
        shutil.rmtree(self.folder, ignore_errors=True)
