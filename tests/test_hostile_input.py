"""Broken and hostile records: each gets one clear, located message, exit 1 or 2, and never a
traceback; nothing in a record is executed; a failed or killed build loses nothing."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

BILLION_LAUGHS = """people:
  - &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  - &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  - &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  - &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  - &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  - &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  - &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def build(data: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", "--data", str(data), "--out", str(out)])
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


PERSON = "\n  - key: {key}\n    family_name: {family}\n"

# (name, how to break a copy of data/, the exit code, what the message says)
CASES = [
    (
        "yaml syntax",
        lambda d: (d / "x.yaml").write_text("people: [\n", encoding="utf-8"),
        2,
        "YAML syntax error",
    ),
    (
        "tab indentation",
        lambda d: (d / "x.yaml").write_text("people:\n\t- key: a\n", encoding="utf-8"),
        2,
        "tab",
    ),
    (
        "python tag",
        lambda d: (d / "x.yaml").write_text(
            "people:\n  - !!python/object/apply:os.getcwd []\n", encoding="utf-8"
        ),
        1,
        "is not allowed",
    ),
    (
        "custom tag",
        lambda d: (d / "x.yaml").write_text(
            "people:\n  - key: !secret a\n    family_name: A\n", encoding="utf-8"
        ),
        1,
        "YAML tag '!secret' is not allowed",
    ),
    (
        "not utf-8",
        lambda d: (d / "x.yaml").write_bytes(
            "people:\n  - key: a\n    family_name: M\xfcller\n".encode("latin-1")
        ),
        2,
        "not UTF-8",
    ),
    (
        "empty file",
        lambda d: (d / "x.yaml").write_text("", encoding="utf-8"),
        2,
        "the file is empty",
    ),
    (
        "unknown key",
        lambda d: replace(d / "profile.yaml", "job_title:", "jobtitle:"),
        1,
        "did you mean 'job_title'?",
    ),
    (
        "unknown collection",
        lambda d: (d / "x.yaml").write_text("peple: []\n", encoding="utf-8"),
        1,
        "did you mean 'people'?",
    ),
    (
        "wrong type",
        lambda d: replace(d / "profile.yaml", "family_name: Lapuschkin", "family_name: {a: b}"),
        1,
        "must be a single value, not a mapping",
    ),
    (
        "impossible date",
        lambda d: replace(d / "projects.yaml", "2022-12", "2022-13"),
        1,
        "month 13 does not exist",
    ),
    (
        "end before start",
        lambda d: replace(d / "projects.yaml", "2026-11", "2020-11"),
        1,
        "before it starts",
    ),
    (
        "duplicate field",
        lambda d: replace(
            d / "profile.yaml",
            "  family_name: Lapuschkin",
            "  family_name: Lapuschkin\n    family_name: Bach",
        ),
        1,
        "duplicate field",
    ),
    (
        "duplicate record key",
        lambda d: append(d / "people.yaml", PERSON.format(key="samek-w", family="Samek")),
        1,
        "duplicate key",
    ),
    (
        "dangling reference",
        lambda d: replace(d / "career.yaml", "organization: tu-berlin", "organization: tu-berln"),
        1,
        "did you mean 'tu-berlin'?",
    ),
    (
        "reference cycle",
        lambda d: (d / "x.yaml").write_text(
            "organizations:\n  - {key: a, name: A, parent: b}\n  - {key: b, name: B, parent: a}\n",
            encoding="utf-8",
        ),
        1,
        "form a cycle",
    ),
    (
        "unsafe key",
        lambda d: append(d / "people.yaml", PERSON.format(key="'a b>c'", family="X")),
        1,
        "must be lower-case letters",
    ),
    (
        "huge value",
        lambda d: append(d / "people.yaml", PERSON.format(key="big", family="x" * 1_000_000)),
        1,
        "longer than kg accepts",
    ),
    (
        "control character",
        lambda d: append(d / "people.yaml", PERSON.format(key="ctl", family='"A\\x07B"')),
        1,
        "control character U+0007",
    ),
    (
        "unpaired surrogate",
        lambda d: append(d / "people.yaml", PERSON.format(key="sur", family='"A\\ud800B"')),
        2,
        "invalid Unicode character escape",
    ),
    (
        "private record referenced",
        lambda d: (
            append(
                d / "organizations.yaml",
                "\n  - {key: secret-lab, name: Secret, visibility: private}\n",
            )
            or replace(d / "profile.yaml", "affiliation: fraunhofer-hhi", "affiliation: secret-lab")
        ),
        1,
        "public record refers to private organizations/secret-lab",
    ),
    (
        "alias",
        lambda d: (d / "x.yaml").write_text(
            "people:\n  - &p {key: a, family_name: A}\n  - *p\n", encoding="utf-8"
        ),
        1,
        "anchors and aliases are not supported",
    ),
    (
        "billion laughs",
        lambda d: (d / "x.yaml").write_text(BILLION_LAUGHS, encoding="utf-8"),
        1,
        "a people record is a mapping of fields",
    ),
    (
        "only kg.yaml",
        lambda d: [p.unlink() for p in d.glob("*.yaml") if p.name != "kg.yaml"],
        2,
        "no record files",
    ),
    ("no kg.yaml", lambda d: (d / "kg.yaml").unlink(), 2, "kg.yaml: missing"),
    (
        "base not absolute",
        lambda d: replace(
            d / "kg.yaml", "base: https://lapuschkin.com/kg/", "base: lapuschkin/kg/"
        ),
        1,
        "not an absolute URL",
    ),
]


@pytest.mark.parametrize(("name", "breaks", "code", "message"), CASES, ids=[c[0] for c in CASES])
def test_broken_copy_of_the_data(
    data_copy: Path, tmp_path: Path, name: str, breaks, code: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    breaks(data_copy)
    exit_code, stderr = build(data_copy, tmp_path / "out")
    assert exit_code == code, stderr
    assert message in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("Error: ")
    assert not (tmp_path / "out").exists(), "nothing is written for broken data"


def test_empty_data_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    exit_code, stderr = build(tmp_path / "data", tmp_path / "out")
    assert exit_code == 2 and "kg.yaml: missing" in stderr


def test_messages_name_file_line_record_and_field(data_copy: Path, tmp_path: Path) -> None:
    replace(data_copy / "talks.yaml", "kind: keynote", "kind: keynot")
    _, stderr = build(data_copy, tmp_path / "out")
    line = next(
        n
        for n, text in enumerate(
            (data_copy / "talks.yaml").read_text(encoding="utf-8").splitlines(), 1
        )
        if "keynot" in text
    )
    assert (
        f"{data_copy / 'talks.yaml'}:{line} talks/2022-06-24-bimkit kind: 'keynot' is not one of"
        in stderr
    )
    assert "did you mean 'keynote'?" in stderr


BOMB_SCRIPT = """
import resource, sys, time
from kg.records import load_dataset
from kg.errors import KgError
start = time.monotonic()
try:
    load_dataset(sys.argv[1])
except KgError:
    pass
print(time.monotonic() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_billion_laughs_is_refused_within_bounded_time_and_memory(data_copy: Path) -> None:
    (data_copy / "bomb.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    limit = 500 * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit * 2, limit * 2))

    result = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, str(data_copy)],
        capture_output=True,
        text=True,
        timeout=10,
        preexec_fn=cap,
        check=True,
    )
    seconds, peak_kb = result.stdout.split()
    assert float(seconds) < 10
    assert int(peak_kb) * 1024 < limit


KILL_SCRIPT = """
import sys
from kg.cli import main
sys.argv = ["kg", "build", "--data", sys.argv[1], "--out", sys.argv[2]]
main()
"""


def test_a_killed_build_never_leaves_a_truncated_file(tmp_path: Path) -> None:
    from tests.conftest import DATA

    reference = tmp_path / "reference"
    subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(DATA), str(reference)],
        check=True,
        capture_output=True,
    )
    out = tmp_path / "out"
    for delay in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0):
        process = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(DATA), str(out)],
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        for final in out.glob("kg.*") if out.exists() else []:
            assert final.read_bytes() == (reference / final.name).read_bytes(), (delay, final.name)


def test_a_failed_build_leaves_the_previous_outputs_byte_for_byte(
    data_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert build(data_copy, out)[0] == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    replace(data_copy / "profile.yaml", "given_name:", "givn_name:")
    assert build(data_copy, out)[0] == 1
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_the_readme_explains_the_messages_of_the_catalogue() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## When something goes wrong", 1)[1].split("\n## ", 1)[0]
    explained = [
        "YAML syntax error",
        "a tab character",
        "not UTF-8",
        "is not allowed",
        "anchors and aliases",
        "did you mean",
        "must be a single value",
        "is not a date",
        "duplicate key",
        "duplicate field",
        "no person has the printed name",
        "must be lower-case letters",
        "form a cycle",
        "control character",
        "longer than kg accepts",
        "public record refers to private",
        "not an absolute URL",
        "blank nodes",
        "probable duplicate",
        "cannot write",
    ]
    assert [fragment for fragment in explained if fragment not in section] == []
