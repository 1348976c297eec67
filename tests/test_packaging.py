"""The package ships what every command needs: one copy of the ontology, the query library."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kg.cli import main
from kg.validate import ontology_file, shapes_path

ROOT = Path(__file__).resolve().parent.parent


def test_the_ontology_has_one_copy():
    link = ROOT / "kg" / "ontology"
    assert link.is_symlink() and link.resolve() == (ROOT / "ontology").resolve()
    assert shapes_path().resolve() == (ROOT / "ontology" / "shapes.ttl").resolve()
    assert ontology_file("kg.ttl").resolve() == (ROOT / "ontology" / "kg.ttl").resolve()


@pytest.mark.slow
def test_the_wheel_holds_the_ontology_queries_and_page_template(tmp_path):
    # build from a copy: setuptools leaves build/ and *.egg-info beside the sources
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "output", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                           "-w", str(tmp_path), str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    (wheel,) = tmp_path.glob("kg-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for name in ("kg.ttl", "shapes.ttl"):
            assert zf.read(f"kg/ontology/{name}") == (ROOT / "ontology" / name).read_bytes()
        assert {f"kg/queries/{p.name}" for p in (ROOT / "kg" / "queries").glob("*.rq")} <= names
        assert "kg/exporters/template.html" in names
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [line for line in zf.read(metadata).decode().splitlines() if line.startswith("Requires-Dist:")]
        assert any(line.split()[1].lower().startswith("pyshacl") and "extra" not in line for line in requires)


def test_validate_a_file_that_is_not_rdf(tmp_path, capsys):
    bad = tmp_path / "graph.ttl"
    bad.write_text("this is { not turtle\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and err.count("\n") == 1


def ci_wheel_commands() -> str:
    """The block of ``.ci/run`` that runs every command from the installed wheel (a subshell)."""
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    start = lines.index("(")
    return "\n".join(lines[start:lines.index(")", start) + 1])


def test_ci_wheel_commands_run_in_a_plain_clone_without_shared(tmp_path):
    """The README says that without ../shared the tests that need it are skipped: the wheel
    step of .ci/run must not stop a plain clone either (it stopped with
    '../shared/seeds: no such file or folder')."""
    clone = tmp_path / "work" / "kg"  # no tmp_path/work/shared beside it
    shutil.copytree(ROOT / "data", clone / "data")
    wheel_dir = tmp_path / "wheel"
    (wheel_dir / "venv" / "bin").mkdir(parents=True)
    (wheel_dir / "venv" / "bin" / "kg").symlink_to(Path(sys.executable).parent / "kg")  # stands for the wheel's
    script = f"set -euo pipefail\nwheel_dir={shlex.quote(str(wheel_dir))}\ncd {shlex.quote(str(clone))}\n"
    done = subprocess.run(["bash", "-c", script + ci_wheel_commands()], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    assert "../shared" in done.stdout and "data/" in done.stdout  # says what it did instead
    assert (wheel_dir / "out" / "graph.ttl").is_file() and (wheel_dir / "out" / "view.html").is_file()
