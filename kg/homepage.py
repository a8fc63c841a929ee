"""The researcher's homepage, `out/index.html`, generated from the public graph.

One self-contained file: inline CSS, an inline SVG chart, no JavaScript, no fonts or other
requests, so it can be copied to any web server as it is. Everything shown is read from the
public triples through `kg.embed.GraphView` (so nothing private can appear), and the page
carries the homepage embed between the `kg embed` markers, so search engines read the same
graph the page shows. All text goes through `html.escape`; links are kept only for http(s)
and mailto URLs. The page is deterministic: the same graph gives the same bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property
from html import escape
from urllib.parse import urlsplit

from kg.bulk import paused_gc
from kg.embed import END_MARKER, START_MARKER, GraphView, script_block
from kg.graph import KnowledgeGraph
from kg.serialize import Rows
from kg.terms import IRI
from kg.vocab import FABIO, KG, PRISM, PRO, RDFS, SCHEMA

__all__ = ["render_homepage"]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Publication kinds by FaBiO class: (badge, chart category).
KINDS = {
    FABIO.JournalArticle: ("Journal", "journal"),
    FABIO.ConferencePaper: ("Conference", "proceedings"),
    FABIO.WorkshopPaper: ("Workshop", "proceedings"),
    FABIO.Preprint: ("Preprint", "preprint"),
    FABIO.BookChapter: ("Chapter", "book"),
    FABIO.Book: ("Book", "book"),
}
CATEGORIES = {
    "journal": "Journal articles",
    "proceedings": "Conference & workshop papers",
    "preprint": "Preprints",
    "book": "Books & chapters",
}
LINK_LABELS = {
    SCHEMA.SoftwareSourceCode: "Code",
    SCHEMA.WebApplication: "Demo",
    SCHEMA.WebSite: "Website",
    SCHEMA.PresentationDigitalDocument: "Slides",
    SCHEMA.VideoObject: "Video",
}
TALK_KINDS = {
    "talk": "Talk",
    "invited-talk": "Invited talk",
    "keynote": "Keynote",
    "paper-presentation": "Paper presentation",
    "lecture": "Lecture",
    "lecture-series": "Lecture series",
}
AWARD = re.compile(r"^(?P<name>.*?) \((?P<details>[^)]*)\)(?: – (?P<note>.*))?$", re.DOTALL)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _href(url: str | None) -> str | None:
    """A URL safe to put in `href`: http(s) and mailto only, escaped."""
    if not url or urlsplit(url).scheme.lower() not in ("http", "https", "mailto"):
        return None
    return _e(url)


def _link(url: str | None, text: str, css: str = "") -> str:
    href = _href(url)
    label = _e(text)
    if href is None:
        return label
    attribute = f' class="{css}"' if css else ""
    return f'<a{attribute} href="{href}">{label}</a>'


def _date(value: str | None) -> str:
    """`2021-01` → `Jan 2021`, `2022-10-21` → `21 Oct 2022`, `2015` → `2015`."""
    if not value:
        return ""
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return value


def _days(value: str) -> str:
    """`2021-12-13/14/16` (a talk over several days) → `13, 14, 16 Dec 2021`."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})((?:/\d{2})+)", value)
    if match is None:
        return value
    days = [str(int(day)) for day in (match[3], *match[4].strip("/").split("/"))]
    return f"{', '.join(days)} {MONTHS[int(match[2]) - 1]} {match[1]}"


def _span(start: str | None, end: str | None, open_end: str = "") -> str:
    start_text, end_text = _date(start), _date(end) or open_end
    if start_text and end_text and start_text != end_text:
        return f"{start_text} – {end_text}"
    return start_text or end_text


def _slug(iri: IRI, base: str) -> str:
    """A readable fragment id from a node IRI: `work/lrp/plos-one` → `work-lrp-plos-one`."""
    local = str(iri)[len(base) :] if str(iri).startswith(base) else str(iri)
    return re.sub(r"[^A-Za-z0-9_-]+", "-", local).strip("-")


