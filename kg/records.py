"""Records: reading a data folder of YAML files into checked, cross-referenced records.

Every record and field keeps the file and line it came from, so every later stage (the SHACL
validation included) can point the user at the exact place to fix. YAML is composed into
nodes and converted by this module, never by PyYAML's constructors: no tag can build a Python
object, aliases are refused (no "billion laughs"), and scalars are typed by the record model
rather than by YAML 1.1's guesses (`no` stays the text "no", `10` the volume "10").
"""

from __future__ import annotations

import calendar
import difflib
import hashlib
import multiprocessing
import os
import re
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.bulk import paused_gc
from kg.cache import read_entry, write_entry
from kg.errors import LoadError, Problem, RecordError
from kg.model import COLLECTIONS, CONFIG, Field, RecordSpec

__all__ = ["Agent", "Dataset", "Record", "load_dataset"]

CONFIG_FILE = "kg.yaml"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
SOURCE_PATTERN = re.compile(r"^([a-z0-9][a-z0-9-]*):([a-z0-9][a-z0-9-]*)/([1-9][0-9]*)$")
URL_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"{}|\\^`]+$")
MAX_TEXT = 20_000
MAX_FILE_BYTES = 50_000_000
STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
NULLS = ("", "~", "null", "Null", "NULL")


try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # PyYAML without libyaml: the pure-Python parser, the same nodes

    class _Parser(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)


