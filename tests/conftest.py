"""Shared fixtures: the bundled data, fresh copies of it, and a real Oxigraph server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import OxigraphServer

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = FIXTURES / "seeds"
VOCAB = FIXTURES / "vocab"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled data folder, free to break."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns(".kg-cache"))
    return copy


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data built once per session: the folder holding kg.ttl, kg.jsonld, kg.nt."""
    from kg import build

    out = tmp_path_factory.mktemp("out")
    build(DATA, out)
    return out


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh Oxigraph server on 127.0.0.1 at a free port, stopped by PID afterwards."""
    server = OxigraphServer(tmp_path / "oxigraph-db").start()
    try:
        yield server
    finally:
        server.stop()
