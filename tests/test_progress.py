"""Progress of long stages: reported by the library, drawn as bars only on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import build
from kg.cli import _Bars, cli
from tests.conftest import DATA

STAGES = ["Reading records", "Mapping", "Sorting", "Validating and writing"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def reported(out: Path) -> list[tuple[str, int, int]]:
    calls: list[tuple[str, int, int]] = []
    build(DATA, out, private=True, progress=lambda *call: calls.append(call))
    return calls


def check_stages(calls: list[tuple[str, int, int]]) -> None:
    stages = [stage for stage, _, _ in calls]
    assert list(dict.fromkeys(stages)) == STAGES  # each stage once, in pipeline order
    for stage in STAGES:
        steps = [(done, total) for name, done, total in calls if name == stage]
        dones = [done for done, _ in steps]
        assert dones == sorted(dones) and len({total for _, total in steps}) == 1
        assert steps[-1][0] == steps[-1][1] > 0  # every stage ends complete
    files = [total for stage, _, total in calls if stage == "Reading records"]
    assert files[0] == len([p for p in DATA.rglob("*.yaml") if p.name != "kg.yaml"])


def test_a_build_reports_every_stage_to_the_end(tmp_path: Path) -> None:
    check_stages(reported(tmp_path))


def test_the_parallel_build_reports_each_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.pipeline
    import kg.validate

    monkeypatch.setattr(kg.pipeline, "PARALLEL_MIN_TRIPLES", 1)
    monkeypatch.setattr(kg.validate, "SHARDED_MIN_TRIPLES", 1)
    calls = reported(tmp_path)
    check_stages(calls)
    jobs = [total for stage, _, total in calls if stage == "Validating and writing"]
    assert jobs[0] > 7  # seven files plus at least one shard per graph


def test_bars_are_drawn_on_a_terminal_for_stages_that_last() -> None:
    terminal = Terminal()
    bars = _Bars(terminal)
    bars.DELAY = 0
    for done in range(1, 11):
        bars("Reading records", done, 10)
    bars("Mapping", 1, 1)
    bars.close()
    drawn = terminal.getvalue()
    assert "Reading records" in drawn and "Mapping" in drawn and "100%" in drawn


def test_a_quick_stage_gets_no_bar() -> None:
    terminal = Terminal()
    bars = _Bars(terminal)  # the default delay: a stage must last half a second
    bars("Mapping", 0, 1)
    bars("Mapping", 1, 1)
    bars.close()
    assert terminal.getvalue() == ""


def test_no_bars_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--data", str(DATA), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "Reading records" not in result.stderr and "%" not in result.stderr