class _Page:
    """Renders one section at a time from the graph view."""

    def __init__(self, graph: KnowledgeGraph, rows: Rows | None) -> None:
        self.graph = graph
        self.view = GraphView(graph, rows)
        self.me = self.view.researcher
        self._kinds: dict[IRI, tuple[str, str]] = {}

    # --- small helpers ------------------------------------------------------------------

    def name(self, node: IRI | None) -> str:
        return (self.view.text(node, SCHEMA.name) or "") if node is not None else ""

    def organization(self, node: IRI | None) -> str:
        if node is None:
            return ""
        return _link(self.view.text(node, SCHEMA.url), self.name(node))

    def entry(self, when: str, body: str) -> str:
        return f'<li class="entry"><div class="when">{_e(when)}</div><div>{body}</div></li>'

    def section(self, key: str, title: str, body: str) -> str:
        if not body:
            return ""
        heading = f'<h2 id="{key}-h">{title}</h2>'
        return f'<section id="{key}" aria-labelledby="{key}-h">\n{heading}\n{body}\n</section>'

    def paragraphs(self, text: str | None, css: str = "") -> str:
        attribute = f' class="{css}"' if css else ""
        return "".join(
            f"<p{attribute}>{_e(paragraph.strip())}</p>"
            for paragraph in (text or "").split("\n")
            if paragraph.strip()
        )

    # --- header -------------------------------------------------------------------------

    def full_name(self) -> str:
        prefix = self.view.text(self.me, SCHEMA.honorificPrefix)
        return " ".join(part for part in (prefix, self.name(self.me)) if part)

    def header(self, sections: list[tuple[str, str]]) -> str:
        view, me = self.view, self.me
        cited = self.cited()
        printed = sorted({name for _, name in self._printed}, key=lambda name: name != cited)
        other_names = [n for n in view.texts(me, SCHEMA.alternateName) if n not in printed]
        lines = []
        role = [
            _e(view.text(me, SCHEMA.jobTitle) or ""),
            self.organization(view.ref(me, SCHEMA.affiliation)),
        ]
        lines.append(f'<p class="role">{" · ".join(part for part in role if part)}</p>')
        lines.append(f"<h1>{_e(self.full_name())}</h1>")
        aka = []
        if other_names:
            aka.append(f"born {_e(' / '.join(other_names))}")
        if printed:
            aka.append(f"in author lists {', '.join(_e(name) for name in printed)}")
        if aka:
            lines.append(f'<p class="aka">{"; ".join(aka)}</p>')
        contacts = []
        email = view.text(me, SCHEMA.email)
        if email:
            contacts.append(_link(f"mailto:{email}", email))
        for url in view.refs(me, SCHEMA.sameAs):
            host = urlsplit(str(url)).netloc.removeprefix("www.")
            label = {"github.com": "GitHub", "linkedin.com": "LinkedIn"}.get(host, host or str(url))
            contacts.append(_link(str(url), label))
        if contacts:
            items = "".join(f"<li>{contact}</li>" for contact in contacts)
            lines.append(f'<ul class="contact" aria-label="Contact and profiles">{items}</ul>')
        toc = "".join(f'<a href="#{key}">{_e(title)}</a>' for key, title in sections)
        return (
            '<header class="masthead"><div class="wrap">\n'
            + "\n".join(lines)
            + f'\n</div><nav class="toc" aria-label="Sections"><div class="wrap">{toc}</div></nav>'
            + "</header>"
        )

    @cached_property
    def _printed(self) -> list[tuple[IRI, str]]:
        return [
            (role, name)
            for role in self.view.subjects(PRO.isHeldBy, self.me)
            for name in self.view.texts(role, KG.printedName)
        ]

    def cited(self) -> str:
        """The printed form of the researcher's name used most often."""
        counts = Counter(name for _, name in self._printed)
        return min(counts, key=lambda name: (-counts[name], name)) if counts else ""

    # --- about --------------------------------------------------------------------------

    def about(self, publications: list[IRI]) -> str:
        view, me = self.view, self.me
        kinds = Counter(self.kind(work)[1] for work in publications)
        works = {view.ref(work, SCHEMA.exampleOfWork) for work in publications}
        facts = [
            (len(works), "publications"),
            (kinds["journal"], "journal articles"),
            (len(self.patents()), "patent families"),
            (len(view.texts(me, SCHEMA.award)), "awards"),
        ]
        stats = "".join(
            f'<li><span class="num">{count}</span> {label}</li>' for count, label in facts if count
        )
        bio = self.paragraphs(view.text(me, SCHEMA.description))
        return f'<ul class="stats">{stats}</ul><div class="bio">{bio}</div>'

    def skills(self) -> str:
        view, me = self.view, self.me
        items = [
            self.entry(self.name(skill), self.paragraphs(view.text(skill, SCHEMA.description)))
            for skill in view.refs(me, SCHEMA.knowsAbout)
        ]
        languages = [
            _e(self.name(view.ref(role, SCHEMA.knowsLanguage)))
            + (
                f' <span class="muted">({_e(view.text(role, SCHEMA.roleName))})</span>'
                if view.text(role, SCHEMA.roleName)
                else ""
            )
            for role in view.refs(me, SCHEMA.knowsLanguage)
        ]
        if languages:
            items.append(self.entry("Languages", f"<p>{', '.join(languages)}</p>"))
        return f'<ol class="timeline compact skills">{"".join(items)}</ol>' if items else ""

    # --- career -------------------------------------------------------------------------

    def positions(self) -> str:
        view = self.view
        roles = sorted(
            view.refs(self.me, SCHEMA.worksFor),
            key=lambda role: view.text(role, SCHEMA.startDate) or "",
            reverse=True,
        )
        items = []
        for role in roles:
            when = _span(
                view.text(role, SCHEMA.startDate), view.text(role, SCHEMA.endDate), "present"
            )
            lines = (view.text(role, SCHEMA.description) or "").split("\n")
            summary = [line for line in lines if line and ": " not in line[:28]]
            details = [line.split(": ", 1) for line in lines if line and ": " in line[:28]]
            body = f"<h3>{_e(view.text(role, SCHEMA.roleName) or '')}</h3>"
            body += f'<p class="org">{self.organization(view.ref(role, SCHEMA.worksFor))}</p>'
            body += "".join(f"<p>{_e(line)}</p>" for line in summary)
            body += "".join(
                f'<p class="detail"><span class="label">{_e(label)}</span> {_e(text)}</p>'
                for label, text in details
            )
            items.append(self.entry(when, body))
        return f'<ol class="timeline">{"".join(items)}</ol>' if items else ""

    def education(self) -> str:
        view = self.view
        credentials = view.refs(self.me, SCHEMA.hasCredential)
        theses = [work for work in view.works() if SCHEMA.Thesis in view.types(work)]
        roles = sorted(
            view.refs(self.me, SCHEMA.alumniOf),
            key=lambda role: view.text(role, SCHEMA.endDate) or "9999",
            reverse=True,
        )
        items = []
        for role in roles:
            degree = view.text(role, SCHEMA.roleName) or ""
            school = view.ref(role, SCHEMA.alumniOf)
            body = f'<h3>{_e(degree)}</h3><p class="org">{self.organization(school)}</p>'
            for credential in credentials:
                if (
                    view.text(credential, SCHEMA.name) == degree
                    and view.ref(credential, SCHEMA.recognizedBy) == school
                ):
                    body += self.paragraphs(view.text(credential, SCHEMA.description))
            for thesis in theses:
                if (
                    view.text(thesis, SCHEMA.inSupportOf) == degree
                    and view.ref(thesis, SCHEMA.sourceOrganization) == school
                ):
                    body += self.thesis(thesis)
            when = _span(view.text(role, SCHEMA.startDate), view.text(role, SCHEMA.endDate))
            items.append(self.entry(when, body))
        return f'<ol class="timeline">{"".join(items)}</ol>' if items else ""

    def thesis(self, thesis: IRI) -> str:
        supervisors = [self.name(person) for person in self.view.refs(thesis, KG.supervisedBy)]
        text = f'<p class="thesis">Thesis: <cite>{_e(self.name(thesis))}</cite>'
        if supervisors:
            text += f' <span class="muted">(supervised by {_e(", ".join(supervisors))})</span>'
        return text + "</p>"

    def projects(self) -> str:
        view = self.view
        roles = sorted(
            view.refs(self.me, SCHEMA.memberOf),
            key=lambda role: view.text(role, SCHEMA.startDate) or "",
            reverse=True,
        )
        items = []
        for role in roles:
            project = view.ref(role, SCHEMA.memberOf)
            if project is None:
                continue
            body = f"<h3>{_link(view.text(project, SCHEMA.url), self.name(project))}</h3>"
            title = view.text(project, SCHEMA.alternateName)
            if title:
                body += f"<p>{_e(title)}</p>"
            if view.text(role, SCHEMA.roleName):
                role_name = view.text(role, SCHEMA.roleName) or ""
                body += f'<p class="muted">{_e(role_name[:1].upper() + role_name[1:])}</p>'
            when = _span(view.text(role, SCHEMA.startDate), view.text(role, SCHEMA.endDate))
            items.append(self.entry(when, body))
        return f'<ol class="timeline">{"".join(items)}</ol>' if items else ""

    def awards(self) -> str:
        parsed: list[tuple[str, str, str]] = []
        for text in self.view.texts(self.me, SCHEMA.award):
            match = AWARD.match(text)
            if match is None:
                parsed.append(("", text, ""))
                continue
            details = [part.strip() for part in match["details"].split(",")]
            year = next((part for part in details if re.fullmatch(r"\d{4}", part)), "")
            notes = [part for part in details if part != year] + (
                [match["note"]] if match["note"] else []
            )
            parsed.append((year, match["name"], " · ".join(notes)))
        parsed.sort(key=lambda award: award[1])
        parsed.sort(key=lambda award: award[0], reverse=True)  # stable: names stay in order
        items = []
        awarded = [  # the few publications with awards, in order, read once
            (work, texts)
            for work in self.publications()
            if (texts := self.view.texts(work, SCHEMA.award))
        ]
        for year, name, note in parsed:
            body = f"<h3>{_e(name)}</h3>" + (f'<p class="muted">{_e(note)}</p>' if note else "")
            for work, texts in awarded:
                if any(text.startswith(name) for text in texts):
                    anchor = _slug(work, self.view.base)
                    body += f'<p>For <a href="#{anchor}">{_e(self.name(work))}</a></p>'
            items.append(self.entry(year, body))
        return f'<ol class="timeline compact">{"".join(items)}</ol>' if items else ""

    def talks(self) -> str:
        view = self.view
        talks = sorted(
            view.subjects(SCHEMA.performer, self.me),
            key=lambda talk: (view.text(talk, SCHEMA.startDate) or "", str(talk)),
            reverse=True,
        )
        items = []
        for talk in talks:
            kind = view.text(talk, SCHEMA.additionalType) or ""
            comments = view.texts(talk, RDFS.comment)
            dates = [c.removeprefix("dates: ") for c in comments if c.startswith("dates: ")]
            notes = [c for c in comments if not c.startswith("dates: ")]
            event = self.name(view.ref(talk, SCHEMA.superEvent))
            host = view.ref(talk, SCHEMA.organizer)
            where = [_e(event)]
            if host is not None and self.name(host) not in event:
                where.append(self.organization(host))
            body = (
                f'<h3><span class="badge talk">{_e(TALK_KINDS.get(kind, kind))}</span> '
                f"{_e(self.name(talk))}</h3>"
                f'<p class="org">{" · ".join(part for part in where if part)}</p>'
            )
            if notes:
                body += f'<p class="muted">{_e("; ".join(notes))}</p>'
            chips = []
            featured = view.ref(talk, SCHEMA.workFeatured)
            if featured is not None:
                anchor = _slug(featured, self.view.base)
                chips.append(f'<a class="chip" href="#{anchor}">Paper</a>')
            for presentation in view.refs(talk, SCHEMA.workPerformed):
                chips += self.links(presentation)
            if chips:
                body += f'<p class="extras"><span class="chips">{" ".join(chips)}</span></p>'
            when = _days(dates[0]) if dates else _date(view.text(talk, SCHEMA.startDate))
            items.append(self.entry(when, body))
        return f'<ol class="timeline compact">{"".join(items)}</ol>' if items else ""

    def patents(self) -> list[IRI]:
        return [w for w in self.view.works() if FABIO.Patent in self.view.types(w)]

    def patent_list(self) -> str:
        view = self.view
        items = []
        for family in self.patents():
            documents = sorted(
                view.refs(family, SCHEMA.workExample),
                key=lambda doc: view.text(doc, SCHEMA.datePublished) or "",
            )
            entries = "".join(
                f"<li>{_e(view.text(doc, SCHEMA.identifier) or '')} "
                f'<span class="muted">{_e(view.text(doc, SCHEMA.creativeWorkStatus) or "")}'
                f" {_e(_date(view.text(doc, SCHEMA.datePublished)))}</span></li>"
                for doc in documents
            )
            body = f'<h3>{_e(self.name(family))}</h3><ul class="docs">{entries}</ul>'
            items.append(self.entry(view.date(family)[:4], body))
        return f'<ol class="timeline compact">{"".join(items)}</ol>' if items else ""

    # --- publications -------------------------------------------------------------------

    def publications(self) -> list[IRI]:
        """The versions of works on the profile page (theses and patents have own sections)."""
        return list(self._publications)

    @cached_property
    def _publications(self) -> tuple[IRI, ...]:
        return tuple(w for w in self.view.works() if self.view.ref(w, SCHEMA.exampleOfWork))

    def kind(self, work: IRI) -> tuple[str, str]:
        found = self._kinds.get(work)
        if found is None:
            found = self._kinds[work] = self._kind(work)
        return found

    def _kind(self, work: IRI) -> tuple[str, str]:
        types = self.view.types(work)
        for fabio_class, kind in KINDS.items():
            if fabio_class in types:
                if fabio_class == FABIO.Book and not self.view.refs(work, SCHEMA.author):
                    return ("Edited book", kind[1])
                return kind
        return ("Article", "journal")

    def authors(self, work: IRI) -> str:
        view = self.view
        parts = []
        for role, label in ((PRO.author, ""), (PRO.editor, "Editors: ")):
            names = [
                f'<strong class="me">{_e(printed)}</strong>' if person == self.me else _e(printed)
                for person, printed in view.agents(work, role)
            ]
            if names:
                parts.append(label + ", ".join(names))
        return f'<p class="authors">{"; ".join(parts)}</p>' if parts else ""

    def venue(self, work: IRI) -> str:
        """`Journal 5(9):1006–1019`, `In: Proceedings …, 1–8. Springer, Cham`, `arXiv:…`."""
        view = self.view
        chain: list[IRI] = []
        node = view.ref(work, SCHEMA.isPartOf)
        while node is not None and len(chain) < 5:
            chain.append(node)
            node = view.ref(node, SCHEMA.isPartOf)
        volume = next((v for n in chain if (v := view.text(n, SCHEMA.volumeNumber))), None)
        volume = volume or view.text(work, PRISM.volume)
        issue = next((i for n in chain if (i := view.text(n, SCHEMA.issueNumber))), None)
        issue = issue or view.text(work, PRISM.issueIdentifier)
        pages = view.text(work, SCHEMA.pagination)
        identifier = view.text(work, SCHEMA.identifier)
        segments = []
        if chain and SCHEMA.Periodical in view.types(chain[-1]):
            text = f"<i>{_e(self.name(chain[-1]))}</i>"
            text += f" {_e(volume)}" if volume else ""
            text += f"({_e(issue)})" if issue else ""
            if pages:
                text += f"{':' if volume or issue else ', '}{_e(pages)}"
            segments.append(text)
        elif chain:
            container = next((n for n in chain if self.name(n)), chain[0])
            text = f"In: <i>{_e(self.name(container))}</i>"
            if volume and volume not in self.name(container):
                text += f", vol. {_e(volume)}"
            text += f", no. {_e(issue)}" if issue else ""
            text += f", {_e(pages)}" if pages else ""
            segments.append(text)
        elif identifier:
            segments.append(_e(identifier))
        publisher = view.ref(work, SCHEMA.publisher)
        if publisher is not None and not (identifier and not chain):
            place = self.name(view.ref(work, SCHEMA.locationCreated))
            segments.append(_e(", ".join(p for p in (self.name(publisher), place) if p)))
        text = ". ".join(segment for segment in segments if segment)
        status = view.text(work, SCHEMA.creativeWorkStatus)
        if status:
            text += f' <span class="muted">({_e(status)})</span>'
        parts = [view.text(part, SCHEMA.isbn) for part in view.refs(work, SCHEMA.hasPart)]
        isbns = [isbn for isbn in parts if isbn] + view.texts(work, SCHEMA.isbn)
        if isbns:
            text += f" · ISBN {_e(', '.join(isbns))}"
        return f'<p class="venue">{text}</p>' if text else ""

    def links(self, work: IRI) -> list[str]:
        """arXiv, DOI, OpenReview, then code, demo and other links the version cites."""
        view, found = self.view, []
        hosts = {"arxiv.org": "arXiv", "doi.org": "DOI", "openreview.net": "OpenReview"}
        for same in view.refs(work, SCHEMA.sameAs):
            host = urlsplit(str(same)).netloc
            found.append(_link(str(same), hosts.get(host, host), "chip"))
        for target in view.refs(work, SCHEMA.citation):
            kind = next((LINK_LABELS[t] for t in view.types(target) if t in LINK_LABELS), "")
            url = view.text(target, SCHEMA.url) or str(view.ref(target, SCHEMA.url) or "")
            found.append(_link(url, kind or self.name(target) or "Link", "chip"))
        return found

    def relations(self, work: IRI) -> str:
        """Preprint → published version and back, through the shared FRBR work."""
        view = self.view
        parent = view.ref(work, SCHEMA.exampleOfWork)
        if parent is None:
            return ""
        siblings = [v for v in view.refs(parent, SCHEMA.workExample) if v != work]
        notes = []
        for sibling in sorted(siblings, key=view.date):
            kind = self.kind(sibling)[0]
            anchor = f"#{_slug(sibling, view.base)}"
            year = view.date(sibling)[:4]
            if kind == "Preprint":
                label = view.text(sibling, SCHEMA.identifier) or "preprint"
                notes.append(f'Preprint: <a href="{anchor}">{_e(label)}</a> ({_e(year)})')
            else:
                venue = self._short_venue(sibling)
                notes.append(f'Published: <a href="{anchor}">{_e(venue)}</a> ({_e(year)})')
        return f'<p class="relation">{" · ".join(notes)}</p>' if notes else ""

    def _short_venue(self, work: IRI) -> str:
        node, last = self.view.ref(work, SCHEMA.isPartOf), None
        while node is not None:
            last = node
            node = self.view.ref(node, SCHEMA.isPartOf)
        names = self.view.texts(last, SCHEMA.alternateName) if last is not None else []
        short = min(names, key=len) if names else ""
        return short or self.name(last) or self.kind(work)[0]

    def awards_of(self, work: IRI) -> list[str]:
        """The work's awards, without the CV's copy of one the list prints more fully.

        "Best Paper Award (2020)" (from the awards list) and "Best Paper Award winner" (printed
        with the work) are one award: the shorter, whose name starts the other, is dropped.
        """
        texts = self.view.texts(work, SCHEMA.award)
        return [
            text
            for text in texts
            if not any(
                other != text and other.startswith(re.sub(r" \(\d{4}\)$", "", text))
                for other in texts
            )
        ]

    def publication(self, work: IRI) -> str:
        view = self.view
        badge, category = self.kind(work)
        url = view.text(work, SCHEMA.url) or str(view.ref(work, SCHEMA.url) or "")
        if not url:
            doi = next((str(u) for u in view.refs(work, SCHEMA.sameAs) if "doi.org" in u), "")
            url = doi
        title = _link(url, self.name(work))
        awards = "".join(
            f'<span class="award">★ {_e(award)}</span>' for award in self.awards_of(work)
        )
        chips = self.links(work)
        if view.text(work, SCHEMA.conditionsOfAccess):
            chips.append(f'<span class="chip oa">{_e("Open access")}</span>')
        extras = awards + (f'<span class="chips">{" ".join(chips)}</span>' if chips else "")
        return (
            f'<li class="pub" id="{_slug(work, view.base)}">'
            f'<span class="badge {category}">{_e(badge)}</span>'
            f'<div class="pub-body"><cite class="title">{title}</cite>'
            f"{self.authors(work)}{self.venue(work)}{self.relations(work)}"
            + (f'<p class="extras">{extras}</p>' if extras else "")
            + "</div></li>"
        )

    def publication_list(self, works: list[IRI]) -> str:
        by_year: dict[str, list[IRI]] = {}
        for work in works:
            by_year.setdefault(self.view.date(work)[:4], []).append(work)
        groups = []
        for year, items in by_year.items():
            entries = "".join(self.publication(work) for work in items)
            groups.append(
                f'<h3 class="year" id="year-{_e(year)}">{_e(year)}'
                f' <span class="count">{len(items)}</span></h3>'
                f'<ol class="pubs">{entries}</ol>'
            )
        return chart(self, works) + "".join(groups)

    # --- the page -----------------------------------------------------------------------

    def render(self) -> str:
        works = self.publications()
        sections = [
            ("about", "About", self.about(works)),
            ("publications", "Publications", self.publication_list(works)),
            ("experience", "Experience", self.positions()),
            ("education", "Education", self.education()),
            ("projects", "Research projects", self.projects()),
            ("awards", "Awards", self.awards()),
            ("talks", "Talks &amp; lectures", self.talks()),
            ("patents", "Patents", self.patent_list()),
            ("skills", "Skills", self.skills()),
        ]
        present = [(key, title, body) for key, title, body in sections if body]
        short = {"projects": "Projects", "talks": "Talks"}
        toc = [(key, short.get(key, title)) for key, title, _ in present]
        name = self.full_name()
        job = self.view.text(self.me, SCHEMA.jobTitle)
        bio = (self.view.text(self.me, SCHEMA.description) or "").split("\n")[0]
        summary = bio if len(bio) <= 200 else bio[: bio.rfind(" ", 0, 197)] + "…"
        body = "\n".join(self.section(key, title, body) for key, title, body in present)
        return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(name)}{f" – {_e(job)}" if job else ""}</title>
