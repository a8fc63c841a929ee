"""Bad records: one located message per problem, a documented exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if text in line
    )


def test_bundled_data_validates() -> None:
    code, _, stderr = run("validate")
    assert code == 0, stderr
    assert "conforms" in stderr


def test_misspelt_key_names_file_line_record_field_and_suggests(data_copy: Path) -> None:
    people = data_copy / "profile.yaml"
    replace_in(people, "given_name:", "givenname:")
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code == 1
    line = line_of(people, "givenname:")
    assert (
        f"{people}:{line} people/lapuschkin-s givenname: unknown field 'givenname'; did you mean 'given_name'?"
        in stderr
    )
    assert stderr.strip().endswith("Error: 1 problem in the records")


def test_wrong_type(data_copy: Path) -> None:
    replace_in(data_copy / "journal-articles.yaml", "year: 2025", "year: [2025]")
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code == 1
    assert "year: 'year' must be a single value, not a list" in stderr


def test_impossible_date(data_copy: Path) -> None:
    replace_in(data_copy / "profile.yaml", "1986-12-16", "1986-02-30")
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code == 1
    assert "birth_date: '1986-02-30' is not a date: 1986-02 has 28 days" in stderr


def test_dangling_reference_suggests_the_key(data_copy: Path) -> None:
    replace_in(
        data_copy / "profile.yaml", "affiliation: fraunhofer-hhi", "affiliation: fraunhofer-hh"
    )
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code == 1
    assert (
        "affiliation: no organizations record with key 'fraunhofer-hh'; did you mean 'fraunhofer-hhi'?"
        in stderr
    )


def test_unknown_printed_author_name(data_copy: Path) -> None:
    replace_in(data_copy / "journal-articles.yaml", "Bley F", "Bleyy F")
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code == 1
    assert (
        "no person has the printed name 'Bleyy F' among their variants; did you mean 'Bley F'?"
        in stderr
    )


def test_duplicate_key_across_files(data_copy: Path) -> None:
    (data_copy / "more.yaml").write_text(
        "organizations:\n  - key: fraunhofer-hhi\n    name: Again\n", encoding="utf-8"
    )
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code == 1
    assert "organizations/fraunhofer-hhi key: duplicate key; already used at" in stderr
    assert (
        f"{data_copy / 'more.yaml'}:2" in stderr
        and f"{data_copy / 'organizations.yaml'}:" in stderr
    )


def test_duplicate_field_in_a_mapping(data_copy: Path) -> None:
    replace_in(
        data_copy / "profile.yaml",
        "given_name: Sebastian",
        "given_name: Sebastian\n    given_name: Seb",
    )
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code == 1
    assert "given_name: duplicate field; already given on line" in stderr


def test_yaml_syntax_error_is_a_load_error(data_copy: Path) -> None:
    (data_copy / "broken.yaml").write_text("people:\n  - key: [unclosed\n", encoding="utf-8")
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code == 2
    assert f"{data_copy / 'broken.yaml'}:" in stderr and "YAML syntax error" in stderr


def test_python_tag_is_refused_and_not_executed(data_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    (data_copy / "evil.yaml").write_text(
        f"people:\n  - !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8"
    )
    code, _, stderr = run("validate", "--data", str(data_copy))
    assert code in (1, 2)
    assert "python/object/apply:os.system" in stderr and "is not allowed" in stderr
    assert not marker.exists()


def test_missing_data_folder(tmp_path: Path) -> None:
    code, _, stderr = run("validate", "--data", str(tmp_path / "nowhere"))
    assert code == 2
    assert "no such data folder" in stderr


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("not an iri/", "not an absolute URL"),
        ("https://example.org/kg", "must end with '/' or '#'"),
    ],
)
def test_bad_base_iri(base: str, message: str) -> None:
    code, _, stderr = run("validate", "--base", base)
    assert code in (1, 2)
    assert message in stderr


def test_an_empty_value_is_an_absent_field_and_yaml_guesses_nothing(data_copy: Path) -> None:
    (data_copy / "more.yaml").write_text(
        "organizations:\n  - key: no\n    name: 'NO'\n    url: ~\n    location: yes\n",
        encoding="utf-8",
    )
    from kg.records import load_dataset

    organization = load_dataset(data_copy).collections["organizations"]["no"]
    assert organization.get("url") is None and "url" not in organization.values
    assert organization.get("location") == "yes"  # not the boolean YAML 1.1 would make of it
