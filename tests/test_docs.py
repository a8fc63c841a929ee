"""Docs that are tested: every command has help with an example and is in the README."""

from __future__ import annotations

import click
import pytest

from kg.cli import cli
from tests.conftest import ROOT


def commands() -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", c) for sub, c in sorted(command.commands.items())]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), commands())
def test_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    assert command.help and "Example:" in command.help, name


@pytest.mark.parametrize(("name", "command"), commands())
def test_command_is_in_the_readme(name: str, command: click.Command) -> None:
    assert f"kg {name}" in (ROOT / "README.md").read_text(encoding="utf-8"), name
