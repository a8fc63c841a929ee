"""A deterministic synthetic data folder in kg's own record format, for the benchmarks.

`python benchmarks/generate.py --publications N --out DIR [--seed S]` writes what an institute
would keep: `kg.yaml` plus record files split by kind and into chunks of about 1000 works, the
people in several files. N works (most with one version, some a preprint plus the published
version, with the same or a changed title), 1–12 ordered authors per version drawn from a pool
of N/5 people with Zipf-like popularity (so some co-authors are frequent), names with
diacritics written as one of 1–3 printed variants, 500 venues, code links, talks, projects,
patent families, positions and education of the one researcher the folder is about.

Determinism is the point: the same N and seed give byte-identical files, so a benchmark run is
repeatable and its figures comparable. Everything is drawn from one `random.Random(seed)` in a
fixed order; no set or hash order, no clock, no environment reaches the output.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

__all__ = ["edit_one_record", "generate"]

WORKS_PER_FILE = 1000
PEOPLE_PER_FILE = 2000
TALKS_PER_FILE = 1000
VENUE_COUNTS = {
    "journal": 240,
    "conference": 110,
    "workshop": 80,
    "book-series": 30,
    "book": 39,
    "repository": 1,
}
# Kind of the published (or only) version: weight, file stem, pubs section.
WORK_KINDS = {
    "journal-article": (44, "journal-articles", "journal"),
    "conference-paper": (28, "conference-papers", "conference"),
    "workshop-paper": (11, "workshop-papers", "workshop"),
    "book-chapter": (10, "book-chapters", "chapters"),
    "preprint": (5, "preprints", "preprints"),
    "edited-book": (2, "books", "books"),
}
PREPRINT_SHARE = 0.15
# Authors per version, 1..12: most papers have 2-4 authors, a few a dozen (mean about 4).
AUTHOR_COUNT_WEIGHTS = [12, 18, 19, 15, 11, 8, 6, 4, 3, 2, 1, 1]
ZIPF_EXPONENT = 0.9
FIRST_YEAR, LAST_YEAR = 1990, 2025


def _split(text: str) -> list[str]:
    """Word lists are written as text; `_` stands for a space inside a name (van der Berg)."""
    return [word.replace("_", " ") for word in text.split()]


FAMILY_NAMES = _split(
    """
Müller Hedström Ekstrøm Lapuschkin Samek Wiegand Montavon Binder Krasowski Dreyer Achtibat
Schäfer Bäcker Jönsson Nyström Åberg Sjöström Lindqvist Strøm Kjærgaard Østergaard Brønstad
Dvořák Novák Procházka Kovačević Šimić Horváth Szabó Kowalski Wójcik Łukasiewicz Żak Nowak
Yılmaz Çelik Öztürk Şahin Doğan García Fernández Núñez Peña Muñoz Gonçalves Conceição Simões
Lefèvre Lemaître Chevalier Dupré Béranger Moreau Rossi Bianchi Ricci Esposito Romano Colombo
Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf Schröder
Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier
Lehmann Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß
Jung Hahn Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke
Albrecht Ludwig Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel
Heinrich Brandt Haas Schreiber Graf Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann
Thomas Voigt Sauer Arnold Wolff Pfeiffer Anderson Nakamura Tanaka Watanabe Suzuki Takahashi
Kobayashi Yamamoto Nguyễn Trần Lê Phạm Hoàng Wang Zhang Liu Chen Yang Huang Zhao Zhou Wu Xu
Sun Ma Zhu Hu Guo Lin Kim Lee Park Choi Jeong Kang Cho Yoon Jang Lim Han Shin Patel Sharma
Singh Kumar Gupta Iyer Reddy Rao Mukherjee Banerjee Chatterjee Das Bose Ivanov Petrov Smirnov
Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Volkov Solovyov Vasiliev Zaytsev Pavlov
Papadopoulos Georgiou Nikolaidis Oikonomou Dimitriou Andersson Johansson Karlsson Nilsson
Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson Jónsdóttir Guðmundsson
Sigurðsson Þórsson Halldórsson Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine
Heikkinen Koskinen Järvinen O'Brien O'Connor Murphy Kelly Walsh Byrne Ryan Doyle McCarthy
Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Moore Jackson White Harris
Clark Lewis Robinson Walker Young Allen Wright Scott Green Baker Adams Nelson Hill Campbell
Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart Morris
Sánchez Ramírez Cruz Flores Gómez Díaz Reyes Morales Ortiz Gutiérrez Chávez Ramos Ruiz Álvarez
Jiménez Romero Vázquez Castro Suárez Domínguez Gil Blanco Molina Delgado Ortega Rubio Marín
van_der_Berg de_Vries van_Dijk Bakker Janssen Visser Smit Meijer de_Boer Mulder de_Groot Bos
Vos Peeters Maes Jacobs Mertens Willems Claes Goossens Wouters Dubois Lambert Dupont Leroy
"""
)
GIVEN_NAMES = _split(
    """