<meta name="description" content="{_e(summary)}">
<meta name="author" content="{_e(self.name(self.me))}">
<meta name="generator" content="kg">
<link rel="alternate" type="text/turtle" href="kg.ttl" title="Knowledge graph (Turtle)">
<link rel="alternate" type="application/ld+json" href="kg.jsonld" title="Knowledge graph">
<style>{CSS}</style>
{START_MARKER}
{script_block(self.graph, view=self.view)}
{END_MARKER}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
{self.header(toc)}
<main id="main" class="wrap">
{body}
</main>
<footer class="wrap">
<p>Generated by kg from the knowledge graph of {_e(self.name(self.me))}’s records,
also published as
<a href="kg.ttl">Turtle</a>, <a href="kg.jsonld">JSON-LD</a> and <a href="kg.nt">N-Triples</a>.</p>
</footer>
</body>
</html>
"""


def chart(page: _Page, works: list[IRI]) -> str:
    """Publications per year as stacked bars: an inline SVG with a text equivalent."""
    counts: dict[int, Counter[str]] = {}
    for work in works:
        year_text = page.view.date(work)[:4]
        if year_text.isdigit():
            counts.setdefault(int(year_text), Counter())[page.kind(work)[1]] += 1
    if not counts:
        return ""
    years = list(range(min(counts), max(counts) + 1))
    width, height, left, bottom, top = 640, 210, 30, 24, 18
    plot_width, plot_height = width - left - 8, height - bottom - top
    peak = max(sum(c.values()) for c in counts.values())
    step = 5 if peak > 10 else 2 if peak > 4 else 1
    ceiling = -(-peak // step) * step
    slot = plot_width / len(years)
    bar = min(slot * 0.68, 34)
    scale = plot_height / ceiling
    parts = []
    for tick in range(0, ceiling + 1, step):
        y = top + plot_height - tick * scale
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 3.5:.1f}" text-anchor="end">{tick}</text>'
        )
    label_every = 1 if len(years) <= 16 else 2
    for index, year in enumerate(years):
        x = left + index * slot + (slot - bar) / 2
        y = top + plot_height
        for category, label in CATEGORIES.items():
            count = counts.get(year, Counter())[category]
            if not count:
                continue
            h = count * scale
            y -= h
            parts.append(
                f'<rect class="bar {category}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" rx="1.5">'
                f"<title>{year}: {count} {_e(label.lower())}</title></rect>"
            )
        total = sum(counts.get(year, Counter()).values())
        if total:
            parts.append(
                f'<text class="total" x="{x + bar / 2:.1f}" y="{y - 4:.1f}" '
                f'text-anchor="middle">{total}</text>'
            )
        if (max(years) - year) % label_every == 0:
            parts.append(
                f'<text class="year" x="{x + bar / 2:.1f}" y="{height - 7}" '
                f'text-anchor="middle">{year}</text>'
            )
    description = "; ".join(
        f"{year}: {sum(counts[year].values())}" for year in sorted(counts, reverse=True)
    )
    legend = "".join(
        f'<li><span class="swatch {category}"></span>{_e(label)}</li>'
        for category, label in CATEGORIES.items()
        if any(c[category] for c in counts.values())
    )
    return (
        '<figure class="chart">'
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-t chart-d">'
        f'<title id="chart-t">Publications per year</title>'
        f'<desc id="chart-d">{_e(description)}</desc>' + "".join(parts) + "</svg>"
        f'<figcaption><ul class="legend">{legend}</ul></figcaption></figure>'
    )


def render_homepage(graph: KnowledgeGraph, rows: Rows | None = None) -> str:
    """The homepage as one HTML document, from the public triples of `graph`, or from
    `rows`, the same triples sorted (a large graph's build has them: reading them, a forked
    process copies far less of the graph)."""
    with paused_gc():
        return _Page(graph, rows).render()


CSS = """
:root{--ink:#1d232b;--muted:#5b6572;--line:#e3e7ec;--bg:#fff;--soft:#f5f7fa;--accent:#1f5fae;
--me:#fff1b8;--journal:#1f5fae;--proceedings:#2e9a8f;--preprint:#c9822b;--book:#8a5cb8;
--talk:#5b6572;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--ink:#e6e9ee;--muted:#9aa5b1;--line:#2b323b;
--bg:#13171c;--soft:#1b2128;--accent:#7fb0f0;--me:#4a3f12;--journal:#5b93dc;
--proceedings:#3fb5a8;--preprint:#e0a04f;--book:#a985d4}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.6 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.wrap{max-width:52rem;margin:0 auto;padding:0 1.25rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem}
.masthead{background:var(--soft);border-bottom:1px solid var(--line);padding-top:3rem}
.masthead h1{font:600 2.6rem/1.15 Georgia,"Iowan Old Style","Palatino Linotype",serif;
margin:.2rem 0 .4rem;letter-spacing:-.01em}
.role{margin:0;color:var(--muted);font-size:.95rem;text-transform:uppercase;letter-spacing:.06em}
.role a{color:inherit}
.aka{margin:0 0 1rem;color:var(--muted)}
.contact{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem;padding:0;margin:0 0 1.5rem}
.contact a{display:inline-block;border:1px solid var(--line);background:var(--bg);
border-radius:999px;padding:.2rem .85rem;font-size:.9rem}
.toc{border-top:1px solid var(--line);position:sticky;top:0;background:var(--soft);z-index:1}
.toc .wrap{display:flex;flex-wrap:wrap;gap:.3rem 1.25rem;padding-top:.6rem;padding-bottom:.6rem;
font-size:.92rem}
.toc a{color:var(--muted)}.toc a:hover{color:var(--accent)}
main{padding-bottom:2rem}
section{padding-top:2.2rem}
h2{font:600 1.55rem/1.2 Georgia,"Iowan Old Style","Palatino Linotype",serif;margin:0 0 1rem;
padding-bottom:.4rem;border-bottom:2px solid var(--ink)}
h3{font-size:1rem;margin:0;line-height:1.4}
p{margin:.25rem 0}
.muted{color:var(--muted)}
.stats{list-style:none;display:flex;flex-wrap:wrap;gap:.75rem;padding:0;margin:0 0 1rem}
.stats li{background:var(--soft);border:1px solid var(--line);border-radius:.5rem;
padding:.5rem .9rem;color:var(--muted);font-size:.9rem}
.stats .num{display:block;font:600 1.5rem/1.1 Georgia,serif;color:var(--ink)}
.bio p{margin:0 0 .8rem}
.timeline{list-style:none;padding:0;margin:0}
.entry{display:grid;grid-template-columns:10.5rem 1fr;gap:1rem;padding:.8rem 0;
border-bottom:1px solid var(--line)}
.entry:last-child{border-bottom:0}
.compact .entry{padding:.55rem 0}
.when{color:var(--muted);font-size:.9rem;font-variant-numeric:tabular-nums;padding-top:.05rem}
.org{color:var(--muted)}
.detail{font-size:.93rem;margin-top:.35rem}
.label{font-size:.72rem;font-weight:600;letter-spacing:.06em;text-transform:uppercase;
color:var(--muted);margin-right:.3rem}
.skills .when{color:var(--ink);font-weight:600}
.thesis{margin-top:.35rem}
.docs{list-style:none;padding:0;margin:.3rem 0 0;display:grid;gap:.1rem 1.2rem;font-size:.93rem;
grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}
.chart{margin:0 0 1rem;overflow-x:auto;direction:rtl}
.chart svg{display:block;width:100%;min-width:500px;height:auto}
.chart svg,.chart figcaption{direction:ltr}
.chart text{font:11px system-ui,sans-serif;fill:var(--muted)}
.chart .total{fill:var(--ink);font-weight:600}
.chart .grid{stroke:var(--line);stroke-width:1}
.bar.journal,.swatch.journal{fill:var(--journal);background:var(--journal)}
.bar.proceedings,.swatch.proceedings{fill:var(--proceedings);background:var(--proceedings)}
.bar.preprint,.swatch.preprint{fill:var(--preprint);background:var(--preprint)}
.bar.book,.swatch.book{fill:var(--book);background:var(--book)}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;padding:0;margin:.3rem 0 0;
font-size:.85rem;color:var(--muted)}
.swatch{display:inline-block;width:.75rem;height:.75rem;border-radius:2px;margin-right:.4rem;
vertical-align:-.05rem}
.year{font:600 1.15rem/1 Georgia,serif;margin:1.6rem 0 .3rem;display:flex;align-items:center;
gap:.5rem;scroll-margin-top:3rem}
.year .count{font:500 .75rem/1 system-ui,sans-serif;color:var(--muted);background:var(--soft);
border:1px solid var(--line);border-radius:999px;padding:.2rem .5rem}
.pubs{list-style:none;padding:0;margin:0}
.pub{display:grid;grid-template-columns:6.2rem 1fr;gap:.9rem;padding:.75rem 0;
border-bottom:1px solid var(--line);scroll-margin-top:3rem}
.pub:last-child{border-bottom:0}
.pub:target{background:var(--soft)}
.badge{justify-self:start;align-self:start;margin-top:.2rem;font-size:.7rem;font-weight:600;
letter-spacing:.04em;text-transform:uppercase;color:#fff;border-radius:.3rem;padding:.15rem .45rem;
background:var(--journal);white-space:nowrap}
.badge.proceedings{background:var(--proceedings)}.badge.preprint{background:var(--preprint)}
.badge.book{background:var(--book)}.badge.talk{background:var(--talk);margin-right:.35rem;
vertical-align:.1rem;font-size:.62rem}
.title{font-style:normal;font-weight:600;display:block;line-height:1.4}
.title a{color:var(--ink)}.title a:hover{color:var(--accent)}
.authors{font-size:.93rem}
.me{font-weight:600;background:linear-gradient(transparent 58%,var(--me) 58%)}
.venue,.relation{font-size:.93rem;color:var(--muted)}
.extras{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin-top:.35rem}
.chips{display:inline-flex;flex-wrap:wrap;gap:.35rem}
.chip{font-size:.78rem;border:1px solid var(--line);border-radius:.3rem;padding:.05rem .45rem;
background:var(--bg)}
.chip.oa{color:var(--proceedings)}
.award{font-size:.8rem;font-weight:600;color:#8a5a00;background:#fff4d6;border-radius:.3rem;
padding:.05rem .45rem}
@media (prefers-color-scheme:dark){.award{color:#f3c66b;background:#3a2f14}}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem;
padding:1.2rem 1.25rem 2.5rem}
@media (max-width:40rem){
body{font-size:15px}.masthead{padding-top:1.8rem}.masthead h1{font-size:2rem}
.toc .wrap{flex-wrap:nowrap;overflow-x:auto;white-space:nowrap}
.entry{grid-template-columns:1fr;gap:.1rem}
.pub{grid-template-columns:1fr;gap:.3rem}
}
@media print{
:root{--bg:#fff;--soft:#fff;--ink:#000;--muted:#444}
body{font-size:10.5pt}.toc,.skip,.chart{display:none}
.masthead{padding-top:0;border:0}
a{color:inherit}section{padding-top:1rem}
.pub,.entry{break-inside:avoid}
.badge{color:#000;background:none!important;border:1px solid #999}}
"""
