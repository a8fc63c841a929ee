"""Curation checks: probable duplicate works and people that the record format cannot forbid.

A work listed twice under slightly different titles, or a co-author entered twice with a
misspelt surname, is valid data but wrong. `diagnose` finds such pairs cheaply enough for an
institute's records: candidates come from an inverted index (title words, surname initials),
and only candidate pairs are compared in full.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from kg.records import Dataset, Record

__all__ = ["Finding", "diagnose"]

TITLE_SIMILARITY = 0.9
STOPWORDS = {"a", "an", "and", "for", "in", "of", "on", "the", "to", "via", "with", "by", "from"}


@dataclass(frozen=True, order=True)
class Finding:
    """One suspicious pair, with where to look."""

    kind: str
    first: str
    second: str
    reason: str

    def __str__(self) -> str:
        return f"probable duplicate {self.kind}: {self.first} and {self.second}: {self.reason}"


def diagnose(dataset: Dataset) -> list[Finding]:
    """Every probable duplicate work and person in `dataset`, sorted."""
    return sorted({*_duplicate_works(dataset), *_duplicate_people(dataset)})


def _where(record: Record) -> str:
    return f"{record.label} ({record.file}:{record.line})"


def _fold(text: str) -> str:
    """Lower case, no accents, no punctuation: 'Müller K-R' and 'Muller K R' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def _title_words(title: str) -> set[str]:
    return {word for word in _fold(title).split() if word not in STOPWORDS and len(word) > 2}


def _duplicate_works(dataset: Dataset) -> Iterable[Finding]:
    works = dataset.records("works")
    by_arxiv: dict[str, list[Record]] = defaultdict(list)
    by_word: dict[str, set[int]] = defaultdict(set)
    titles: list[list[str]] = []
    for index, work in enumerate(works):
        versions = work.get("versions", [])
        titles.append([_fold(v.get("title", "")) for v in versions])
        for version in versions:
            if version.get("arxiv"):
                by_arxiv[version.get("arxiv")].append(work)
            for word in _title_words(version.get("title", "")):
                by_word[word].add(index)
    for arxiv, holders in sorted(by_arxiv.items()):
        distinct = sorted({work.key: work for work in holders}.values(), key=lambda w: w.key)
        for first, second in combinations(distinct, 2):
            yield Finding("works", _where(first), _where(second), f"same arXiv id {arxiv}")
    candidates: dict[tuple[int, int], int] = defaultdict(int)
    for indexes in by_word.values():
        if len(indexes) <= 50:  # a word in many titles says nothing about any pair
            for pair in combinations(sorted(indexes), 2):
                candidates[pair] += 1
    for (one, other), shared in sorted(candidates.items()):
        if shared < 2:
            continue
        best = max(
            (SequenceMatcher(None, a, b).ratio(), a, b) for a in titles[one] for b in titles[other]
        )
        if best[0] >= TITLE_SIMILARITY:
            yield Finding(
                "works",
                _where(works[one]),
                _where(works[other]),
                f"near-identical titles ({best[0]:.2f}): {best[1]!r} / {best[2]!r}",
            )


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            substitution = previous[j - 1] + (char_a != char_b)
            current.append(min(previous[j] + 1, current[j - 1] + 1, substitution))
        previous = current
    return previous[-1]


def _first_initial(person: Record) -> str:
    given = person.get("given_name") or person.get("initials") or ""
    folded = _fold(given)
    return folded[:1]


def _coauthors(dataset: Dataset) -> dict[str, set[str]]:
    together: dict[str, set[str]] = defaultdict(set)
    for work in dataset.records("works"):
        for version in work.get("versions", []):
            agents = version.get("authors", []) + version.get("editors", [])
            people = {agent.person for agent in agents}
            for person in people:
                together[person] |= people - {person}
    return together


def _duplicate_people(dataset: Dataset) -> Iterable[Finding]:
    people = dataset.records("people")
    coauthors = _coauthors(dataset)
    researcher = dataset.researcher
    blocks: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for person in people:
        family = _fold(person.get("family_name", ""))
        # Block by first initial and surname initial: a misspelling rarely changes both.
        blocks[(_first_initial(person), family[:1])].append(person)
        if len(family) > 1:
            blocks[(_first_initial(person), "~" + family[-2:])].append(person)
    seen: set[tuple[str, str]] = set()
    for block in blocks.values():
        for first, second in combinations(block, 2):
            pair = (min(first.key, second.key), max(first.key, second.key))
            if pair in seen:
                continue
            seen.add(pair)
            a, b = _fold(first.get("family_name", "")), _fold(second.get("family_name", ""))
            distance = _edit_distance(a, b)
            # One typo in a short surname, two in a long one; the more letters differ, the
            # more shared co-authors it takes ("Detzel M" and "Wenzel M A" share one).
            if distance > (1 if min(len(a), len(b)) <= 6 else 2):
                continue
            shared = (coauthors[first.key] & coauthors[second.key]) - {researcher}
            if len(shared) < max(distance, 1):
                continue
            surnames = f"{first.get('family_name')!r} and {second.get('family_name')!r}"
            letters = f"{distance} letter{'s' if distance != 1 else ''}"
            together = f"{len(shared)} shared co-author{'s' if len(shared) != 1 else ''}"
            yield Finding(
                "people",
                _where(first),
                _where(second),
                f"surnames {surnames} differ by {letters}, same initial, "
                f"{together} ({', '.join(sorted(shared)[:3])})",
            )