Klaus Robert Sebastian Wojciech Grégoire Alexander Anna Marie Lena Jonas Lukas Leon Felix Paul
Maximilian Elias Noah Ben Finn Emil Theo Mia Emma Hannah Sophia Lea Clara Lina Ella Ida Johanna
Frederik Aleksandra Maximilian Reduan Pattarawat Dilyana Galip Ümit Anna-Lena Jean-Pierre
Hans-Jürgen Karl-Heinz Marie-Claire Björn Søren Jörg Jürgen Ólafur Åsa Øyvind Zoë Chloé Inés
José María Ángel Zoltán Márton Ágnes Łucja Małgorzata Jiří Tomáš Ondřej Dušan Miloš Çağrı Ayşe
Gül Mehmet Yusuf Mustafa Hiroshi Yuki Kenji Sakura Wei Li Ming Xiaoling Jian Hao Min-jun
Seo-yeon Ji-ho Arjun Priya Rohan Ananya Dmitri Olga Sergei Natalia Ivan Yannis Eleni Dimitris
Lars Erik Karin Ingrid Sven Astrid Mikko Aino Juha Siobhán Aoife Ciarán Liam Olivia James
Mary John Patricia Michael Jennifer David Linda William Elizabeth Richard Barbara Joseph
Susan Thomas Jessica Charles Sarah Christopher Karen Daniel Nancy Matthew Lisa Anthony Betty
Mark Margaret Donald Sandra Steven Ashley Andrew Kimberly Joshua Emily Kenneth Donna Kevin
Michelle Brian Carol George Amanda Timothy Melissa Ronald Deborah Edward Stephanie Jason
Rebecca Jeffrey Sharon Ryan Laura Jacob Cynthia Gary Kathleen Nicholas Amy Eric Angela
"""
)
CITIES = _split(
    """
Berlin München Hamburg Köln Frankfurt Stuttgart Düsseldorf Leipzig Dresden Hannover Nürnberg
Würzburg Göttingen Tübingen Saarbrücken Zürich Genève Lausanne Wien Graz Innsbruck Linz
Göteborg Malmö Uppsala Lund Stockholm Århus København Odense Tromsø Bergen Trondheim Oslo
Helsinki Tampere Espoo Reykjavík Kraków Łódź Wrocław Poznań Gdańsk Warszawa Brno Praha
Bratislava Budapest Ljubljana Zagreb Beograd București İstanbul Ankara İzmir Athína
Thessaloníki Madrid Barcelona València Sevilla Cádiz Bilbao Lisboa Porto Coimbra Paris Lyon
Besançon Grenoble Toulouse Montréal Québec Toronto Vancouver Boston Cambridge Oxford Edinburgh
Glasgow Dublin Cork Amsterdam Delft Leiden Utrecht Eindhoven Leuven Gent Bruxelles Liège
Tokyo Kyoto Ōsaka Seoul Daejeon Beijing Shanghai Shenzhen Hangzhou Bangalore Chennai Mumbai
"""
)
COUNTRY_OF = {
    "Berlin": "Germany",
    "Zürich": "Switzerland",
    "Wien": "Austria",
    "Göteborg": "Sweden",
    "Århus": "Denmark",
    "Tromsø": "Norway",
    "Helsinki": "Finland",
    "Kraków": "Poland",
    "Brno": "Czechia",
    "Madrid": "Spain",
    "Lisboa": "Portugal",
    "Paris": "France",
    "Montréal": "Canada",
    "Boston": "USA",
    "Oxford": "United Kingdom",
    "Amsterdam": "Netherlands",
    "Tokyo": "Japan",
    "Beijing": "China",
}
FIELDS = _split(
    """
Machine_Learning Artificial_Intelligence Pattern_Recognition Computer_Vision
Neural_Computation Signal_Processing Data_Mining Information_Retrieval Robotics Bioinformatics
Computational_Biology Medical_Imaging Neuroimaging Speech_and_Language_Processing
Knowledge_Discovery Statistical_Learning Optimization Control_Systems Remote_Sensing
Geoinformatics Quantum_Computing Computational_Chemistry Computational_Physics Epidemiology
Digital_Health Dental_Research Climate_Informatics Energy_Systems Intelligent_Transportation
Human-Computer_Interaction Visualization Computer_Graphics Multimedia Information_Fusion
Software_Engineering Distributed_Systems Cybersecurity Cryptography Networking
Embedded_Systems Autonomous_Systems Cognitive_Science Computational_Neuroscience
Affective_Computing Educational_Technology Digital_Humanities Computational_Linguistics
Recommender_Systems Time_Series_Analysis Causal_Inference Explainable_AI Trustworthy_AI
Federated_Learning Reinforcement_Learning Graph_Learning Scientific_Computing
Materials_Informatics Audio_Processing Video_Coding Image_Processing Precision_Agriculture
"""
)
METHODS = _split(
    """
Layer-wise_Relevance_Propagation Attention_Mechanisms Graph_Neural_Networks Transformers
Gaussian_Processes Kernel_Methods Contrastive_Learning Diffusion_Models Federated_Learning
Active_Learning Concept_Bottleneck_Models Sparse_Autoencoders Bayesian_Optimization
Deep_Taylor_Decomposition Influence_Functions Prototype_Networks Variational_Autoencoders
Normalizing_Flows Spiking_Neural_Networks Physics-Informed_Neural_Networks
Counterfactual_Explanations Shapley_Values Integrated_Gradients Knowledge_Distillation
Low-Bit_Quantization Network_Pruning Self-Supervised_Learning Meta_Learning
Neural_Architecture_Search Mixture_of_Experts Recurrent_Networks Capsule_Networks
Random_Forests Support_Vector_Machines Fisher_Vectors Bag-of-Words_Models
"""
)
TASKS = _split(
    """
Image_Classification Time_Series_Forecasting Protein_Structure_Prediction Speech_Recognition
Anomaly_Detection Machine_Translation Medical_Image_Segmentation Object_Detection
Question_Answering Drug_Discovery Weather_Prediction Text_Summarization Gait_Analysis
Emotion_Recognition Fault_Diagnosis Traffic_Prediction Cell-Type_Detection Image_Captioning
Few-Shot_Learning Data_Attribution Model_Debugging Continual_Learning Domain_Adaptation
Survival_Analysis Caries_Detection Melanoma_Classification Audio_Classification
"""
)
DOMAINS = _split(
    """
Histopathology Climate_Science Autonomous_Driving Quantum_Chemistry Dentistry Remote_Sensing
Genomics Finance Particle_Physics Radiology Neuroscience Agriculture Manufacturing
Rail_Operations Emergency_Management Materials_Science Astronomy Oncology Cardiology
Epidemiology Linguistics Education Energy_Grids Seismology Ecology
"""
)
ADJECTIVES = _split(
    """
