"""The Dask engine runs the same readers and gives the same graph as the local engine."""

from __future__ import annotations

import pyoxigraph

from kg.cli import main

from .conftest import CORPUS, SEEDS, need_shared


def test_dask_engine_same_graph_and_nquads(tmp_path):
    need_shared()
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(["build", str(CORPUS), str(SEEDS), "--out", str(local), "-q", "--ner", "rules"]) == 0
    assert main(["build", str(CORPUS), str(SEEDS), "--out", str(dask), "-q", "--ner", "rules", "--engine", "dask"]) == 0
    assert (local / "graph.nt").read_bytes() == (dask / "graph.nt").read_bytes()
    assert (local / "report.json").read_bytes() == (dask / "report.json").read_bytes()
    shards = sorted((dask / "nquads").glob("part-*.nq"))
    assert shards
    store = pyoxigraph.Store()
    for shard in shards:
        store.bulk_load(path=str(shard), format=pyoxigraph.RdfFormat.N_QUADS)
    graph = pyoxigraph.NamedNode("https://w3id.org/newskg/graph")
    assert len(list(store.quads_for_pattern(None, None, None, graph))) == len((local / "graph.nt").read_bytes().splitlines())


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_real_dask_cluster_gives_the_same_bytes(tmp_path):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, as on a cluster (the
    README's recipe), build through DASK_SCHEDULER_ADDRESS: the same outputs as the local engine."""
    import os
    import shutil
    import subprocess
    import sys
    import time

    need_shared()
    dask = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
    if dask is None:
        import pytest

        pytest.skip("the dask command is not installed (pip install 'kg[dask]')")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    logs = open(tmp_path / "cluster.log", "w")
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--dashboard-address", ":0", "--no-show"], env=env, stdout=logs, stderr=logs)]
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                Client(address, timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        for n in range(2):
            procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                           "--host", "127.0.0.1", "--name", f"w{n}", "--no-dashboard",
                                           "--local-directory", str(tmp_path / f"w{n}")],
                                          env=env, stdout=logs, stderr=logs))
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        local, cluster = tmp_path / "local", tmp_path / "cluster"
        cmd = [sys.executable, "-m", "kg", "build", str(CORPUS), str(SEEDS), "--ner", "rules", "-q"]
        subprocess.run([*cmd, "--out", str(local)], env=env, check=True, timeout=600)
        subprocess.run([*cmd, "--out", str(cluster), "--engine", "dask"], check=True, timeout=600,
                       env={**env, "DASK_SCHEDULER_ADDRESS": address})
        for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "report.json", "merges.json"):
            assert (local / name).read_bytes() == (cluster / name).read_bytes(), name
        with Client(address, timeout=30) as client:  # the work really ran on both workers
            executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
            assert len(executed) == 2 and all(count > 0 for count in executed.values()), executed
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        logs.close()