class _NodeLoader(_Parser, yaml.resolver.BaseResolver):
    """Composes YAML into nodes only: libyaml's parser (where installed) and no implicit
    typing, because the record model, not YAML 1.1's guesses, decides what a scalar is."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.resolver.BaseResolver.__init__(self)


Loader: Any = _NodeLoader


@dataclass(frozen=True)
class Agent:
    """An author or editor: the person and the name exactly as printed."""

    person: str
    printed: str
    line: int


@dataclass
class Record:
    """One record: its collection, key, values and where each field stands in its file."""

    collection: str
    key: str
    file: str
    line: int
    values: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    parent_record: InitVar[Record | None] = None
    # A weak link up: a strong one would make every nested record a reference cycle, which
    # only the cycle collector frees (seconds for a large dataset, at a random later moment).
    _parent: weakref.ref[Record] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self, parent_record: Record | None) -> None:
        self._parent = None if parent_record is None else weakref.ref(parent_record)

    @property
    def parent(self) -> Record | None:
        return None if self._parent is None else self._parent()

    @property
    def label(self) -> str:
        if self.parent is not None:
            return f"{self.parent.label}/{self.key}" if self.key else self.parent.label
        return f"{self.collection}/{self.key}" if self.key else self.collection

    @property
    def public(self) -> bool:
        return bool(self.values.get("visibility", "public") == "public")

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    def problem(self, name: str, message: str, line: int | None = None) -> Problem:
        return Problem(self.file, line or self.line_of(name), self.label, name, message)


@dataclass
class Dataset:
    """All records of a data folder, checked and resolved."""

    root: Path
    config: Record
    collections: dict[str, dict[str, Record]]

    @property
    def base(self) -> str:
        return str(self.config.values["base"])

    @property
    def researcher(self) -> str:
        return str(self.config.values["researcher"])

    @property
    def sources(self) -> dict[str, Record]:
        return {source.key: source for source in self.config.values.get("sources", [])}

    def records(self, collection: str) -> list[Record]:
        """Records of a collection in key order, so every output is deterministic."""
        found = self.collections.get(collection, {})
        return [found[key] for key in sorted(found)]

    def all_records(self) -> Iterator[Record]:
        for name in sorted(self.collections):
            yield from self.records(name)


def load_dataset(
    root: Path | str,
    base: str | None = None,
    cache: Path | str | None = None,
    workers: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Dataset:
    """Read and check every record under `root`; raise `LoadError` or `RecordError`.

    With `cache` (a folder), each file's parsed records are kept as JSON under the hash of its
    path and bytes, so an unchanged file is never parsed twice. Files still to parse are read
    by `workers` processes (0: one per core when there are enough files to pay for them).
    `progress(files read, files)` is called as files are read.
    """
    with paused_gc():  # records are millions of small acyclic objects, see kg.bulk
        return _load_dataset(root, base, cache, workers, progress)


def _load_dataset(
    root: Path | str,
    base: str | None,
    cache: Path | str | None,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> Dataset:
    root = Path(root)
    if not root.is_dir():
        raise LoadError(f"{root}: no such data folder (give one with --data)")
    config_path = root / CONFIG_FILE
    if not config_path.is_file():
        raise LoadError(f"{config_path}: missing; a data folder needs a {CONFIG_FILE}")
    reader = _Reader()
    config_node = _compose(str(config_path), config_path.read_bytes())
    config = reader.record(config_node, CONFIG, "config", str(config_path), parent=None)
    if base is not None:
        if not URL_PATTERN.fullmatch(base):
            raise LoadError(
                f"--base {base!r} is not an absolute URL (IRI) like https://example.org/kg/"
            )
        config.values["base"] = base
        config.lines["base"] = 0
    files = sorted(
        path
        for pattern in ("*.yaml", "*.yml")
        for path in root.rglob(pattern)
        if path != config_path
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )
    if not files:
        raise LoadError(f"{root}: no record files (*.yaml) besides {CONFIG_FILE}")
    collections: dict[str, dict[str, Record]] = {name: {} for name in COLLECTIONS}
    problems = reader.problems
    parsed = _read_files(files, Path(cache) if cache else None, workers, progress)
    for records, file_problems in parsed:
        problems.extend(file_problems)
        for record in records:
            known = collections[record.collection].get(record.key)
            if known is not None:
                where = f"{known.file}:{known.line}"
                problems.append(record.problem("key", f"duplicate key; already used at {where}"))
                continue
            collections[record.collection][record.key] = record
    dataset = Dataset(root, config, collections)
    _Resolver(dataset, problems).check()
    if problems:
        raise RecordError(problems)
    return dataset


Parsed = tuple[list[Record], list[Problem]]
CACHE_FORMAT = b"kg-records-1"
PARALLEL_MIN_FILES = 4


def _read_files(
    files: list[Path],
    cache: Path | None,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Parsed]:
    """Every file's records and problems, in file order: from the cache, or parsed."""
    results: dict[int, Parsed] = {}
    todo: list[tuple[int, Path, bytes, Path | None]] = []

    def done(index: int, parsed: Parsed) -> None:
        results[index] = parsed
        if progress is not None:
            progress(len(results), len(files))

    for index, path in enumerate(files):
        raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else b""
        entry = _cache_entry(cache, path, raw) if cache is not None else None
        cached = _read_cache(entry) if entry is not None else None
        if cached is not None:
            done(index, cached)
        else:
            todo.append((index, path, raw, entry))
    workers = workers or (os.cpu_count() or 1)
    if workers > 1 and len(todo) >= PARALLEL_MIN_FILES:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context) as pool:
            encoded = pool.map(_parse_encoded, [(p, r, e) for _, p, r, e in todo], chunksize=1)
            for (index, *_), parsed in zip(todo, encoded, strict=True):
                done(index, _decode_parsed(parsed))
    else:
        for index, path, raw, entry in todo:
            done(index, _decode_parsed(_parse_encoded((path, raw, entry))))
    return [results[index] for index in range(len(files))]


def _parse_encoded(job: tuple[Path, bytes, Path | None]) -> dict[str, Any]:
    """Parse one file (in a worker process, maybe) and cache it; returns the JSON form."""
    path, raw, entry = job
    if not raw and path.stat().st_size > MAX_FILE_BYTES:
        size = path.stat().st_size
        raise LoadError(f"{path}: {size} bytes is larger than kg reads ({MAX_FILE_BYTES})")
    reader = _Reader()
    records = reader.collections_file(_compose(str(path), raw), str(path))
    encoded = {
        "records": [_encode(record) for record in records],
        "problems": [list(problem.__dict__.values()) for problem in reader.problems],
    }
    if entry is not None:
        write_entry(entry, encoded)
    return encoded