Efficient Robust Scalable Interpretable Explainable Faithful Trustworthy Sparse Hierarchical
Probabilistic Adaptive Generative Contrastive Causal Fair Private Lightweight Unified
Differentiable Principled Practical Reliable Data-Efficient Concept-Based Human-Centred
"""
)
PROPERTIES = _split(
    """
Faithfulness Robustness Stability Complexity Generalization Calibration Sensitivity Sparsity
Identifiability Expressivity Fairness Reproducibility Uncertainty Consistency
"""
)
TITLE_PATTERNS = [
    "{Method} for {Task}",
    "{Method} for {Task} in {Domain}",
    "Towards {Adj} {Task} with {Method}",
    "On the {Property} of {Method}",
    "{Acronym}: {Adj} {Method} for {Domain}",
    "Explaining {Method} in {Domain}",
    "A {Adj} Benchmark for {Task}",
    "Beyond {Task}: {Method} and the {Property} of {Domain} Models",
    "When Do {Method} Fail? Evidence from {Domain}",
    "“Clever Hans” Effects in {Task}",
    "{Method} Revisited",
    "{Acronym} – {Adj} {Task} at Scale",
    "Zur {Property} von {Method} in der {Domain}",
    "What’s in a {Task} Model? {Method} and {Property}",
    "{Adj} and {Adj2} {Method}",
    "Learning to Explain {Task} with {Method}",
]
POSITION_TITLES = [
    "Research Associate",
    "PostDoc",
    "Tenured Researcher",
    "Group Leader",
    "Head of Explainable Artificial Intelligence",
    "Visiting Researcher",
    "Lecturer",
    "Student Research Assistant",
]
DEGREES = [
    ("PhD in Machine Learning", "doctoral"),
    ("Dr. rer. nat.", "doctoral"),
    ("Master of Science in Computer Science", "masters"),
    ("Diplom-Informatiker", "masters"),
    ("Bachelor of Science in Computer Science", "bachelors"),
    ("Abitur", "secondary"),
]
TALK_KINDS = ["talk", "keynote", "invited-talk", "paper-presentation", "lecture", "lecture-series"]
AWARD_NAMES = [
    "Best Paper Award",
    "Best Student Paper Award",
    "Outstanding Reviewer Award",
    "Hugo-Geiger-Prize",
    "Young Researcher Award",
    "Test of Time Award",
    "Reproducibility Badge",
]
PUBLISHERS = [
    "Springer",
    "Elsevier",
    "IEEE",
    "ACM",
    "MIT Press",
    "Cambridge University Press",
    "Oxford University Press",
    "Wiley",
    "Taylor & Francis",
    "De Gruyter",
    "PMLR",
    "Curran Associates",
]
PUBLISHER_PLACES = ["Cham", "Berlin", "Heidelberg", "New York", "Amsterdam", "London", "Boston"]
JURISDICTIONS = ["EP", "US", "WO", "DE", "CN", "JP", "KR", "BR"]
LANGUAGES = [
    ("de", "German", "native"),
    ("en", "English", "fluent"),
    ("fr", "French", "basic"),
    ("sv", "Swedish", "intermediate"),
    ("es", "Spanish", "basic"),
]
SKILLS = [
    ("technical", "Technical", "Python, PyTorch, TensorFlow, NumPy, C++, CUDA"),
    ("methods", "Methods", "Explainable AI, deep learning, kernel methods, optimization"),
    ("management", "Management", "Project acquisition, supervision of PhD students"),
    ("teaching", "Teaching", "Lectures and exercise sessions on machine learning"),
]
_FOLD = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ß": "ss",
        "ø": "oe",
        "Ø": "Oe",
        "å": "aa",
        "Å": "Aa",
        "æ": "ae",
        "Æ": "Ae",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "İ": "I",
        "’": "",
        "'": "",
    }
)


def _ascii(text: str) -> str:
    """Transliterate the way a German or Scandinavian bibliography would (Müller → Mueller)."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(char for char in folded if not unicodedata.combining(char))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


class _Weighted:
    """Draws indices by fixed weights with one `Random`, via bisect on cumulative weights."""

    def __init__(self, weights: list[float]) -> None:
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def draw(self, rng: Random) -> int:
        return bisect.bisect_right(self.cumulative, rng.random() * self.total)


# --- YAML writing -----------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z\u00c0-\u024f][^\n#'\"\[\]{},&*!|>%@`]*")
_RESERVED = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}


def _scalar(value: Any) -> str:
    """A YAML scalar as a person would type it: plain where safe, else single-quoted."""
    if isinstance(value, bool):
        raise TypeError("the record format has no booleans")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain = _PLAIN.fullmatch(text) and ": " not in text and not text.endswith((" ", ":"))
    if plain and text.lower() not in _RESERVED:
        return text
    return "'" + text.replace("'", "''") + "'"


def _emit_field(out: list[str], lead: str, key: str, value: Any, indent: int) -> None:
    if isinstance(value, list):
        out.append(f"{lead}{key}:")
        for item in value:
            if isinstance(item, dict):
                _emit_item(out, item, indent + 2)
            else:
                out.append(f"{' ' * (indent + 2)}- {_scalar(item)}")
    elif isinstance(value, dict):
        out.append(f"{lead}{key}:")
        for sub_key, sub_value in value.items():
            _emit_field(out, " " * (indent + 2), sub_key, sub_value, indent + 2)
    else:
        out.append(f"{lead}{key}: {_scalar(value)}")


def _emit_item(out: list[str], mapping: dict[str, Any], indent: int) -> None:
    pad = " " * indent
    for index, (key, value) in enumerate(mapping.items()):
        _emit_field(out, pad + ("- " if index == 0 else "  "), key, value, indent + 2)


