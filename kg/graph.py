"""The mapping: checked records → RDF triples in schema.org and SPAR, on the same nodes.

Each record kind has one method below, in the order of DESIGN.md §3. Every node gets an IRI
minted from record keys under the base IRI (no blank nodes, no counters), so two builds of
the same records give the same graph and a push is idempotent. Each node remembers the record
and field it came from, so a SHACL violation can be reported as file, line, record and field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from kg.bulk import paused_gc
from kg.records import Agent, Dataset, Record
from kg.terms import IRI, Literal, Term, Triple, TripleSet, to_rdflib
from kg.vocab import FABIO, FOAF, FRAPO, FRBR, KG, PREFIXES, PRISM, PRO, RDF, RDFS, SCHEMA, XSD

__all__ = ["KnowledgeGraph", "Origin", "Triple", "TripleSet", "build_graph"]


class Origin(tuple[Record, str]):
    """Where a node came from: its record and, for nodes made from one field, that field.

    A tuple, made cheaply for every node; file, line and label are derived only when a
    violation has to be located.
    """

    __slots__ = ()

    def __new__(cls, record: Record, field: str = "") -> Origin:
        return tuple.__new__(cls, (record, field))

    @property
    def record(self) -> Record:
        return self[0]

    @property
    def field(self) -> str:
        return self[1]

    def line_of(self, name: str) -> int:
        return self[0].line_of(name)


@dataclass
class KnowledgeGraph:
    """The mapped graph: public triples, private triples, and the origin of every node."""

    base: str
    researcher: IRI
    triples: TripleSet = field(default_factory=TripleSet)
    private_triples: TripleSet = field(default_factory=TripleSet)
    origins: dict[str, Origin] = field(default_factory=dict)

    def public_graph(self) -> Any:
        """The public triples as an rdflib Graph (imports rdflib)."""
        return _to_graph(self.triples)

    def private_graph(self) -> Any:
        """Everything, personal data included: only for outputs whose name says private."""
        return _to_graph(self.triples | self.private_triples)

    def __len__(self) -> int:
        return len(self.triples)


def _to_graph(triples: Iterable[Triple]) -> Any:
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def build_graph(dataset: Dataset) -> KnowledgeGraph:
    """Map every record of `dataset` to triples (with the cycle collector paused: the
    triples are millions of acyclic tuples, see `kg.bulk`)."""
    with paused_gc():
        return _Mapper(dataset).run()


# Version types: (schema.org class, FaBiO expression class). DESIGN.md §3.
VERSION_CLASSES = {
    "journal-article": (SCHEMA.ScholarlyArticle, FABIO.JournalArticle),
    "conference-paper": (SCHEMA.ScholarlyArticle, FABIO.ConferencePaper),
    "workshop-paper": (SCHEMA.ScholarlyArticle, FABIO.WorkshopPaper),
    "book-chapter": (SCHEMA.Chapter, FABIO.BookChapter),
    "preprint": (SCHEMA.ScholarlyArticle, FABIO.Preprint),
    "edited-book": (SCHEMA.Book, FABIO.Book),
    "book": (SCHEMA.Book, FABIO.Book),
}
ORGANIZATION_CLASSES = {
    "university": SCHEMA.CollegeOrUniversity,
    "institute": SCHEMA.ResearchOrganization,
    "research-group": SCHEMA.ResearchOrganization,
    "school": SCHEMA.School,
    "company": SCHEMA.Corporation,
}
LINK_CLASSES = {
    "code": SCHEMA.SoftwareSourceCode,
    "demo": SCHEMA.WebApplication,
    "website": SCHEMA.WebSite,
    "slides": SCHEMA.PresentationDigitalDocument,
    "video": SCHEMA.VideoObject,
    "stream": SCHEMA.VideoObject,
}
THESIS_CLASSES = {
    "doctoral": FABIO.DoctoralThesis,
    "masters": FABIO.MastersThesis,
    "bachelors": FABIO.BachelorsThesis,
}
PAGE_RANGE = re.compile(r"^\s*([^–\-\s]+)\s*[–-]\s*([^–\-\s]+)\s*$")


def _slug(text: str) -> str:
    """A readable, IRI-safe path segment for a value such as a volume ("S1") or a year."""
    return quote(text.strip(), safe="")


def _date(value: str) -> Literal:
    """schema.org dates are typed schema:Date, as the official JSON-LD context types them."""
    return Literal(value, datatype=SCHEMA.Date)


class _Mapper:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.base = dataset.base
        self.graph = KnowledgeGraph(self.base, self.iri("person", dataset.researcher))
        self.private_scope = False
        self.public_nodes: set[IRI] = set()  # typed in public: what the public graph describes

    def run(self) -> KnowledgeGraph:
        self.sources()
        mappers = {
            "people": self.person,
            "organizations": self.organization,
            "venues": self.venue,
            "works": self.work,
            "patents": self.patent,
            "positions": self.position,
            "education": self.education,
            "projects": self.project,
            "talks": self.talk,
            "awards": self.award,
            "skills": self.skill,
            "languages": self.language,
        }
        for collection, mapper in mappers.items():
            for record in self.dataset.records(collection):
                self.private_scope = not record.public
                mapper(record)
        self.private_scope = False
        self.profile_page()
        return self.graph

    # --- helpers ------------------------------------------------------------------------

    def iri(self, *segments: str) -> IRI:
        return IRI(self.base + "/".join(segments))

    def add(self, subject: IRI, predicate: IRI, value: Term | None, private: bool = False) -> None:
        if value is None:
            return
        # `TripleSet.add` spelled out: this runs for every triple of an institute's graph.
        if private or self.private_scope:
            self.graph.private_triples[(subject, predicate, value)] = None
        else:
            self.graph.triples[(subject, predicate, value)] = None

    def text(self, subject: IRI, predicate: IRI, value: object, private: bool = False) -> None:
        if value is not None and value != "":
            self.add(subject, predicate, Literal(str(value)), private)

    def node(self, subject: IRI, record: Record, *types: IRI, field: str = "") -> IRI:
        """Type a node and remember the record (and field) it came from."""
        if field == "" or subject not in self.graph.origins:
            self.graph.origins[subject] = Origin(record, field)
        if types and not self.private_scope:
            self.public_nodes.add(subject)
        for rdf_type in types:
            self.add(subject, RDF.type, rdf_type)
        return subject

    def provenance(self, subject: IRI, record: Record) -> None:
        """Link a node to the source entries it was transcribed from, with older readings."""
        for entry in record.get("sources", []):
            self.add(subject, KG.listedIn, self.source_entry(entry))
        for reading in record.get("readings", []):
            entry_node = self.source_entry(reading.get("source"))
            self.text(entry_node, KG.reading, f"{reading.get('field')}: {reading.get('value')}")

    def source_entry(self, entry: str) -> IRI:
        source_key, _, rest = entry.partition(":")
        section, _, item = rest.partition("/")
        return self.iri("source", source_key, section, item)

    def links(self, subject: IRI, record: Record) -> None:
        """Code, demos and other links become nodes of their own, based on the work."""
        for link in record.get("links", []):
            url = link.get("url")
            if url is None:
                self.text(
                    subject,
                    RDFS.comment,
                    f"{link.get('label') or link.get('kind')} (no link target printed)",
                )
                continue
            parts = urlsplit(url)
            target = self.node(
                self.iri("link", quote(parts.netloc.lower() + parts.path.rstrip("/"), safe="/")),
                record,
                LINK_CLASSES[link.get("kind")],
                field="links",
            )
            self.add(target, SCHEMA.url, IRI(url))
            self.add(target, SCHEMA.isBasedOn, subject)
            # The list entry references the repository: the forward link lets a nested
            # JSON-LD tree (the homepage embed) show code links with schema.org terms only.
            self.add(subject, SCHEMA.citation, target)
            self.text(
                target, SCHEMA.name, link.get("label") or parts.path.strip("/") or parts.netloc
            )
            if link.get("kind") == "code":
                self.add(target, SCHEMA.codeRepository, IRI(url))

    def place(self, subject: IRI, name: str | None) -> None:
        """The place of publication ("Cham") as a schema:Place shared by every mention."""
        if not name:
            return
        place = self.iri("place", _slug(name.lower()))
        self.add(place, RDF.type, SCHEMA.Place)
        self.text(place, SCHEMA.name, name)
        self.add(subject, SCHEMA.locationCreated, place)

    # --- sources ------------------------------------------------------------------------

    def sources(self) -> None:
        for source in self.dataset.config.get("sources", []):
            document = self.node(self.iri("source", source.key), source, SCHEMA.CreativeWork)
            self.text(document, SCHEMA.name, source.get("title"))
            self.add(document, SCHEMA.dateCreated, _date(source.get("date")))
            for section_key, heading in sorted(source.get("sections", {}).items()):
                section = self.node(
                    self.iri("source", source.key, section_key), source, SCHEMA.CreativeWork
                )
                self.text(section, SCHEMA.name, heading)
                self.add(section, SCHEMA.isPartOf, document)
        used = sorted(
            {entry for record in self._all_with_sources() for entry in record.get("sources", [])}
        )
        for entry in used:
            source_key, _, rest = entry.partition(":")
            section, _, item = rest.partition("/")
            node = self.source_entry(entry)
            self.add(node, RDF.type, SCHEMA.CreativeWork)
            self.add(node, SCHEMA.isPartOf, self.iri("source", source_key, section))
            self.add(node, SCHEMA.position, Literal(int(item)))

    def _all_with_sources(self) -> Iterable[Record]:
        for record in self.dataset.all_records():
            yield record
            for child_field in ("versions", "entries"):
                yield from record.get(child_field, [])

    # --- people and organizations -------------------------------------------------------

    def person(self, record: Record) -> None:
        person = self.node(self.iri("person", record.key), record, SCHEMA.Person, FOAF.Person)
        given, family = record.get("given_name"), record.get("family_name")
        name = record.get("name") or " ".join(
            part for part in (given or record.get("initials"), family) if part
        )
        self.text(person, SCHEMA.name, name)
        self.text(person, SCHEMA.givenName, given)
        self.text(person, SCHEMA.familyName, family)
        self.text(person, SCHEMA.honorificPrefix, record.get("honorific_prefix"))
        self.text(person, SCHEMA.alternateName, record.get("birth_name"))
        for variant in record.get("variants", []):
            self.text(person, SCHEMA.alternateName, variant)
        self.text(person, SCHEMA.jobTitle, record.get("job_title"))
        if record.get("affiliation"):
            self.add(
                person, SCHEMA.affiliation, self.iri("organization", record.get("affiliation"))
            )
        self.text(person, SCHEMA.description, record.get("description"))
        for url in record.get("same_as", []):
            self.add(person, SCHEMA.sameAs, IRI(url))
        public = set(record.get("public_fields", []))
        self.text(person, SCHEMA.email, record.get("email"), private="email" not in public)
        self.text(
            person, SCHEMA.telephone, record.get("telephone"), private="telephone" not in public
        )
        self.text(person, SCHEMA.address, record.get("address"), private="address" not in public)
        self.text(person, KG.familyNote, record.get("family"), private="family" not in public)
        if record.get("birth_date"):
            self.add(
                person,
                SCHEMA.birthDate,
                _date(record.get("birth_date")),
                "birth_date" not in public,
            )
        if record.get("birth_place"):
            place = self.iri("person", record.key, "birth-place")
            private = "birth_place" not in public
            self.add(person, SCHEMA.birthPlace, place, private)
            self.add(place, RDF.type, SCHEMA.Place, private)
            self.text(place, SCHEMA.name, record.get("birth_place"), private)
        if record.get("nationality"):
            country = self.iri("person", record.key, "nationality")
            private = "nationality" not in public
            self.add(person, SCHEMA.nationality, country, private)
            self.add(country, RDF.type, SCHEMA.Country, private)
            self.text(country, SCHEMA.name, record.get("nationality"), private)
        self.provenance(person, record)

    def organization(self, record: Record) -> None:
        kind = record.get("kind", "other")
        organization = self.node(
            self.iri("organization", record.key),
            record,
            SCHEMA.Organization,
            *([ORGANIZATION_CLASSES[kind]] if kind in ORGANIZATION_CLASSES else []),
        )
        self.text(organization, SCHEMA.name, record.get("name"))
        for name in record.get("alternate_names", []):
            self.text(organization, SCHEMA.alternateName, name)
        self.text(organization, SCHEMA.location, record.get("location"))
        if record.get("url"):
            self.add(organization, SCHEMA.url, IRI(record.get("url")))
        if record.get("parent"):
            self.add(
                organization,
                SCHEMA.parentOrganization,
                self.iri("organization", record.get("parent")),
            )
        self.provenance(organization, record)

    # --- venues and works ---------------------------------------------------------------

    def venue(self, record: Record) -> None:
        kind = record.get("kind")
        types = {
            "journal": (SCHEMA.Periodical, FABIO.Journal),
            "conference": (SCHEMA.CreativeWorkSeries, FABIO.Series),
            "workshop": (SCHEMA.CreativeWorkSeries, FABIO.Series),
            "book": (SCHEMA.Book, FABIO.Book),
            "book-series": (SCHEMA.BookSeries, FABIO.BookSeries),
            "repository": (SCHEMA.Organization, FABIO.DocumentRepository),
        }[kind]
        venue = self.node(self.iri("venue", record.key), record, *types)
        self.text(venue, SCHEMA.name, record.get("name"))
        for name in record.get("alternate_names", []):
            self.text(venue, SCHEMA.alternateName, name)
        if record.get("issn"):
            self.text(venue, SCHEMA.issn, record.get("issn"))
            self.text(venue, PRISM.issn, record.get("issn"))
        if record.get("publisher"):
            self.add(venue, SCHEMA.publisher, self.iri("organization", record.get("publisher")))
        self.place(venue, record.get("place"))
        if record.get("url"):
            self.add(venue, SCHEMA.url, IRI(record.get("url")))
        self.provenance(venue, record)

    def work(self, record: Record) -> None:
        versions = record.get("versions", [])
        newest = max(versions, key=lambda version: (version.get("year"), version.get("date") or ""))
        is_book = all(version.get("type") in ("edited-book", "book") for version in versions)
        work = self.node(
            self.iri("work", record.key),
            record,
            SCHEMA.CreativeWork,
            FABIO.Work if is_book else FABIO.ResearchPaper,
        )
        self.text(work, SCHEMA.name, record.get("title") or newest.get("title"))
        self.provenance(work, record)
        for version in versions:
            outer, self.private_scope = self.private_scope, self.private_scope or not version.public
            expression = self.version(work, version)
            self.private_scope = outer
            self.add(work, SCHEMA.workExample, expression)
            self.add(work, FRBR.realization, expression)

    def version(self, work: IRI, record: Record) -> IRI:
        schema_class, fabio_class = VERSION_CLASSES[record.get("type")]
        version = self.node(IRI(f"{work}/{record.key}"), record, schema_class, fabio_class)
        self.add(version, SCHEMA.exampleOfWork, work)
        self.add(version, FRBR.realizationOf, work)
        self.text(version, SCHEMA.name, record.get("title"))
        self.agents(version, record, "authors", SCHEMA.author, PRO.author)
        self.agents(version, record, "editors", SCHEMA.editor, PRO.editor)
        year = str(record.get("year"))
        self.add(version, SCHEMA.datePublished, _date(record.get("date") or year))
        self.add(version, FABIO.hasPublicationYear, Literal(year, datatype=XSD.gYear))
        self.container(version, record)
        self.pages(version, record)
        arxiv = record.get("arxiv")
        if arxiv:
            self.text(version, FABIO.hasArXivId, arxiv)
            self.text(version, SCHEMA.identifier, f"arXiv:{arxiv}")
            self.add(version, SCHEMA.sameAs, IRI(f"https://arxiv.org/abs/{arxiv}"))
        if record.get("doi"):
            self.text(version, PRISM.doi, record.get("doi"))
            self.add(version, SCHEMA.sameAs, IRI(f"https://doi.org/{record.get('doi')}"))
        for isbn in record.get("isbn", []):
            self.text(version, SCHEMA.isbn, isbn)
            self.text(version, PRISM.isbn, isbn)
        for part in record.get("parts", []):
            part_node = self.node(IRI(f"{version}/{part.key}"), part, SCHEMA.Book, FABIO.Book)
            self.text(part_node, SCHEMA.name, part.get("name"))
            self.text(part_node, SCHEMA.isbn, part.get("isbn"))
            self.text(part_node, PRISM.isbn, part.get("isbn"))
            self.add(part_node, SCHEMA.isPartOf, version)
            self.add(part_node, FRBR.partOf, version)
            self.add(version, SCHEMA.hasPart, part_node)
        if record.get("publisher"):
            self.add(version, SCHEMA.publisher, self.iri("organization", record.get("publisher")))
        self.place(version, record.get("place"))
        if record.get("url"):
            self.add(version, SCHEMA.url, IRI(record.get("url")))
        elif arxiv:
            self.add(version, SCHEMA.url, IRI(f"https://arxiv.org/abs/{arxiv}"))
        if record.get("openreview"):
            self.add(
                version,
                SCHEMA.sameAs,
                IRI(f"https://openreview.net/forum?id={quote(record.get('openreview'))}"),
            )
        for award in record.get("awards", []):
            self.text(version, SCHEMA.award, award)
        if record.get("open_access"):
            self.add(version, SCHEMA.isAccessibleForFree, Literal(True))
            self.text(
                version, SCHEMA.conditionsOfAccess, f"{record.get('open_access')} open access"
            )
        self.text(version, SCHEMA.creativeWorkStatus, record.get("status"))
        self.text(version, RDFS.comment, record.get("note"))
        self.links(version, record)
        self.provenance(version, record)
        return version

    def agents(
        self, version: IRI, record: Record, name: str, schema_property: IRI, role: IRI
    ) -> None:
        """`schema:author` links plus one PRO role per agent, with rank and printed name."""
        agents: list[Agent] = record.get(name, [])
        kind = role[len(PRO) :]
        origins, add = self.graph.origins, self.add
        for rank, agent in enumerate(agents, start=1):
            person = self.iri("person", agent.person)
            add(version, schema_property, person)
            role_node = IRI(f"{version}/{kind}/{agent.person}")
            origins[role_node] = Origin(record, f"{name}[{rank}]")
            add(role_node, RDF.type, PRO.RoleInTime)
            add(role_node, PRO.withRole, role)
            add(role_node, PRO.isHeldBy, person)
            add(role_node, PRO.relatesToDocument, version)
            add(role_node, KG.rank, Literal(rank))
            add(role_node, KG.printedName, Literal(agent.printed))

    def container(self, version: IRI, record: Record) -> None:
        """The `isPartOf` / `frbr:partOf` chain: issue → volume → journal, proceedings, book."""
        venue_key = record.get("venue")
        if venue_key is None:
            return
        venue = self.dataset.collections["venues"][venue_key]
        venue_node = self.iri("venue", venue_key)
        kind = venue.get("kind")
        volume, issue = record.get("volume"), record.get("issue")
        if kind == "journal":
            parent = venue_node
            if volume:
                volume_node = self.node(
                    self.iri("venue", venue_key, "volume", _slug(volume)),
                    venue,
                    SCHEMA.PublicationVolume,
                    FABIO.JournalVolume,
                )
                self.text(volume_node, SCHEMA.volumeNumber, volume)
                self.text(volume_node, PRISM.volume, volume)
                self.part_of(volume_node, parent)
                parent = volume_node
            if issue:
                segments = ["volume", _slug(volume)] if volume else []
                issue_node = self.node(
                    self.iri("venue", venue_key, *segments, "issue", _slug(issue)),
                    venue,
                    SCHEMA.PublicationIssue,
                    FABIO.JournalIssue,
                )
                self.text(issue_node, SCHEMA.issueNumber, issue)
                self.text(issue_node, PRISM.issueIdentifier, issue)
                self.part_of(issue_node, parent)
                parent = issue_node
            self.part_of(version, parent)
            return
        if volume:
            self.text(version, PRISM.volume, volume)
        if issue:
            self.text(version, PRISM.issueIdentifier, issue)
        if kind in ("conference", "workshop"):
            year = str(record.get("year"))
            proceedings = self.node(
                self.iri("venue", venue_key, year),
                venue,
                SCHEMA.Book,
                FABIO.ConferenceProceedings if kind == "conference" else FABIO.WorkshopProceedings,
            )
            self.text(proceedings, SCHEMA.name, record.get("venue_printed") or venue.get("name"))
            self.add(proceedings, SCHEMA.datePublished, _date(year))
            self.part_of(proceedings, venue_node)
            self.part_of(version, proceedings)
        elif kind == "book-series" and volume:
            book = self.node(
                self.iri("venue", venue_key, "volume", _slug(volume)),
                venue,
                SCHEMA.Book,
                SCHEMA.PublicationVolume,
                FABIO.Book,
            )
            self.text(book, SCHEMA.volumeNumber, volume)
            self.text(
                book, SCHEMA.name, record.get("venue_printed") or f"{venue.get('name')} {volume}"
            )
            self.part_of(book, venue_node)
            self.part_of(version, book)
        elif kind == "repository":
            self.add(version, SCHEMA.publisher, venue_node)
        else:
            self.part_of(version, venue_node)

    def part_of(self, part: IRI, whole: IRI) -> None:
        self.add(part, SCHEMA.isPartOf, whole)
        self.add(part, FRBR.partOf, whole)

    def pages(self, version: IRI, record: Record) -> None:
        pages, number = record.get("pages"), record.get("article_number")
        if number:
            self.text(version, FABIO.hasElectronicArticleIdentifier, number)
        if pages:
            self.text(version, SCHEMA.pagination, pages)
            match = PAGE_RANGE.match(pages)
            if match:
                start, end = match.groups()
                self.text(version, SCHEMA.pageStart, start)
                self.text(version, SCHEMA.pageEnd, end)
                self.text(version, PRISM.startingPage, start)
                self.text(version, PRISM.endingPage, end)
        elif number:
            self.text(version, SCHEMA.pagination, number)

    # --- patents ------------------------------------------------------------------------

    def patent(self, record: Record) -> None:
        family = self.node(
            self.iri("patent", record.key), record, SCHEMA.CreativeWork, FABIO.Patent
        )
        self.text(family, SCHEMA.name, record.get("title"))
        for inventor in record.get("inventors", []):
            self.add(family, SCHEMA.creator, self.iri("person", inventor))
        self.provenance(family, record)
        for entry in record.get("entries", []):
            document_class = (
                FABIO.PatentDocument
                if entry.get("status") == "granted"
                else FABIO.PatentApplicationDocument
            )
            document = self.node(
                IRI(f"{family}/{entry.key}"), entry, SCHEMA.CreativeWork, document_class
            )
            number = " ".join(
                part
                for part in (entry.get("jurisdiction"), entry.get("number"), entry.get("kind_code"))
                if part
            )
            self.text(document, SCHEMA.name, entry.get("title"))
            self.text(document, SCHEMA.identifier, number)
            self.text(document, FABIO.hasPatentNumber, number)
            self.text(document, SCHEMA.creativeWorkStatus, entry.get("status"))
            self.add(document, SCHEMA.datePublished, _date(entry.get("date")))
            jurisdiction = self.iri("jurisdiction", entry.get("jurisdiction").lower())
            self.add(jurisdiction, RDF.type, SCHEMA.Place)
            self.text(jurisdiction, SCHEMA.name, entry.get("jurisdiction"))
            self.add(document, SCHEMA.spatialCoverage, jurisdiction)
            self.add(document, SCHEMA.exampleOfWork, family)
            self.add(document, FRBR.realizationOf, family)
            self.add(family, SCHEMA.workExample, document)
            self.add(family, FRBR.realization, document)
            self.provenance(document, entry)

    # --- career -------------------------------------------------------------------------

    def position(self, record: Record) -> None:
        role = self.node(self.iri("position", record.key), record, SCHEMA.EmployeeRole)
        self.add(self.graph.researcher, SCHEMA.worksFor, role)
        self.add(role, SCHEMA.worksFor, self.iri("organization", record.get("organization")))
        self.text(role, SCHEMA.roleName, record.get("title"))
        self.add(role, SCHEMA.startDate, _date(record.get("start")))
        if record.get("end"):
            self.add(role, SCHEMA.endDate, _date(record.get("end")))
        parts = [
            record.get("description"),
            *(
                f"{label}: {record.get(name)}"
                for name, label in (
                    ("unit", "Unit"),
                    ("research", "Research"),
                    ("responsibilities", "Further responsibilities"),
                    ("teaching", "Teaching"),
                )
                if record.get(name)
            ),
        ]
        self.text(role, SCHEMA.description, "\n".join(part for part in parts if part))
        for supervisor in record.get("supervisors", []):
            self.add(role, KG.supervisedBy, self.iri("person", supervisor))
        self.provenance(role, record)

    def education(self, record: Record) -> None:
        role = self.node(self.iri("education", record.key), record, SCHEMA.OrganizationRole)
        organization = self.iri("organization", record.get("organization"))
        self.add(self.graph.researcher, SCHEMA.alumniOf, role)
        self.add(role, SCHEMA.alumniOf, organization)
        self.text(role, SCHEMA.roleName, record.get("degree"))
        if record.get("start"):
            self.add(role, SCHEMA.startDate, _date(record.get("start")))
        if record.get("end"):
            self.add(role, SCHEMA.endDate, _date(record.get("end")))
        credential = self.node(
            self.iri("education", record.key, "credential"),
            record,
            SCHEMA.EducationalOccupationalCredential,
        )
        self.add(self.graph.researcher, SCHEMA.hasCredential, credential)
        self.text(credential, SCHEMA.name, record.get("degree"))
        level = record.get("level")
        self.text(
            credential,
            SCHEMA.credentialCategory,
            "degree" if level != "secondary" else "certificate",
        )
        self.text(credential, SCHEMA.educationalLevel, level)
        self.add(credential, SCHEMA.recognizedBy, organization)
        details = [record.get("distinction"), record.get("focus")]
        self.text(credential, SCHEMA.description, "\n".join(d for d in details if d))
        if record.get("end"):
            self.add(credential, SCHEMA.dateCreated, _date(record.get("end")))
        thesis = record.get("thesis")
        if thesis is not None:
            types = [SCHEMA.Thesis, THESIS_CLASSES.get(level, FABIO.Thesis)]
            thesis_node = self.node(self.iri("thesis", record.key), record, *types, field="thesis")
            self.text(thesis_node, SCHEMA.name, thesis.get("title"))
            self.add(thesis_node, SCHEMA.author, self.graph.researcher)
            self.text(thesis_node, SCHEMA.inSupportOf, record.get("degree"))
            self.add(thesis_node, SCHEMA.sourceOrganization, organization)
            if record.get("end"):
                self.add(thesis_node, SCHEMA.datePublished, _date(record.get("end")))
            for supervisor in thesis.get("supervisors", []):
                self.add(thesis_node, KG.supervisedBy, self.iri("person", supervisor))
        self.provenance(role, record)

    def project(self, record: Record) -> None:
        project = self.node(
            self.iri("project", record.key), record, SCHEMA.ResearchProject, FOAF.Project
        )
        self.text(project, SCHEMA.name, record.get("name"))
        self.text(project, FRAPO.hasAcronym, record.get("name"))
        self.text(project, SCHEMA.alternateName, record.get("title"))
        if record.get("start"):
            self.add(project, SCHEMA.foundingDate, _date(record.get("start")))
        if record.get("end"):
            self.add(project, SCHEMA.dissolutionDate, _date(record.get("end")))
        if record.get("url"):
            self.add(project, SCHEMA.url, IRI(record.get("url")))
        membership = self.node(
            self.iri("project", record.key, "member"), record, SCHEMA.OrganizationRole
        )
        self.add(self.graph.researcher, SCHEMA.memberOf, membership)
        self.add(membership, SCHEMA.memberOf, project)
        self.text(membership, SCHEMA.roleName, record.get("role"))
        if record.get("start"):
            self.add(membership, SCHEMA.startDate, _date(record.get("start")))
        if record.get("end"):
            self.add(membership, SCHEMA.endDate, _date(record.get("end")))
        self.provenance(project, record)

    def talk(self, record: Record) -> None:
        kind = record.get("kind")
        event_class = SCHEMA.EducationEvent if kind.startswith("lecture") else SCHEMA.Event
        talk = self.node(self.iri("talk", record.key), record, event_class)
        self.text(talk, SCHEMA.name, record.get("title"))
        self.text(talk, SCHEMA.additionalType, kind)
        self.add(talk, SCHEMA.startDate, _date(record.get("date")))
        self.add(talk, SCHEMA.performer, self.graph.researcher)
        host_event = self.node(
            self.iri("talk", record.key, "event"), record, SCHEMA.Event, field="event"
        )
        self.text(host_event, SCHEMA.name, record.get("event"))
        self.add(talk, SCHEMA.superEvent, host_event)
        if record.get("host"):
            self.add(talk, SCHEMA.organizer, self.iri("organization", record.get("host")))
        self.text(talk, RDFS.comment, record.get("note"))
        if record.get("dates"):
            self.text(talk, RDFS.comment, f"dates: {record.get('dates')}")
        if record.get("work"):
            self.add(talk, SCHEMA.workFeatured, self.iri("work", record.get("work")))
        if record.get("links"):
            presentation = self.node(
                self.iri("talk", record.key, "presentation"),
                record,
                SCHEMA.CreativeWork,
                FABIO.Presentation,
                field="links",
            )
            self.text(presentation, SCHEMA.name, record.get("title"))
            self.add(presentation, SCHEMA.author, self.graph.researcher)
            self.add(talk, SCHEMA.workPerformed, presentation)
            self.links(presentation, record)
        self.provenance(talk, record)

    def award(self, record: Record) -> None:
        details = ", ".join(str(part) for part in (record.get("year"), record.get("rank")) if part)
        text = f"{record.get('name')} ({details})"
        if record.get("description"):
            text += f" – {record.get('description')}"
        self.text(self.graph.researcher, SCHEMA.award, text)
        # schema.org has no award class: the award is text on the person, whose description
        # was therefore (partly) transcribed from the award's entry.
        self.provenance(self.graph.researcher, record)
        if record.get("work"):
            self.text(
                self.iri("work", record.get("work")),
                SCHEMA.award,
                f"{record.get('name')} ({record.get('year')})",
            )

    def skill(self, record: Record) -> None:
        skill = self.node(self.iri("skill", record.key), record, SCHEMA.DefinedTerm)
        self.text(skill, SCHEMA.name, record.get("name"))
        self.text(skill, SCHEMA.description, record.get("description"))
        self.add(self.graph.researcher, SCHEMA.knowsAbout, skill)
        self.provenance(skill, record)

    def language(self, record: Record) -> None:
        language = self.node(self.iri("language", record.key), record, SCHEMA.Language)
        self.text(language, SCHEMA.name, record.get("name"))
        self.text(language, SCHEMA.alternateName, record.key)
        role = self.node(self.iri("language", record.key, "proficiency"), record, SCHEMA.Role)
        self.add(self.graph.researcher, SCHEMA.knowsLanguage, role)
        self.add(role, SCHEMA.knowsLanguage, language)
        self.text(role, SCHEMA.roleName, record.get("proficiency"))
        self.provenance(language, record)

    # --- the profile page ---------------------------------------------------------------

    def profile_page(self) -> None:
        """The researcher's profile page (`<base>profile`, DESIGN.md §8): a `ProfilePage` whose
        `mainEntity` is the researcher and whose parts are their works.

        The homepage embed is a nested tree rooted at this page, cut from the public graph, so
        these few triples are what lets every triple of the embed be a triple of the graph. The
        graph links versions to their authors, not the researcher to the works; `hasPart` gives
        the tree its one forward link to each of the researcher's versions (as author or
        editor), theses and patent families: in an institute's data, not everyone's.
        """
        researcher = self.dataset.collections["people"][self.dataset.researcher]
        page = self.node(self.iri("profile"), researcher, SCHEMA.ProfilePage)
        self.add(page, SCHEMA.mainEntity, self.graph.researcher)
        me = self.dataset.researcher
        parts = [
            *(
                self.iri("work", work.key, version.key)
                for work in self.dataset.records("works")
                for version in work.get("versions", [])
                if any(
                    a.person == me for a in version.get("authors", []) + version.get("editors", [])
                )
            ),
            *(
                self.iri("thesis", education.key)
                for education in self.dataset.records("education")
                if education.get("thesis") is not None
            ),
            *(
                self.iri("patent", patent.key)
                for patent in self.dataset.records("patents")
                if me in patent.get("inventors", [])
            ),
        ]
        for part in parts:
            if part in self.public_nodes:  # only what the public graph itself holds
                self.add(page, SCHEMA.hasPart, part)
