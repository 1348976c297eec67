"""Real SPARQL servers started by the tests on 127.0.0.1 and stopped afterwards.

* Oxigraph server (``oxigraph serve``, the PyPI package ``oxigraph`` in the test extra).
* Virtuoso Open Source (Debian package ``virtuoso-opensource``; ``.ci/run`` installs it),
  with its own ini file and a database in a temporary folder, on free ports.

A fixture skips with a clear message only when the server's program is not installed.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 60.0) -> None:
    """Wait until *url* answers HTTP (any status) or the process ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped with exit code {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} after {seconds:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture()
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """Base url of a fresh Oxigraph server (``/store``, ``/query``)."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph', in the test extra) is not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "oxigraph-db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", proc)
        yield base
    finally:
        stop(proc)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {db}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@dataclass
class Virtuoso:
    """A running Virtuoso: its base url and the ``dba`` account's password."""

    base: str
    user: str = "dba"
    password: str = "dba"

    @property
    def crud(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    def select(self, query: str, default_graph: str | None = None) -> dict:
        """SPARQL results (JSON) of *query* on the public ``/sparql`` endpoint."""
        form = {"query": query}
        if default_graph:
            form["default-graph-uri"] = default_graph
        request = urllib.request.Request(self.base + "/sparql", data=urllib.parse.urlencode(form).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response)
        except urllib.error.HTTPError as err:
            raise AssertionError(f"Virtuoso: HTTP {err.code}: {err.read()[:400].decode('utf-8', 'replace')}") from None


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource; .ci/run installs it)")
    db = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, sql_port=sql_port, http_port=http_port))
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=db,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for(base + "/sparql?query=ASK%7B%7D", proc, seconds=120)
        yield Virtuoso(base)
    finally:
        stop(proc)