def _record_file(comment: str, collections: dict[str, list[dict[str, Any]]]) -> str:
    """One record file in the layout of data/: a comment, then each collection's records."""
    out = [f"# {comment}"]
    for name, records in collections.items():
        out.append(f"{name}:")
        for record in records:
            out.append("")
            _emit_item(out, record, 2)
        out.append("")
    return "\n".join(out)


# --- the generator ----------------------------------------------------------------------


@dataclass
class _Person:
    key: str
    family: str
    given: list[str]
    initials: str
    variants: list[str] = field(default_factory=list)
    primary: str = ""


@dataclass
class _Corpus:
    """Everything drawn so far; records reference each other only by key."""

    seed: int
    people: list[_Person] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    research_orgs: list[str] = field(default_factory=list)
    venues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    works: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    version_refs: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    used_keys: dict[str, int] = field(default_factory=dict)

    def next(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def unique_key(self, namespace: str, stem: str) -> str:
        stem = stem[:60].strip("-") or "x"
        seen = self.used_keys.get(f"{namespace}:{stem}", 0) + 1
        self.used_keys[f"{namespace}:{stem}"] = seen
        if seen == 1:
            return stem
        key = f"{stem}-{seen}"
        # a generated suffix may itself be a stem already taken, so check the result too
        while f"{namespace}:{key}" in self.used_keys:
            seen += 1
            key = f"{stem}-{seen}"
        self.used_keys[f"{namespace}:{key}"] = 1
        return key


def generate(publications: int, out: Path, seed: int = 0) -> None:
    """Write a valid kg data folder with `publications` works into `out` (replacing it).

    The same arguments give byte-identical files.
    """
    if publications < 1:
        raise ValueError("publications must be at least 1")
    rng = Random(seed)
    corpus = _Corpus(seed)
    _draw_organizations(rng, corpus, 40 + publications // 500)
    _draw_people(rng, corpus, max(publications // 5, 30))
    _draw_venues(rng, corpus)
    _draw_works(rng, corpus, publications)
    files = _files(rng, corpus, publications)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def _draw_organizations(rng: Random, corpus: _Corpus, count: int) -> None:
    for name in PUBLISHERS:
        key = corpus.unique_key("org", _slug(name))
        corpus.organizations.append({"key": key, "name": name, "kind": "publisher"})
        corpus.publishers.append(key)
    cities = list(CITIES)
    rng.shuffle(cities)
    for index in range(count):
        city = cities[index % len(cities)]
        round_ = index // len(cities)
        country = COUNTRY_OF.get(city)
        location = f"{city}, {country}" if country else city
        if index % 3 == 0:
            german = country in ("Germany", "Austria", "Switzerland") or index % 2 == 0
            name = f"Universität {city}" if german else f"University of {city}"
            kind = "university"
        elif index % 3 == 1:
            field_ = rng.choice(FIELDS)
            name = f"{city} Institute for {field_}"
            kind = "institute"
        else:
            name = f"{rng.choice(FIELDS)} Group {city}"
            kind = "research-group"
        if round_:
            name = f"{name} {round_ + 1}"
        record: dict[str, Any] = {"key": corpus.unique_key("org", _slug(name)), "name": name}
        if kind == "university" and rng.random() < 0.5:
            record["alternate_names"] = [f"U{_ascii(city)[:3].upper()}"]
        record["kind"] = kind
        record["location"] = location
        if rng.random() < 0.4:
            record["url"] = f"https://www.{_slug(city)}-{index}.example.org/"
        if kind == "research-group" and corpus.research_orgs:
            record["parent"] = rng.choice(corpus.research_orgs)
        corpus.organizations.append(record)
        if kind != "research-group":
            corpus.research_orgs.append(record["key"])


def _draw_people(rng: Random, corpus: _Corpus, count: int) -> None:
    """People with printed name variants; every variant belongs to exactly one person."""
    taken: set[str] = set()  # only for membership tests, never iterated
    for _ in range(count):
        for attempt in range(40):
            family = rng.choice(FAMILY_NAMES)
            given = [rng.choice(GIVEN_NAMES)]
            if rng.random() < 0.25 or attempt > 10:
                given.append(rng.choice(GIVEN_NAMES))
            if attempt > 25:
                given.append(rng.choice(GIVEN_NAMES))
            letters = [part[0].upper() for name in given for part in name.split("-")]
            hyphenated = "-" in given[0] and len(given) == 1
            initials = "-".join(letters) if hyphenated else " ".join(letters)
            primary = f"{family} {initials}"
            if primary not in taken:
                break
        key = corpus.unique_key("person", _slug(f"{family} {initials}"))
        person = _Person(key, family, given, initials)
        candidates = [primary]
        if len(letters) > 1:
            candidates.append(f"{family} {''.join(letters)}")
            candidates.append(f"{family} {letters[0]}")
        if _ascii(family) != family:
            candidates.append(f"{_ascii(family)} {initials}")
        if len(family) > 4 and rng.random() < 0.15:
            i = rng.randrange(1, len(family) - 2)
            typo = family[:i] + family[i + 1] + family[i] + family[i + 2 :]
            candidates.append(f"{typo} {initials}")
        wanted = 1 + (rng.random() < 0.35) + (rng.random() < 0.15)
        for candidate in candidates:
            if len(person.variants) < wanted and candidate not in taken:
                person.variants.append(candidate)
                taken.add(candidate)
        # Someone whose printed name is already another person's is written as
        # {person: KEY, printed: NAME} in author lists, as the record format asks.
        person.primary = person.variants[0] if person.variants else primary
        corpus.people.append(person)


def _draw_venues(rng: Random, corpus: _Corpus) -> None:
    fields = [name for name in FIELDS]
    journal_names = sorted(
        {
            pattern.format(f)
            for f in fields
            for pattern in (
                "Journal of {}",
                "{} Letters",
                "IEEE Transactions on {}",
                "ACM Transactions on {}",
                "International Journal of {}",
                "Annals of {}",
                "Frontiers in {}",
                "{} Reviews",
            )
        }
    )
    chosen = {
        "journal": rng.sample(journal_names, VENUE_COUNTS["journal"]),
        "conference": rng.sample(fields * 2, VENUE_COUNTS["conference"]),
        "workshop": rng.sample(
            [m for m in METHODS] + [t for t in TASKS] + fields,
            VENUE_COUNTS["workshop"],
        ),
        "book-series": rng.sample(fields, VENUE_COUNTS["book-series"]),
        "book": rng.sample([m for m in METHODS] + fields, VENUE_COUNTS["book"]),
    }
    corpus.venues = {kind: [] for kind in VENUE_COUNTS}
    for kind, names in chosen.items():
        for index, topic in enumerate(names):
            record: dict[str, Any]
            if kind == "journal":
                record = {"key": corpus.unique_key("venue", _slug(topic)), "name": topic}
            elif kind == "conference":
                acronym = "".join(word[0] for word in topic.split()).upper()
                adjective = ("International", "European", "Asian", "Annual")[index % 4]
                name = f"{adjective} Conference on {topic}"
                record = {
                    "key": corpus.unique_key("venue", _slug(f"{adjective[0]}c{acronym}")),
                    "name": name,
                    "alternate_names": [f"{adjective[0]}C{acronym}"],
                }
            elif kind == "workshop":
                record = {
                    "key": corpus.unique_key("venue", _slug(f"workshop {topic}")),
                    "name": f"Workshop on {topic}",
                }
            elif kind == "book-series":
                name = ("Lecture Notes in {}", "Springer Series in {}", "Advances in {}")[
                    index % 3
                ].format(topic)
                record = {"key": corpus.unique_key("venue", _slug(name)), "name": name}
            else:
                name = f"{topic}: Methods and Applications"
                record = {"key": corpus.unique_key("venue", _slug(name)), "name": name}
            record["kind"] = kind
            if kind == "journal" and rng.random() < 0.6:
                record["issn"] = f"{rng.randrange(1000, 10000)}-{rng.randrange(1000, 10000)}"
            if kind in ("journal", "book", "book-series") and rng.random() < 0.7:
                record["publisher"] = rng.choice(corpus.publishers)
            if kind == "book":
                record["place"] = rng.choice(PUBLISHER_PLACES)
            record["founded"] = rng.randrange(1950, 2015)  # not written: for volume numbers
            corpus.venues[kind].append(record)
    corpus.venues["repository"].append(
        {"key": "arxiv", "name": "arXiv", "kind": "repository", "url": "https://arxiv.org/"}
    )


class _Titles:
    def __init__(self) -> None:
        self.tokens = {
            "Method": [m for m in METHODS],
            "Task": [t for t in TASKS],
            "Domain": [d for d in DOMAINS],
            "Adj": ADJECTIVES,
            "Adj2": ADJECTIVES,
            "Property": PROPERTIES,
        }

    def acronym(self, rng: Random) -> str:
        letters = "".join(rng.choice("ABCDEFGHIKLMNOPRSTUVXYZ") for _ in range(rng.randint(3, 6)))
        return letters if rng.random() < 0.7 else letters[:2] + letters[2:].lower()

    def draw(self, rng: Random) -> str:
        pattern = rng.choice(TITLE_PATTERNS)
        values = {name: rng.choice(choices) for name, choices in self.tokens.items()}
        return pattern.format(Acronym=self.acronym(rng), **values)

    def retitle(self, rng: Random, title: str) -> str:
        """The published title of a preprint, changed the way reviewers make authors do."""
        choice = rng.randrange(3)
        if choice == 0:
            return f"{self.acronym(rng)}: {title}"
        if choice == 1:
            return f"{title} ({rng.choice(ADJECTIVES)} Version)"
        return self.draw(rng)


def _draw_works(rng: Random, corpus: _Corpus, count: int) -> None:
    people = corpus.people
    popularity = _Weighted([1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(people))])
    venue_popularity = {
        kind: _Weighted([1.0 / (rank + 1) for rank in range(len(venues))])
        for kind, venues in corpus.venues.items()
    }
    author_counts = _Weighted([float(w) for w in AUTHOR_COUNT_WEIGHTS])
    kinds = list(WORK_KINDS)
    kind_weights = _Weighted([float(WORK_KINDS[k][0]) for k in kinds])
    years = _Weighted([float(y - FIRST_YEAR + 3) ** 1.5 for y in range(FIRST_YEAR, LAST_YEAR + 1)])
    titles = _Titles()
    corpus.works = {kind: [] for kind in kinds}

    def authors(size: int) -> list[int]:
        chosen: list[int] = []
        while len(chosen) < min(size, len(people)):
            index = popularity.draw(rng)
            if index not in chosen:
                chosen.append(index)
        return chosen

    def printed(team: list[int]) -> list[Any]:
        return [_printed(rng, people[index]) for index in team]

    def venue(kind: str) -> dict[str, Any]:
        venues = corpus.venues[kind]
        return venues[venue_popularity[kind].draw(rng)]

    for _ in range(count):
        kind = kinds[kind_weights.draw(rng)]
        year = FIRST_YEAR + years.draw(rng)
        title = titles.draw(rng)
        key = corpus.unique_key("work", _slug(" ".join(title.split()[:5])))
        team = authors(1 + author_counts.draw(rng))
        versions: list[dict[str, Any]] = []
        preprint = kind not in ("preprint", "edited-book") and rng.random() < PREPRINT_SHARE / 0.93
        published_title = titles.retitle(rng, title) if preprint and rng.random() < 0.4 else title
        if preprint or kind == "preprint":
            preprint_year = max(2008, year - rng.randrange(0, 2))
            versions.append(_preprint(rng, corpus, title, printed(team), preprint_year))
        if kind != "preprint":
            published_team = team
            if preprint and rng.random() < 0.2:
                published_team = _reshuffle(rng, team, authors(1)[0])
            versions.append(
                _published(rng, corpus, kind, published_title, printed(published_team), year, venue)
            )
        if rng.random() < 0.2:
            owner = _slug(people[team[0]].family)
            versions[-1]["links"] = [{"kind": "code", "url": f"https://github.com/{owner}/{key}"}]
        corpus.works[kind].append({"key": key, "versions": versions})
        for version in versions:
            corpus.version_refs.append(f"{key}/{version['key']}")


def _printed(rng: Random, person: _Person) -> Any:
    if not person.variants:
        return {"person": person.key, "printed": person.primary}
    if len(person.variants) == 1 or rng.random() < 0.7:
        return person.variants[0]
    return rng.choice(person.variants[1:])


def _reshuffle(rng: Random, team: list[int], extra: int) -> list[int]:
    """A published author list that gained an author (if new) and swapped two middle ones."""
    result = list(team)
    if extra not in result and len(result) < 12:
        result.insert(rng.randrange(1, len(result) + 1), extra)
    if len(result) > 3:
        i = rng.randrange(1, len(result) - 1)
        result[i], result[i + 1] = result[i + 1], result[i]
    return result


def _preprint(
    rng: Random, corpus: _Corpus, title: str, team: list[Any], year: int
) -> dict[str, Any]:
    number = corpus.next("arxiv")
    month = rng.randint(1, 12)
    arxiv = f"{year % 100:02d}{month:02d}.{number:05d}"
    return {
        "key": "arxiv",
        "type": "preprint",
        "title": title,
        "authors": team,
        "year": year,
        "venue": "arxiv",
        "arxiv": arxiv,
        "sources": [f"pubs:preprints/{corpus.next('pubs:preprints')}"],
    }


def _published(
    rng: Random,
    corpus: _Corpus,
    kind: str,
    title: str,
    team: list[Any],
    year: int,
    venue: Any,
) -> dict[str, Any]:
    section = WORK_KINDS[kind][2]
    record: dict[str, Any] = {"key": "", "type": kind, "title": title}
    if kind == "edited-book":
        record["editors"] = team[: rng.randint(1, 4)]
    else:
        record["authors"] = team
    record["year"] = year
    if rng.random() < 0.3:
        record["date"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == "journal-article":
        journal = venue("journal")
        record["key"] = journal["key"]
        record["venue"] = journal["key"]
        record["volume"] = str(max(1, year - journal["founded"] + 1))
        if rng.random() < 0.7:
            record["issue"] = str(rng.randint(1, 12)) if rng.random() < 0.95 else "S1"
        if rng.random() < 0.6:
            start = rng.randint(1, 3000)
            record["pages"] = f"{start}–{start + rng.randint(3, 40)}"
        else:
            record["article_number"] = (
                str(rng.randint(100000, 999999))
                if rng.random() < 0.8
                else f"e0{rng.randint(100000, 999999)}"
            )
        if rng.random() < 0.7:
            record["doi"] = f"10.{rng.randint(1000, 9999)}/j.{year}.{corpus.next('doi'):07d}"
    elif kind in ("conference-paper", "workshop-paper"):
        series = venue("conference" if kind == "conference-paper" else "workshop")
        record["key"] = f"{series['key']}-{year}"
        record["venue"] = series["key"]
        if rng.random() < 0.5:
            start = rng.randint(1, 900)
            record["pages"] = f"{start}–{start + rng.randint(5, 12)}"
        if rng.random() < 0.05:
            record["awards"] = [rng.choice(AWARD_NAMES)]
        if rng.random() < 0.1:
            record["open_access"] = rng.choice(["gold", "green"])
    elif kind == "book-chapter":
        if rng.random() < 0.5:
            book = venue("book")
            record["key"] = book["key"]
            record["venue"] = book["key"]
            record["publisher"] = book.get("publisher", rng.choice(corpus.publishers))
            record["place"] = book["place"]
        else:
            series = venue("book-series")
            record["key"] = series["key"]
            record["venue"] = series["key"]
            record["volume"] = str(rng.randint(1, 14000))
            record["publisher"] = series.get("publisher", rng.choice(corpus.publishers))
        start = rng.randint(1, 600)
        record["pages"] = f"{start}–{start + rng.randint(10, 30)}"
    elif kind == "edited-book":
        publisher = rng.choice(corpus.publishers)
        record["key"] = f"{publisher}-{year}"
        record["publisher"] = publisher
        record["place"] = rng.choice(PUBLISHER_PLACES)
        number = corpus.next("isbn")
        record["isbn"] = [f"978-3-{number // 1000:03d}-{number % 1000:05d}-{number % 10}"]
    record["sources"] = [f"pubs:{section}/{corpus.next('pubs:' + section)}"]
    if rng.random() < 0.02 and kind in ("journal-article", "conference-paper", "preprint"):
        cv_entry = f"cv:{section}/{corpus.next('cv:' + section)}"
        record["sources"].append(cv_entry)
        record["readings"] = [{"source": cv_entry, "field": "title", "value": title.upper()}]
    return record


# --- career records and files -----------------------------------------------------------


def _researcher(corpus: _Corpus) -> dict[str, Any]:
    """The person the folder is about: the most prolific author, with a full profile."""
    person = corpus.people[0]
    record: dict[str, Any] = {
        "key": person.key,
        "honorific_prefix": "Dr.",
        "given_name": " ".join(person.given),
        "family_name": person.family,
        "initials": person.initials,
    }
    if person.variants:
        record["variants"] = person.variants
    record.update(
        {
            "job_title": "Head of Explainable Artificial Intelligence",
            "affiliation": corpus.research_orgs[0],
            "description": "A synthetic researcher: the benchmark corpus is about this person.",
            "same_as": ["https://orcid.org/0000-0002-0000-0000"],
            "email": f"{person.key}@example.org",
            "birth_date": "1986-12-16",
            "birth_place": "Würzburg",
            "nationality": "German",
            "public_fields": ["email"],
            "sources": ["cv:profile/1"],
        }
    )
    return record


def _person_record(rng: Random, corpus: _Corpus, person: _Person) -> dict[str, Any]:
    record: dict[str, Any] = {"key": person.key, "family_name": person.family}
    if rng.random() < 0.4:
        record["given_name"] = " ".join(person.given)
    record["initials"] = person.initials
    if person.variants:
        record["variants"] = person.variants
    if rng.random() < 0.3:
        record["affiliation"] = rng.choice(corpus.research_orgs)
    if rng.random() < 0.1:
        record["same_as"] = [
            f"https://orcid.org/0000-0001-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}"
        ]
    return record


def _career(rng: Random, corpus: _Corpus, publications: int) -> dict[str, list[dict[str, Any]]]:
    supervisors = [person.key for person in corpus.people[1:200]]
    positions = []
    count = max(3, publications // 2000)
    year, month = 2024, 1
    for index in range(count):
        end = f"{year}-{month:02d}"
        month -= rng.randint(6, 30)
        while month < 1:
            month += 12
            year -= 1
        record: dict[str, Any] = {
            "key": f"position-{index + 1}",
            "title": rng.choice(POSITION_TITLES),
            "organization": rng.choice(corpus.research_orgs),
            "start": f"{year}-{month:02d}",
        }
        if index:
            record["end"] = end
        record["description"] = f"Research on {rng.choice(FIELDS)}."
        if rng.random() < 0.5:
            record["supervisors"] = rng.sample(supervisors, rng.randint(1, 2))
        record["sources"] = [f"cv:experience/{index + 1}"]
        positions.append(record)
    education = []
    for index in range(max(3, publications // 5000)):
        degree, level = DEGREES[index % len(DEGREES)]
        start = 2018 - 3 * index
        record = {
            "key": f"education-{index + 1}",
            "degree": degree,
            "level": level,
            "organization": rng.choice(corpus.research_orgs),
            "start": str(start - 3),
            "end": str(start),
        }
        if level != "secondary":
            record["thesis"] = {
                "title": _Titles().draw(rng),
                "supervisors": rng.sample(supervisors, rng.randint(1, 2)),
            }
        record["sources"] = [f"cv:education/{index + 1}"]
        education.append(record)
    return {"positions": positions, "education": education}


def _projects(rng: Random, corpus: _Corpus, count: int) -> list[dict[str, Any]]:
    titles = _Titles()
    projects = []
    for index in range(count):
        acronym = titles.acronym(rng)
        start = rng.randint(2005, 2024)
        record: dict[str, Any] = {
            "key": corpus.unique_key("project", _slug(acronym)),
            "name": acronym,
            "title": titles.draw(rng),
            "start": f"{start}-{rng.randint(1, 12):02d}",
            "end": f"{start + rng.randint(2, 4)}-{rng.randint(1, 12):02d}",
        }
        if rng.random() < 0.3:
            record["role"] = "leading role"
        if rng.random() < 0.3:
            record["url"] = f"https://{record['key']}.example.eu/"
        record["sources"] = [f"cv:projects/{index + 1}"]
        projects.append(record)
    return projects


def _talks(rng: Random, corpus: _Corpus, count: int) -> list[dict[str, Any]]:
    titles = _Titles()
    talks = []
    for index in range(count):
        date = f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        kind = rng.choice(TALK_KINDS)
        host = rng.choice(corpus.organizations)
        record: dict[str, Any] = {
            "key": corpus.unique_key("talk", f"{date}-{_slug(host['name'])[:30]}"),
            "title": titles.draw(rng),
            "kind": kind,
            "date": date,
            "event": f"{host['name']} Colloquium {date[:4]}",
        }
        if rng.random() < 0.5:
            record["host"] = host["key"]
        if kind == "paper-presentation" and corpus.version_refs:
            record["work"] = rng.choice(corpus.version_refs)
        if rng.random() < 0.2:
            record["links"] = [
                {"kind": "slides", "url": f"https://slides.example.org/{index + 1}"}
                if rng.random() < 0.7
                else {"kind": "video", "label": "link to video"}
            ]
        record["sources"] = [f"cv:talks/{index + 1}"]
        talks.append(record)
    return talks


def _patents(rng: Random, corpus: _Corpus, count: int) -> list[dict[str, Any]]:
    titles = _Titles()
    researcher = corpus.people[0].key
    others = [person.key for person in corpus.people[1:300]]
    patents = []
    for index in range(count):
        title = titles.draw(rng)
        entries = []
        for jurisdiction in rng.sample(JURISDICTIONS, rng.randint(1, 4)):
            serial = corpus.next("patent")
            year = rng.randint(2014, 2024)
            if jurisdiction in ("US", "WO"):
                number = f"{year}/{serial:07d}"
            else:
                number = f"{3000000 + serial * 7}"
            granted = rng.random() < 0.3
            kind_code = (
                ("B1" if granted else "A1") if jurisdiction != "CN" else "B" if granted else "A"
            )
            entries.append(
                {
                    "key": f"{jurisdiction.lower()}-{number.replace('/', '-')}-{kind_code.lower()}",
                    "jurisdiction": jurisdiction,
                    "number": number,
                    "kind_code": kind_code,
                    "title": title,
                    "status": "granted" if granted else "published",
                    "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                }
            )
        patents.append(
            {
                "key": corpus.unique_key("patent", _slug(" ".join(title.split()[:5]))),
                "title": title,
                "inventors": [researcher, *rng.sample(others, rng.randint(0, 3))],
                "entries": entries,
                "sources": [f"cv:patents/{index + 1}"],
            }
        )
    return patents


def _awards(rng: Random, corpus: _Corpus, count: int) -> list[dict[str, Any]]:
    awards = []
    for index in range(count):
        name = rng.choice(AWARD_NAMES)
        year = rng.randint(2010, 2025)
        record: dict[str, Any] = {
            "key": corpus.unique_key("award", _slug(f"{name} {year}")),
            "name": name,
            "year": year,
        }
        if rng.random() < 0.3:
            record["rank"] = rng.choice(["1st place", "finalist", "2nd place"])
        if rng.random() < 0.5 and corpus.version_refs:
            record["work"] = rng.choice(corpus.version_refs)
        record["sources"] = [f"cv:awards/{index + 1}"]
        awards.append(record)
    return awards


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


def _files(rng: Random, corpus: _Corpus, publications: int) -> dict[str, str]:
    header = f"Synthetic records from benchmarks/generate.py (seed {corpus.seed}); not real data."
    researcher = corpus.people[0].key
    files: dict[str, str] = {
        "kg.yaml": _config(corpus.seed, researcher),
        "profile.yaml": _record_file(header, {"people": [_researcher(corpus)]}),
    }
    others = [_person_record(rng, corpus, person) for person in corpus.people[1:]]
    for number, chunk in enumerate(_chunks(others, PEOPLE_PER_FILE), start=1):
        if chunk:
            files[f"people/people-{number:03d}.yaml"] = _record_file(header, {"people": chunk})
    files["organizations.yaml"] = _record_file(header, {"organizations": corpus.organizations})
    venues = [
        {key: value for key, value in venue.items() if key != "founded"}
        for kind in VENUE_COUNTS
        for venue in corpus.venues[kind]
    ]
    files["venues.yaml"] = _record_file(header, {"venues": venues})
    for kind, (_, stem, _) in WORK_KINDS.items():
        for number, chunk in enumerate(_chunks(corpus.works[kind], WORKS_PER_FILE), start=1):
            if chunk:
                files[f"works/{stem}-{number:03d}.yaml"] = _record_file(header, {"works": chunk})
    files["career.yaml"] = _record_file(header, _career(rng, corpus, publications))
    files["projects.yaml"] = _record_file(
        header, {"projects": _projects(rng, corpus, max(3, publications // 200))}
    )
    talks = _talks(rng, corpus, max(5, publications // 25))
    for number, chunk in enumerate(_chunks(talks, TALKS_PER_FILE), start=1):
        files[f"talks/talks-{number:03d}.yaml"] = _record_file(header, {"talks": chunk})
    files["patents.yaml"] = _record_file(
        header, {"patents": _patents(rng, corpus, max(2, publications // 250))}
    )
    files["awards.yaml"] = _record_file(
        header, {"awards": _awards(rng, corpus, max(2, publications // 500))}
    )
    skills = [
        {"key": key, "name": name, "description": text, "sources": [f"cv:skills/{i}"]}
        for i, (key, name, text) in enumerate(SKILLS, start=1)
    ]
    languages = [
        {
            "key": key,
            "name": name,
            "proficiency": level,
            "sources": [f"cv:skills/{len(SKILLS) + 1}"],
        }
        for key, name, level in LANGUAGES
    ]
    files["skills.yaml"] = _record_file(header, {"skills": skills, "languages": languages})
    return files


def _config(seed: int, researcher: str) -> str:
    out = [
        f"# Synthetic kg configuration from benchmarks/generate.py (seed {seed}).",
        "base: https://bench.example.org/kg/",
        f"researcher: {researcher}",
        "sources:",
    ]
    sources = [
        {
            "key": "pubs",
            "title": "List of Publications",
            "date": "2025",
            "sections": {
                "journal": "Journal Articles",
                "conference": "Contributions to Conference Proceedings",
                "workshop": "Workshop Papers",
                "chapters": "Book Chapters",
                "books": "Books",
                "preprints": "Preprints",
            },
        },
        {
            "key": "cv",
            "title": "Curriculum Vitae",
            "date": "2022",
            "sections": {
                "profile": "Profile",
                "experience": "Professional Experience",
                "education": "Education",
                "projects": "Research Projects",
                "skills": "Skills",
                "awards": "Awards",
                "patents": "Patents",
                "talks": "Talks",
                "journal": "Journal Articles",
                "conference": "Contributions to Conference Proceedings",
                "preprints": "Preprints",
            },
        },
    ]
    for source in sources:
        out.append("")
        _emit_item(out, source, 2)
    return "\n".join(out) + "\n"


def edit_one_record(folder: Path) -> Path:
    """Change one version title in one works file, as a user fixing a typo would.

    Returns the edited file. Deterministic: the same folder gets the same edit, so a cold
    build of an edited copy is comparable byte for byte with an incremental rebuild.
    """
    files = sorted((Path(folder) / "works").glob("journal-articles-*.yaml"))
    if not files:
        files = sorted((Path(folder) / "works").glob("*.yaml"))
    target = files[len(files) // 2]
    lines = target.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if line.startswith("        title: "):
            value = line[len("        title: ") :]
            if value.startswith("'"):
                lines[index] = f"        title: {value[:-1]} (revised)'"
            else:
                lines[index] = f"        title: {value} (revised)"
            break
    else:
        raise ValueError(f"{target}: no version title to edit")
    target.write_text("\n".join(lines), encoding="utf-8", newline="\n")
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publications", type=int, required=True, help="number of works")
    parser.add_argument("--out", type=Path, required=True, help="the data folder to (re)write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    generate(args.publications, args.out, args.seed)
    print(args.out)


if __name__ == "__main__":
    main()
