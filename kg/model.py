"""The record model: which collections exist and which fields each record may have.

This module is the machine-readable form of `data/README.md`. The loader checks every record
against it, so a misspelt key, a wrong type or a dangling reference is caught with its file and
line before any RDF is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["COLLECTIONS", "CONFIG", "PRIVATE_PERSON_FIELDS", "Field", "RecordSpec"]


@dataclass(frozen=True)
class Field:
    """One field of a record.

    kind is one of: text, int, date, url, key (a reference into collection `ref`), enum
    (one of `choices`), version-ref (`WORK/VERSION`), source (`SRC:SECTION/ITEM`), agent (an
    author or editor: printed name or {person, printed}), list (of `item`), record (`spec`).
    """

    kind: str
    required: bool = False
    ref: str = ""
    choices: tuple[str, ...] = ()
    item: Field | None = None
    spec: RecordSpec | None = None


@dataclass(frozen=True)
class RecordSpec:
    name: str
    fields: dict[str, Field] = field(default_factory=dict)
    keyed: bool = True


def _text(required: bool = False) -> Field:
    return Field("text", required)


def _list(item: Field, required: bool = False) -> Field:
    return Field("list", required, item=item)


def _ref(collection: str, required: bool = False) -> Field:
    return Field("key", required, ref=collection)


def _enum(*choices: str, required: bool = False) -> Field:
    return Field("enum", required, choices=choices)


def _record(spec: RecordSpec, required: bool = False) -> Field:
    return Field("record", required, spec=spec)


TEXT = _text()
DATE = Field("date")
URL = Field("url")

PROVENANCE = {
    "sources": _list(Field("source")),
    "readings": _list(
        _record(
            RecordSpec(
                "reading",
                {
                    "source": Field("source", True),
                    "field": _text(True),
                    "value": _text(True),
                },
                keyed=False,
            )
        )
    ),
    "visibility": _enum("public", "private"),
}

LINK = RecordSpec(
    "link",
    {
        "kind": _enum("code", "demo", "website", "slides", "video", "stream", required=True),
        "url": URL,
        "label": TEXT,
    },
    keyed=False,
)

PRIVATE_PERSON_FIELDS = (
    "birth_date",
    "birth_place",
    "nationality",
    "telephone",
    "address",
    "email",
    "family",
)

# Contact details a person may choose to publish; birth data, nationality and family never.
PUBLISHABLE_PERSON_FIELDS = ("email", "telephone", "address")

PERSON = RecordSpec(
    "people",
    {
        "family_name": _text(True),
        "given_name": TEXT,
        "initials": TEXT,
        "name": TEXT,
        "honorific_prefix": TEXT,
        "birth_name": TEXT,
        "variants": _list(TEXT),
        "job_title": TEXT,
        "affiliation": _ref("organizations"),
        "description": TEXT,
        "same_as": _list(URL),
        "email": TEXT,
        "telephone": TEXT,
        "address": TEXT,
        "birth_date": DATE,
        "birth_place": TEXT,
        "nationality": TEXT,
        "family": TEXT,
        "public_fields": _list(_enum(*PUBLISHABLE_PERSON_FIELDS)),
        **PROVENANCE,
    },
)

ORGANIZATION = RecordSpec(
    "organizations",
    {
        "name": _text(True),
        "alternate_names": _list(TEXT),
        "kind": _enum(
            "university", "institute", "research-group", "school", "company", "publisher", "other"
        ),
        "location": TEXT,
        "url": URL,
        "parent": _ref("organizations"),
        **PROVENANCE,
    },
)

VENUE = RecordSpec(
    "venues",
    {
        "name": _text(True),
        "kind": _enum(
            "journal", "conference", "workshop", "book", "book-series", "repository", required=True
        ),
        "alternate_names": _list(TEXT),
        "issn": TEXT,
        "publisher": _ref("organizations"),
        "place": TEXT,
        "url": URL,
        **PROVENANCE,
    },
)

VERSION_TYPES = (
    "journal-article",
    "conference-paper",
    "workshop-paper",
    "book-chapter",
    "preprint",
    "edited-book",
    "book",
)

BOOK_PART = RecordSpec("parts", {"name": _text(True), "isbn": TEXT})

VERSION = RecordSpec(
    "versions",
    {
        "type": _enum(*VERSION_TYPES, required=True),
        "title": _text(True),
        "authors": _list(Field("agent")),
        "editors": _list(Field("agent")),
        "year": Field("int", True),
        "date": DATE,
        "venue": _ref("venues"),
        "venue_printed": TEXT,
        "volume": TEXT,
        "issue": TEXT,
        "pages": TEXT,
        "article_number": TEXT,
        "arxiv": TEXT,
        "doi": TEXT,
        "isbn": _list(TEXT),
        "parts": _list(_record(BOOK_PART)),
        "publisher": _ref("organizations"),
        "place": TEXT,
        "url": URL,
        "openreview": TEXT,
        "links": _list(_record(LINK)),
        "awards": _list(TEXT),
        "open_access": _enum("gold", "green"),
        "status": TEXT,
        "note": TEXT,
        **PROVENANCE,
    },
)

WORK = RecordSpec(
    "works",
    {
        "title": TEXT,
        "versions": _list(_record(VERSION), required=True),
        **PROVENANCE,
    },
)

PATENT_ENTRY = RecordSpec(
    "entries",
    {
        "jurisdiction": _text(True),
        "number": _text(True),
        "kind_code": TEXT,
        "title": _text(True),
        "status": _enum("published", "granted", required=True),
        "date": Field("date", True),
        **PROVENANCE,
    },
)

PATENT = RecordSpec(
    "patents",
    {
        "title": _text(True),
        "inventors": _list(_ref("people")),
        "entries": _list(_record(PATENT_ENTRY), required=True),
        **PROVENANCE,
    },
)

POSITION = RecordSpec(
    "positions",
    {
        "title": _text(True),
        "organization": _ref("organizations", True),
        "unit": TEXT,
        "start": Field("date", True),
        "end": DATE,
        "description": TEXT,
        "research": TEXT,
        "responsibilities": TEXT,
        "teaching": TEXT,
        "supervisors": _list(_ref("people")),
        **PROVENANCE,
    },
)

THESIS = RecordSpec(
    "thesis",
    {"title": _text(True), "supervisors": _list(_ref("people"))},
    keyed=False,
)

EDUCATION = RecordSpec(
    "education",
    {
        "degree": _text(True),
        "level": _enum("doctoral", "masters", "bachelors", "secondary"),
        "organization": _ref("organizations", True),
        "start": DATE,
        "end": DATE,
        "distinction": TEXT,
        "focus": TEXT,
        "thesis": _record(THESIS),
        **PROVENANCE,
    },
)

PROJECT = RecordSpec(
    "projects",
    {
        "name": _text(True),
        "title": TEXT,
        "start": DATE,
        "end": DATE,
        "role": TEXT,
        "url": URL,
        **PROVENANCE,
    },
)

TALK_KINDS = (
    "talk",
    "keynote",
    "invited-talk",
    "paper-presentation",
    "lecture",
    "lecture-series",
)

TALK = RecordSpec(
    "talks",
    {
        "title": _text(True),
        "kind": _enum(*TALK_KINDS, required=True),
        "date": Field("date", True),
        "dates": TEXT,
        "event": _text(True),
        "host": _ref("organizations"),
        "note": TEXT,
        "work": Field("version-ref"),
        "links": _list(_record(LINK)),
        **PROVENANCE,
    },
)

AWARD = RecordSpec(
    "awards",
    {
        "name": _text(True),
        "year": Field("int", True),
        "rank": TEXT,
        "description": TEXT,
        "work": Field("version-ref"),
        **PROVENANCE,
    },
)

SKILL = RecordSpec(
    "skills",
    {"name": _text(True), "description": _text(True), **PROVENANCE},
)

LANGUAGE = RecordSpec(
    "languages",
    {"name": _text(True), "proficiency": TEXT, **PROVENANCE},
)

COLLECTIONS: dict[str, RecordSpec] = {
    spec.name: spec
    for spec in (
        PERSON,
        ORGANIZATION,
        VENUE,
        WORK,
        PATENT,
        POSITION,
        EDUCATION,
        PROJECT,
        TALK,
        AWARD,
        SKILL,
        LANGUAGE,
    )
}

SOURCE = RecordSpec(
    "sources",
    {
        "title": _text(True),
        "file": TEXT,
        "date": Field("date", True),
        "sections": Field("mapping"),
    },
)

CONFIG = RecordSpec(
    "config",
    {
        "base": Field("url", True),
        "researcher": _ref("people", True),
        "sources": _list(_record(SOURCE)),
    },
    keyed=False,
)