def _cache_entry(cache: Path, path: Path, raw: bytes) -> Path:
    digest = hashlib.sha256(CACHE_FORMAT + b"\0" + str(path).encode() + b"\0" + raw).hexdigest()
    return cache / "records" / digest[:2] / f"{digest}.json"


def _read_cache(entry: Path) -> Parsed | None:
    """A cached file's records, or None."""
    value = read_entry(entry)
    try:
        return None if value is None else _decode_parsed(value)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _encode(value: Any) -> Any:
    if isinstance(value, Record):
        fields = {name: _encode(item) for name, item in value.values.items()}
        return {"$r": [value.collection, value.key, value.file, value.line, fields, value.lines]}
    if isinstance(value, Agent):
        return {"$a": [value.person, value.printed, value.line]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"$m": value}
    return value


def _decode(value: Any, parent: Record | None = None) -> Any:
    if isinstance(value, dict):
        if "$r" in value:
            collection, key, file, line, fields, lines = value["$r"]
            record = Record(collection, key, file, line, {}, lines, parent)
            record.values = {name: _decode(item, record) for name, item in fields.items()}
            return record
        if "$a" in value:
            return Agent(*value["$a"])
        return dict(value["$m"])
    if isinstance(value, list):
        return [_decode(item, parent) for item in value]
    return value


def _decode_parsed(encoded: dict[str, Any]) -> Parsed:
    records = [_decode(item) for item in encoded["records"]]
    problems = [Problem(*fields) for fields in encoded["problems"]]
    return records, problems


# --- reading YAML into nodes -------------------------------------------------------------


