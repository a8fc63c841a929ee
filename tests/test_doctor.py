"""`kg doctor`: probable duplicate works and people, so curation mistakes are caught."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli


def doctor(data: Path | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["doctor", *(["--data", str(data)] if data else [])])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_bundled_data_has_nothing_suspicious() -> None:
    code, stdout, stderr = doctor()
    assert (code, stdout) == (0, "")
    assert "nothing suspicious" in stderr


def test_a_work_listed_twice_under_a_slightly_different_title(data_copy: Path) -> None:
    (data_copy / "again.yaml").write_text(
        """works:
  - key: pixel-wise-explanations-again
    versions:
      - key: plos
        type: journal-article
        title: On Pixel-wise Explanations for Non-linear Classifier Decisions by Layerwise Relevance Propagation
        authors: ["Bach S", "Binder A"]
        year: 2015
""",
        encoding="utf-8",
    )
    code, stdout, _ = doctor(data_copy)
    assert code == 1
    assert "probable duplicate works: works/" in stdout
    assert "works/pixel-wise-explanations-again" in stdout and "near-identical titles" in stdout


def test_a_preprint_entered_twice_with_the_same_arxiv_id(data_copy: Path) -> None:
    (data_copy / "again.yaml").write_text(
        """works:
  - key: dualview-again
    versions:
      - key: arxiv
        type: preprint
        title: Data Attribution from Two Perspectives
        authors: ["Yolcu G Ü", "Lapuschkin S"]
        year: 2024
        venue: arxiv
        arxiv: "2402.12118"
""",
        encoding="utf-8",
    )
    code, stdout, _ = doctor(data_copy)
    assert code == 1
    assert "same arXiv id 2402.12118" in stdout


def test_a_coauthor_with_a_misspelt_surname(data_copy: Path) -> None:
    people = data_copy / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8")
        + "\n  - key: montavn-g\n    family_name: Montavn\n    initials: G\n    variants: [Montavn G]\n",
        encoding="utf-8",
    )
    articles = data_copy / "journal-articles.yaml"
    text = articles.read_text(encoding="utf-8")
    articles.write_text(text.replace("- Montavon G", "- Montavn G", 1), encoding="utf-8")
    code, stdout, _ = doctor(data_copy)
    assert code == 1
    assert "probable duplicate people: people/montavn-g" in stdout and "people/montavon-g" in stdout
    assert "differ by 1 letter" in stdout
