"""`pip install .` into a fresh virtual environment gives a `kg` that works from anywhere:
shapes, ontology and queries ship inside the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT


@pytest.mark.slow
def test_installed_kg_builds_from_an_unrelated_directory(tmp_path: Path, built: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, str(ROOT)], check=True, cwd=tmp_path)
    copy = tmp_path / "elsewhere" / "records"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns(".kg-cache"))
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    out = tmp_path / "exported"
    result = subprocess.run(
        [str(venv / "bin" / "kg"), "build", "--data", str(copy), "--out", str(out)],
        cwd=unrelated,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for name in ("kg.ttl", "kg.jsonld", "kg.nt", "index.html"):
        assert (out / name).read_bytes() == (built / name).read_bytes(), name
    listed = subprocess.run(
        [str(venv / "bin" / "kg"), "query", "list"], cwd=unrelated, capture_output=True, text=True
    )
    assert listed.returncode == 0 and "publications_list" in listed.stdout, listed.stderr