def _compose(display: str, raw: bytes) -> yaml.Node:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise LoadError(
            f"{display}:{line}: not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        what = error.problem or str(error)
        lines = text.splitlines()
        offending = lines[line - 1] if 0 < line <= len(lines) else ""
        hint = " (a tab character: YAML indents with spaces only)" if "\t" in offending else ""
        raise LoadError(f"{display}:{line}: YAML syntax error: {what}{hint}") from None
    except yaml.YAMLError as error:
        raise LoadError(f"{display}: YAML error: {error}") from None
    if node is None:
        raise LoadError(f"{display}: the file is empty")
    return node


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    """Turns composed YAML nodes into Records, collecting every problem on the way."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Nodes met so far, held so their ids stay unique while the file is read.
        self.seen: dict[int, yaml.Node] = {}

    def fail(self, file: str, line: int, record: str | Record, name: str, message: str) -> None:
        label = record.label if isinstance(record, Record) else record
        self.problems.append(Problem(file, line, label, name, message))

    def _enter(self, node: yaml.Node, file: str, record: str | Record, name: str) -> bool:
        """Refuse aliases: a node met twice is an alias (the root of every alias bomb)."""
        if id(node) in self.seen:
            self.fail(file, _line(node), record, name, "YAML anchors and aliases are not supported")
            return False
        self.seen[id(node)] = node
        if node.tag not in STANDARD_TAGS:
            self.fail(
                file,
                _line(node),
                record,
                name,
                f"YAML tag {node.tag!r} is not allowed; records hold plain values only",
            )
            return False
        return True

    def collections_file(self, node: yaml.Node, file: str) -> list[Record]:
        """The records of one file, in order; duplicates across files are the caller's."""
        self.seen = {}
        records: list[Record] = []
        if not self._enter(node, file, "", ""):
            return records
        if not isinstance(node, yaml.MappingNode):
            self.fail(file, _line(node), "", "", "a record file is a mapping of collections")
            return records
        for key_node, value_node in self._pairs(node, file, ""):
            name = key_node.value
            spec = COLLECTIONS.get(name)
            if spec is None:
                self.fail(
                    file,
                    _line(key_node),
                    name,
                    "",
                    f"unknown collection {name!r}{_hint(name, COLLECTIONS)}",
                )
                continue
            if not self._enter(value_node, file, name, ""):
                continue
            if not isinstance(value_node, yaml.SequenceNode):
                self.fail(file, _line(value_node), name, "", "a collection is a list of records")
                continue
            for item in value_node.value:
                record = self.record(item, spec, name, file, parent=None)
                if record.key:
                    records.append(record)
        return records

    def _pairs(
        self, node: yaml.MappingNode, file: str, record: str | Record
    ) -> Iterator[tuple[yaml.ScalarNode, yaml.Node]]:
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in STANDARD_TAGS:
                self.fail(file, _line(key_node), record, "", "mapping keys must be plain words")
                continue
            if key_node.value in seen:
                self.fail(
                    file,
                    _line(key_node),
                    record,
                    key_node.value,
                    f"duplicate field; already given on line {seen[key_node.value]}",
                )
                continue
            seen[key_node.value] = _line(key_node)
            yield key_node, value_node

    def record(
        self, node: yaml.Node, spec: RecordSpec, collection: str, file: str, parent: Record | None
    ) -> Record:
        line = _line(node)
        record = Record(collection, "", file, line, {}, {}, parent)
        if not self._enter(node, file, record, ""):
            return record
        if not isinstance(node, yaml.MappingNode):
            self.fail(file, line, record, "", f"a {spec.name} record is a mapping of fields")
            return record
        pairs = list(self._pairs(node, file, record))
        if spec.keyed:
            for key_node, value_node in pairs:
                if key_node.value == "key":
                    record.lines["key"] = _line(key_node)
                    key = self._scalar_text(value_node, file, record, "key")
                    if key is not None and not KEY_PATTERN.fullmatch(key):
                        self.fail(
                            file,
                            _line(value_node),
                            record,
                            "key",
                            f"key {key!r} must be lower-case letters, digits and '-' "
                            "(it becomes part of an IRI)",
                        )
                    elif key is not None:
                        record.key = key
            if "key" not in record.lines:
                self.fail(file, line, record, "key", "missing required field 'key'")
        for key_node, value_node in pairs:
            name = key_node.value
            if spec.keyed and name == "key":
                continue
            definition = spec.fields.get(name)
            if definition is None:
                self.fail(
                    file,
                    _line(key_node),
                    record,
                    name,
                    f"unknown field {name!r}{_hint(name, spec.fields)}",
                )
                continue
            record.lines[name] = _line(key_node)
            value = self.value(value_node, definition, file, record, name)
            if value is not None:
                record.values[name] = value
        for name, definition in spec.fields.items():
            if definition.required and name not in record.values and name not in record.lines:
                self.fail(file, line, record, name, f"missing required field {name!r}")
        return record

    def value(
        self, node: yaml.Node, definition: Field, file: str, record: Record, name: str
    ) -> Any:
        kind = definition.kind
        if isinstance(node, yaml.ScalarNode) and not node.style and node.value in NULLS:
            if definition.required:
                self.fail(file, _line(node), record, name, f"{name!r} needs a value")
            return None
        if kind == "record":
            assert definition.spec is not None
            child = self.record(node, definition.spec, definition.spec.name, file, parent=record)
            if not definition.spec.keyed:
                child.key = ""
            return child
        if not self._enter(node, file, record, name):
            return None
        if kind == "list":
            if not isinstance(node, yaml.SequenceNode):
                self.fail(file, _line(node), record, name, f"{name!r} must be a list")
                return None
            assert definition.item is not None
            items = []
            for index, item_node in enumerate(node.value):
                item_name = f"{name}[{index + 1}]"
                record.lines[item_name] = _line(item_node)
                item = self.value(item_node, definition.item, file, record, item_name)
                if item is not None:
                    items.append(item)
            if definition.required and not items:
                self.fail(file, _line(node), record, name, f"{name!r} must not be empty")
            return items
        if kind == "mapping":
            if not isinstance(node, yaml.MappingNode):
                self.fail(file, _line(node), record, name, f"{name!r} must be a mapping")
                return None
            mapping = {}
            for key_node, value_node in self._pairs(node, file, record):
                text = self._scalar_text(value_node, file, record, f"{name}.{key_node.value}")
                if not KEY_PATTERN.fullmatch(key_node.value):
                    self.fail(
                        file,
                        _line(key_node),
                        record,
                        name,
                        f"{key_node.value!r} is not a key",
                    )
                elif text is not None:
                    mapping[key_node.value] = text
            return mapping
        if kind == "agent" and isinstance(node, yaml.MappingNode):
            return self._agent_mapping(node, file, record, name)
        text = self._scalar_text(node, file, record, name)
        if text is None:
            return None
        return self.scalar(text, definition, file, _line(node), record, name)

    def _agent_mapping(
        self, node: yaml.MappingNode, file: str, record: Record, name: str
    ) -> Agent | None:
        parts: dict[str, str] = {}
        for key_node, value_node in self._pairs(node, file, record):
            if key_node.value not in ("person", "printed"):
                self.fail(
                    file,
                    _line(key_node),
                    record,
                    name,
                    f"unknown field {key_node.value!r}"
                    f"{_hint(key_node.value, ['person', 'printed'])}",
                )
                continue
            text = self._scalar_text(value_node, file, record, name)
            if text is not None:
                parts[key_node.value] = text
        if "person" not in parts:
            self.fail(file, _line(node), record, name, "an author mapping needs 'person'")
            return None
        return Agent(parts["person"], parts.get("printed", ""), _line(node))

    def _scalar_text(
        self, node: yaml.Node, file: str, record: str | Record, name: str
    ) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            shape = "list" if isinstance(node, yaml.SequenceNode) else "mapping"
            self.fail(
                file, _line(node), record, name, f"{name!r} must be a single value, not a {shape}"
            )
            return None
        if node.tag not in STANDARD_TAGS:
            self.fail(file, _line(node), record, name, f"YAML tag {node.tag!r} is not allowed")
            return None
        text = str(node.value)
        problem = _text_problem(text)
        if problem:
            self.fail(file, _line(node), record, name, problem)
            return None
        return text

    def scalar(
        self, text: str, definition: Field, file: str, line: int, record: Record, name: str
    ) -> Any:
        kind = definition.kind
        label = record

        def fail(message: str) -> None:
            self.fail(file, line, label, name, message)

        if kind in ("text", "agent", "version-ref", "source"):
            if not text.strip():
                fail(f"{name!r} is empty")
                return None
            if kind == "agent":
                return Agent("", text, line)
            if kind == "source" and not SOURCE_PATTERN.fullmatch(text):
                fail(f"{text!r} is not a source entry like 'pubs:journal/3'")
                return None
            return text
        if kind == "int":
            if not re.fullmatch(r"-?\d{1,9}", text):
                fail(f"{text!r} is not a whole number")
                return None
            return int(text)
        if kind == "date":
            problem = _date_problem(text)
            if problem:
                fail(problem)
                return None
            return text
        if kind == "url":
            if not URL_PATTERN.fullmatch(text):
                fail(f"{text!r} is not an absolute URL (like https://example.org/page)")
                return None
            return text
        if kind == "key":
            if not KEY_PATTERN.fullmatch(text):
                fail(f"{text!r} is not a key (lower-case letters, digits and '-')")
                return None
            return text
        if kind == "enum":
            if text not in definition.choices:
                fail(
                    f"{text!r} is not one of {', '.join(definition.choices)}"
                    f"{_hint(text, definition.choices)}"
                )
                return None
            return text
        raise AssertionError(f"unknown field kind {kind}")


# C0 and C1 controls except tab and newline, and lone surrogates: one regex, not a loop.
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _text_problem(text: str) -> str:
    if len(text) > MAX_TEXT:
        return f"value of {len(text)} characters is longer than kg accepts ({MAX_TEXT})"
    found = FORBIDDEN_CHARACTER.search(text)
    if found is not None:
        code = ord(found.group())
        if 0xD800 <= code <= 0xDFFF:
            return f"unpaired surrogate U+{code:04X} in text; remove it"
        return f"control character U+{code:04X} in text; remove it"
    return ""


def _date_problem(text: str) -> str:
    match = DATE_PATTERN.fullmatch(text)
    if not match:
        return f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        return f"{text!r} is not a date: month {month} does not exist"
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            return f"{text!r} is not a date: {year}-{month} has {last} days"
    return ""


def _hint(word: str, known: Any) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- cross-references ---------------------------------------------------------------------


class _Resolver:
    """Checks what single records cannot: references, name variants, provenance, cycles."""

    def __init__(self, dataset: Dataset, problems: list[Problem]) -> None:
        self.dataset = dataset
        self.problems = problems
        self.variants: dict[str, str] = {}
        self.used_sources: dict[str, str] = {}

    def check(self) -> None:
        config = self.dataset.config
        base = config.get("base")
        if base is not None and not str(base).endswith(("/", "#")):
            self.problems.append(
                config.problem("base", f"base IRI {base!r} must end with '/' or '#'")
            )
        self._index_variants()
        researcher = config.get("researcher")
        if researcher is not None and researcher not in self.dataset.collections["people"]:
            self.problems.append(
                config.problem(
                    "researcher",
                    f"no person with key {researcher!r}"
                    f"{_hint(researcher, self.dataset.collections['people'])}",
                )
            )
        for record in self.dataset.all_records():
            self._check_record(record, COLLECTIONS[record.collection])
        self._check_cycles()

    def _index_variants(self) -> None:
        for person in self.dataset.records("people"):
            for index, variant in enumerate(person.get("variants", []), start=1):
                owner = self.variants.get(variant)
                if owner is not None and owner != person.key:
                    self.problems.append(
                        person.problem(
                            f"variants[{index}]",
                            f"printed name {variant!r} already belongs to people/{owner}; "
                            "write such authors as {person: KEY, printed: NAME}",
                        )
                    )
                self.variants.setdefault(variant, person.key)

    def _check_record(self, record: Record, spec: RecordSpec) -> None:
        for name, definition in spec.fields.items():
            if name in record.values:
                self._check_value(record, name, definition, record.values[name])
        if "start" in record.values and "end" in record.values:
            start, end = str(record.values["start"]), str(record.values["end"])
            if end[: len(start)] < start[: len(end)]:
                self.problems.append(
                    record.problem("end", f"ends ({end}) before it starts ({start})")
                )
        sources = record.get("sources", [])
        for reading in record.get("readings", []):
            if reading.get("source") not in sources:
                self.problems.append(
                    reading.problem("source", "a reading must name one of the record's sources")
                )
        if record.collection == "works":
            self._check_unique_keys(record, "versions")
        if record.collection == "patents":
            self._check_unique_keys(record, "entries")
        if record.collection == "versions":
            self._check_unique_keys(record, "parts")
            needs = "editors" if record.get("type") == "edited-book" else "authors"
            if not record.get(needs) and needs not in record.lines:
                self.problems.append(record.problem(needs, f"missing required field {needs!r}"))
            for role in ("authors", "editors"):
                seen: set[str] = set()
                for index, agent in enumerate(record.get(role, []), start=1):
                    if agent.person and agent.person in seen:
                        self.problems.append(
                            record.problem(
                                f"{role}[{index}]",
                                f"people/{agent.person} is listed twice",
                                agent.line,
                            )
                        )
                    seen.add(agent.person)

    def _check_unique_keys(self, record: Record, name: str) -> None:
        seen: set[str] = set()
        for child in record.get(name, []):
            if child.key in seen:
                self.problems.append(child.problem("key", f"duplicate key {child.key!r} in {name}"))
            seen.add(child.key)

    def _check_value(self, record: Record, name: str, definition: Field, value: Any) -> None:
        kind = definition.kind
        if kind == "list":
            assert definition.item is not None
            for index, item in enumerate(value, start=1):
                self._check_value(record, f"{name}[{index}]", definition.item, item)
            if definition.item.kind == "agent":
                value[:] = [
                    self._resolve_agent(record, f"{name}[{i}]", a) for i, a in enumerate(value, 1)
                ]
        elif kind == "record":
            assert definition.spec is not None
            self._check_record(value, definition.spec)
        elif kind == "key":
            target = self.dataset.collections[definition.ref].get(value)
            if target is None:
                self.problems.append(
                    record.problem(
                        name,
                        f"no {definition.ref} record with key {value!r}"
                        f"{_hint(value, self.dataset.collections[definition.ref])}",
                    )
                )
            elif not target.public and self._public(record):
                self.problems.append(
                    record.problem(name, f"public record refers to private {target.label}")
                )
        elif kind == "version-ref":
            self._check_version_ref(record, name, value)
        elif kind == "source":
            self._check_source(record, name, value)

    def _public(self, record: Record) -> bool:
        while record.parent is not None and record.public:
            record = record.parent
        return record.public

    def _resolve_agent(self, record: Record, name: str, agent: Agent) -> Agent:
        people = self.dataset.collections["people"]
        if agent.person:
            if agent.person not in people:
                self.problems.append(
                    record.problem(
                        name,
                        f"no people record with key {agent.person!r}{_hint(agent.person, people)}",
                        agent.line,
                    )
                )
            elif not people[agent.person].public and self._public(record):
                self.problems.append(
                    record.problem(
                        name, f"public record refers to private people/{agent.person}", agent.line
                    )
                )
            return agent
        person = self.variants.get(agent.printed)
        if person is None:
            self.problems.append(
                record.problem(
                    name,
                    f"no person has the printed name {agent.printed!r} among their variants"
                    f"{_hint(agent.printed, self.variants)}",
                    agent.line,
                )
            )
            return agent
        return Agent(person, agent.printed, agent.line)

    def _check_version_ref(self, record: Record, name: str, value: str) -> None:
        work_key, _, version_key = value.partition("/")
        work = self.dataset.collections["works"].get(work_key)
        if work is None:
            self.problems.append(
                record.problem(
                    name,
                    f"no work with key {work_key!r}"
                    f"{_hint(work_key, self.dataset.collections['works'])}",
                )
            )
            return
        versions = [version.key for version in work.get("versions", [])]
        if version_key not in versions:
            self.problems.append(
                record.problem(
                    name,
                    f"work {work_key!r} has no version {version_key!r}; "
                    f"it has {', '.join(versions)}",
                )
            )

    def _check_source(self, record: Record, name: str, value: str) -> None:
        match = SOURCE_PATTERN.fullmatch(value)
        assert match is not None
        source_key, section, _ = match.groups()
        source = self.dataset.sources.get(source_key)
        if source is None:
            self.problems.append(
                record.problem(
                    name,
                    f"no source {source_key!r} in kg.yaml{_hint(source_key, self.dataset.sources)}",
                )
            )
            return
        sections = source.get("sections", {})
        if section not in sections:
            self.problems.append(
                record.problem(
                    name,
                    f"source {source_key!r} has no section {section!r}{_hint(section, sections)}",
                )
            )
            return
        # One publication entry is one version; other entries may yield several records
        # ("German (native), English (…)" is one printed line and two languages).
        if name.startswith("sources") and record.collection == "versions":
            owner = self.used_sources.get(value)
            if owner is not None and owner != record.label:
                self.problems.append(
                    record.problem(name, f"source entry {value} is already the source of {owner}")
                )
            self.used_sources[value] = record.label

    def _check_cycles(self) -> None:
        organizations = self.dataset.collections["organizations"]
        for start in sorted(organizations):
            seen = [start]
            current = organizations[start].get("parent")
            while current is not None and current in organizations:
                if current in seen:
                    self.problems.append(
                        organizations[start].problem(
                            "parent",
                            f"parent organizations form a cycle: {' → '.join([*seen, current])}",
                        )
                    )
                    break
                seen.append(current)
                current = organizations[current].get("parent")
