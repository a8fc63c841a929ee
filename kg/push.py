"""Pushing: the validated graph into a SPARQL 1.1 triple store, atomically (DESIGN.md §7).

A push counts the target graph first and picks the cheapest way that keeps it atomic:

- `delta`: the graph holds triples and, fetched with a Graph Store Protocol GET and compared
  as sets of triples, differs from the payload in at most `batch_size` triples: one SPARQL
  Update `DELETE DATA … ; INSERT DATA …` (one request, one transaction), or nothing at all when
  nothing differs. The nightly re-push after a few records changed.
- `put`: Oxigraph, and the graph is empty: one transactional PUT straight into it (no staging,
  no `MOVE`: 34 s instead of ~90 s for 663k triples).
- `staged`: everything else. The graph goes into a staging graph of its own (a PUT, with
  Oxigraph's `no_transaction`, or batched `INSERT DATA` for stores without the protocol), is
  counted there, and replaces the target graph in one SPARQL Update `MOVE`.

Readers see the old graph or the new one, never a part of either. A push validates before any
network call, counts the target graph afterwards, and removes its staging graph on success
and on failure; what a push that died with the store left behind, the next push to the same
graph removes. Credentials come from the environment or `~/.netrc`, never from arguments, and
no message, repr or log record contains them.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import http.client
import json
import logging
import netrc
import os
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import pyoxigraph as ox

from kg.errors import LoadError, Problem, PushError, ValidationFailed
from kg.serialize import to_ntriples
from kg.terms import Triple

__all__ = [
    "METHODS",
    "PASSWORD_VARIABLE",
    "PRESETS",
    "STRATEGIES",
    "USER_VARIABLE",
    "Credentials",
    "Endpoint",
    "Payload",
    "PushResult",
    "Settings",
    "endpoint_for",
    "find_credentials",
    "load_payload",
    "push",
    "push_payload",
    "staging_prefix",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # a library does not print; callers configure logging

PRESETS = ("oxigraph", "fuseki", "graphdb", "virtuoso", "generic")
METHODS = ("gsp", "update")
STRATEGIES = ("delta", "put", "staged")
"""How a push replaced the graph: see the module's docstring."""
USER_VARIABLE = "KG_PUSH_USER"
PASSWORD_VARIABLE = "KG_PUSH_PASSWORD"
STAGING_PREFIX = "urn:kg:staging:"
Progress = Callable[[int, int], None]
"""Called with (bytes sent, bytes in all) as an upload goes on."""

# An absolute IRI as SPARQL's IRIREF allows it (no spaces, quotes, angle brackets, braces).
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|\\^`]+$')
_TRANSIENT = frozenset({500, 502, 503, 504})
_REJECTED = frozenset({400, 413})
_CHUNK = 1 << 20


# --- where the store is --------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """Where a store answers SPARQL queries, SPARQL updates and Graph Store Protocol requests.

    `bulk_put` (Oxigraph) adds `no_transaction` to the staging PUT: 4–12× faster than a
    transactional PUT (measured) and safe, because nobody reads the staging graph and the
    `MOVE` keeps the swap atomic. It also says that a PUT without it is one transaction, so a
    first push into an empty graph skips staging and `MOVE`. `batch_size` is the number of
    triples per `INSERT DATA`, and the most a delta push changes in one request (Virtuoso's
    SPARQL compiler gives up near 5,000). `lists_empty_graphs`: whether `GRAPH ?g {}` lists the
    named graphs, as SPARQL 1.1 says; Virtuoso answers nothing to it, but has no empty graphs
    either.
    """

    query_url: str
    update_url: str
    gsp_url: str | None
    preset: str = "generic"
    bulk_put: bool = False
    batch_size: int = 10_000
    lists_empty_graphs: bool = True


def _oxigraph(base: str, authenticated: bool) -> Endpoint:
    return Endpoint(f"{base}/query", f"{base}/update", f"{base}/store", "oxigraph", bulk_put=True)


def _fuseki(base: str, authenticated: bool) -> Endpoint:
    if not urllib.parse.urlsplit(base).path.strip("/"):
        raise PushError(
            "the fuseki endpoint is the dataset URL, e.g. http://localhost:3030/kg", exit_code=2
        )
    return Endpoint(f"{base}/query", f"{base}/update", f"{base}/data", "fuseki")


def _graphdb(base: str, authenticated: bool) -> Endpoint:
    if not re.search(r"/repositories/[^/]+$", urllib.parse.urlsplit(base).path):
        raise PushError(
            "the graphdb endpoint is the repository URL, "
            "e.g. http://localhost:7200/repositories/kg",
            exit_code=2,
        )
    return Endpoint(base, f"{base}/statements", f"{base}/rdf-graphs/service", "graphdb")


def _virtuoso(base: str, authenticated: bool) -> Endpoint:
    # With credentials, the digest-protected twins: plain /sparql runs as the anonymous user.
    suffix = "-auth" if authenticated else ""
    return Endpoint(
        f"{base}/sparql{suffix}",
        f"{base}/sparql{suffix}",
        f"{base}/sparql-graph-crud{suffix}",
        "virtuoso",
        batch_size=1_000,
        lists_empty_graphs=False,
    )


def _generic(base: str, authenticated: bool) -> Endpoint:
    return Endpoint(base, base, None, "generic")


_PRESETS: dict[str, Callable[[str, bool], Endpoint]] = {
    "oxigraph": _oxigraph,
    "fuseki": _fuseki,
    "graphdb": _graphdb,
    "virtuoso": _virtuoso,
    "generic": _generic,
}


def endpoint_for(
    url: str,
    preset: str = "generic",
    *,
    query_url: str | None = None,
    update_url: str | None = None,
    gsp_url: str | None = None,
    authenticated: bool = False,
) -> Endpoint:
    """The store's URLs, derived from its base URL by the preset; explicit URLs win.

    `generic` takes `url` as the one SPARQL endpoint for queries and updates and knows no Graph
    Store Protocol URL. `authenticated` picks Virtuoso's `-auth` URLs.
    """
    if preset not in _PRESETS:
        raise PushError(f"unknown preset {preset!r}; one of {', '.join(PRESETS)}", exit_code=2)
    for given in (url, query_url, update_url, gsp_url):
        if given is not None:
            _check_url(given)
    base = url if preset == "generic" else url.rstrip("/")
    derived = _PRESETS[preset](base, authenticated)
    return dataclasses.replace(
        derived,
        query_url=query_url or derived.query_url,
        update_url=update_url or derived.update_url,
        gsp_url=gsp_url or derived.gsp_url,
    )


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if "@" in parts.netloc:
        # Not echoed: the text before "@" is likely a password.
        raise PushError(
            "credentials do not belong in URLs (they show in process lists and logs); "
            f"set {USER_VARIABLE} and {PASSWORD_VARIABLE} or use ~/.netrc",
            exit_code=2,
        )
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        raise PushError(f"{url} is not an http(s) URL", exit_code=2)


def _check_graph(graph: str) -> None:
    if not _IRI.fullmatch(graph):
        raise PushError(f"--graph must be an absolute IRI, not {graph!r}", exit_code=2)
    if graph.startswith(STAGING_PREFIX):
        raise PushError(f"{STAGING_PREFIX}… names kg's staging graphs", exit_code=2)


def _check_method(endpoint: Endpoint, method: str) -> None:
    if method not in METHODS:
        raise PushError(f"unknown method {method!r}; one of {', '.join(METHODS)}", exit_code=2)
    if method == "gsp" and endpoint.gsp_url is None:
        raise PushError(
            f"the {endpoint.preset} preset knows no Graph Store Protocol URL: "
            "give --gsp-url, or use --method update",
            exit_code=2,
        )


def staging_prefix(graph: str) -> str:
    """The IRI prefix of every staging graph of `graph`.

    The same for every push to that graph, so a push finds what an interrupted one left; its
    own, so it never touches anybody else's graphs; a hash, so any target IRI gives a valid one.
    """
    return f"{STAGING_PREFIX}{hashlib.sha256(graph.encode()).hexdigest()[:16]}:"


# --- who we are ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """A user name and password for the store, and where they came from (for messages)."""

    user: str
    password: str = field(repr=False)
    source: str = "environment"


def find_credentials(
    url: str,
    environ: Mapping[str, str] | None = None,
    netrc_file: str | Path | None = None,
) -> Credentials | None:
    """Credentials for the store at `url`: KG_PUSH_USER and KG_PUSH_PASSWORD, else `~/.netrc`.

    Never from command-line arguments: those show in process lists and shell history.
    """
    environ = os.environ if environ is None else environ
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if user or password:
        if not (user and password):
            raise PushError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}", exit_code=2)
        return Credentials(user, password, f"{USER_VARIABLE}/{PASSWORD_VARIABLE}")
    host = urllib.parse.urlsplit(url).hostname
    return _from_netrc(host, netrc_file) if host else None


def _from_netrc(host: str, path: str | Path | None) -> Credentials | None:
    where = str(path) if path is not None else "~/.netrc"
    try:
        entries = netrc.netrc(None if path is None else str(path))
    except FileNotFoundError:
        return None
    except netrc.NetrcParseError as error:
        # The parser's own message can quote a token of the file, which may be a password.
        raise PushError(
            f"cannot use {where}: line {error.lineno} is not netrc syntax, "
            "or the file is readable by others (chmod 600)",
            exit_code=2,
        ) from None
    except OSError as error:
        raise PushError(f"cannot read {where}: {error.strerror}", exit_code=2) from None
    found = entries.authenticators(host)
    if found is None or not found[0] or not found[2]:
        return None
    return Credentials(found[0], found[2], where)


# --- what we send --------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    """The validated public graph as sorted N-Triples: what a push sends, and how much."""

    data: bytes
    count: int
    source: str

    @property
    def size(self) -> int:
        return len(self.data)


def load_payload(
    data: Path | str | None = None, file: Path | str | None = None, base: str | None = None
) -> Payload:
    """Validate a data folder (default `data`) or an RDF file and return what to push.

    Raises `ValidationFailed` for SHACL violations and `PushError` for blank nodes, before
    any network call. A data folder gives its public graph only: a push never carries
    personal data (DESIGN.md §5).
    """
    if file is not None:
        if data is not None or base is not None:
            raise PushError("give --data (and --base) or --file, not both", exit_code=2)
        return _payload_from_file(Path(file))
    from kg.pipeline import validate_data

    folder = Path(data) if data is not None else Path("data")
    graph = validate_data(folder, base=base)
    return _payload(graph.triples, str(folder))


def _payload_from_file(path: Path) -> Payload:
    """An exported file, parsed, checked and validated by Oxigraph: fast at any size."""
    store = _parse(path)
    count = _blank_nodes(store) if _may_hold_blank_nodes(path) else 0
    if count:
        raise PushError(
            f"{path} has {count} blank node{'s' if count != 1 else ''}; kg pushes "
            "only graphs whose nodes all have IRIs, so that a second push gives the same graph"
        )
    from kg.validate import store_problems

    problems = store_problems(store)
    if problems:
        raise ValidationFailed(
            [Problem(str(path), 0, p.record, p.field, p.message) for p in problems]
        )
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    if not data:
        raise PushError(f"{path} holds no triples; refusing to replace a graph with nothing")
    return Payload(data, len(store), str(path))


_SCAN_BLOCK = 1 << 24


def _may_hold_blank_nodes(path: Path) -> bool:
    """False when the file cannot hold a blank node: N-Triples writes each one as `_:label`,
    and reading the file for that is quicker than asking a whole store."""
    if path.suffix.lower() != ".nt":
        return True
    try:
        with open(path, "rb") as handle:
            previous = b""
            while block := handle.read(_SCAN_BLOCK):  # not the whole of a large file at once
                if b"_:" in previous + block[:1] or b"_:" in block:
                    return True
                previous = block[-1:]
    except OSError:
        return True
    return False


def _blank_nodes(store: ox.Store) -> int:
    blank = store.query(
        "SELECT (COUNT(DISTINCT ?b) AS ?n) "
        "WHERE { { ?b ?p ?o } UNION { ?s ?p ?b } FILTER isBlank(?b) }"
    )
    assert isinstance(blank, ox.QuerySolutions)
    return int(next(iter(blank))["n"].value)


FILE_FORMATS = {
    ".nt": "nt",
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
}


def _parse(path: Path) -> ox.Store:
    name = FILE_FORMATS.get(path.suffix.lower())
    rdf_format = ox.RdfFormat.from_extension(path.suffix[1:].lower()) if name else None
    if rdf_format is None:
        raise LoadError(f"{path}: cannot tell the RDF format from the name; use .nt or .ttl")
    store = ox.Store()
    try:
        store.bulk_load(path=path, format=rdf_format, to_graph=ox.DefaultGraph())
    except OSError as error:
        raise LoadError(f"cannot read {path}: {error.strerror or error}") from None
    except (SyntaxError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LoadError(f"{path} is not valid {name}: {first}") from None
    return store


def _payload(triples: Iterable[Triple], source: str) -> Payload:
    text = to_ntriples(triples)
    count = text.count("\n")
    if count == 0:
        raise PushError(f"{source} holds no triples; refusing to replace a graph with nothing")
    return Payload(text.encode("utf-8"), count, source)


def _batches(data: bytes, size: int) -> Iterator[tuple[bytes, int]]:
    """Whole N-Triples lines, `size` at a time: safe to split because there are no blank nodes."""
    lines = data.splitlines(keepends=True)
    for start in range(0, len(lines), size):
        batch = lines[start : start + size]
        yield b"".join(batch), len(batch)


# --- how patient we are, and what happened -------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Timeouts and retries.

    Connection errors and answers 500, 502, 503 and 504 are retried `retries` times, waiting
    `backoff`, then twice as long each time: a closed port fails in about 4 s. `timeout` is how
    long one request may wait for its answer (a MOVE of a large graph takes minutes on some
    stores); the first request, a cheap `ASK`, waits `probe_timeout` at most.
    """

    timeout: float = 300.0
    connect_timeout: float = 5.0
    probe_timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5
    batch_size: int | None = None


@dataclass(frozen=True)
class PushResult:
    """What a push did, or with `dry_run` would do.

    `strategy` is one of STRATEGIES once pushed, and empty for a dry run: which one applies
    depends on what the store holds. `deleted` and `inserted` count a delta's triples.
    """

    graph: str
    triples: int
    size: int
    method: str
    endpoint: Endpoint
    source: str
    credentials: str
    dry_run: bool = False
    seconds: float = 0.0
    retries: int = 0
    strategy: str = ""
    deleted: int = 0
    inserted: int = 0

    def describe(self) -> list[str]:
        """The plan, one line each: what `kg push --dry-run` prints."""
        endpoint = self.endpoint
        staging = f"{staging_prefix(self.graph)}{{uuid}}"
        limit = endpoint.batch_size
        if self.method == "gsp":
            flag = "&no_transaction" if endpoint.bulk_put else ""
            upload = f"PUT {endpoint.gsp_url}?graph={staging}{flag}"
        else:
            upload = f"INSERT DATA into {staging} at {endpoint.update_url}, "
            upload += f"{limit} triples a request"
        steps: list[tuple[str, str]] = []
        if self.method == "gsp":
            steps += [
                ("count", f"the triples of <{self.graph}>"),
                ("compare", f"if it holds any: GET {endpoint.gsp_url}?graph={self.graph}"),
                (
                    "delta",
                    f"if at most {limit} triples differ and none is blank: one DELETE DATA/"
                    f"INSERT DATA at {endpoint.update_url} (none if nothing differs)",
                ),
            ]
            if endpoint.bulk_put:
                direct = f"PUT {endpoint.gsp_url}?graph={self.graph}"
                steps.append(("put", f"if it is empty: {direct}, one transaction"))
        branching = bool(steps)
        steps += [
            ("upload", f"{'otherwise: ' if branching else ''}{upload}"),
            ("check", "the staging graph holds every triple"),
            ("replace", f"MOVE GRAPH <{staging}> TO GRAPH <{self.graph}>"),
            (
                "check",
                f"{'in every case: ' if branching else ''}"
                f"<{self.graph}> holds {self.triples} triples",
            ),
        ]
        numbered = [
            f"{f'{number}. {name}:':<12} {text}" for number, (name, text) in enumerate(steps, 1)
        ]
        return [
            f"source:      {self.source} ({self.triples} triples, {self.size} bytes, valid)",
            f"graph:       <{self.graph}>",
            f"preset:      {endpoint.preset}",
            f"query URL:   {endpoint.query_url}",
            f"update URL:  {endpoint.update_url}",
            f"GSP URL:     {endpoint.gsp_url or '-'}",
            *numbered,
            f"credentials: {self.credentials}",
        ]


# --- HTTP: timeouts, retries, authentication, and no secrets in messages -------------------


def _connect_then_wait(
    connection: http.client.HTTPConnection, connect: Callable[[], None], connect_timeout: float
) -> None:
    """Connect within `connect_timeout`, then wait up to the request's own timeout: a dead host
    fails in seconds while a long MOVE is still waited for."""
    answer_timeout = connection.timeout
    if answer_timeout is not None:
        connection.timeout = min(connect_timeout, answer_timeout)
    try:
        connect()
    finally:
        connection.timeout = answer_timeout
    if connection.sock is not None:
        connection.sock.settimeout(answer_timeout)


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, connect_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connect_timeout = connect_timeout

    def connect(self) -> None:
        _connect_then_wait(self, super().connect, self.connect_timeout)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, connect_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connect_timeout = connect_timeout

    def connect(self) -> None:
        _connect_then_wait(self, super().connect, self.connect_timeout)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, connect_timeout: float) -> None:
        super().__init__()
        self.connect_timeout = connect_timeout

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        # typeshed types the factory narrower than urllib calls it (extra keywords pass through)
        return self.do_open(_HTTPConnection, req, connect_timeout=self.connect_timeout)  # type: ignore[arg-type]


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, connect_timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(context=self.tls)
        self.connect_timeout = connect_timeout

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            _HTTPSConnection,  # type: ignore[arg-type]
            req,
            context=self.tls,
            connect_timeout=self.connect_timeout,
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: urllib would turn a redirected POST into a GET and drop the
    update, and a redirected PUT would fail anyway."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """urllib's digest authentication, answering the host's last challenge up front.

    Virtuoso answers 401 and closes the connection before reading a request body, so a large
    upload that waits for the challenge dies with a broken pipe (measured); the cheap `ASK`
    that opens every push fetches the challenge first.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self.challenges: dict[str, dict[str, str]] = {}

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        _, _, challenge = auth.partition(" ")
        parsed = urllib.request.parse_http_list(challenge)
        self.challenges[req.host] = urllib.request.parse_keqv_list(
            [part for part in parsed if part]
        )
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        challenge = self.challenges.get(req.host)
        if challenge is not None and not req.has_header("Authorization"):
            answer = self.get_authorization(req, challenge)
            if answer:
                req.add_unredirected_header("Authorization", f"Digest {answer}")
        return req

    https_request = http_request


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """urllib's basic authentication, sent up front to a host once it has asked for it (the
    same broken-pipe reason), and never to a host that has not: a digest server never sees
    the password."""

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self.hosts: set[str] = set()

    def retry_http_basic_auth(self, host: str, req: urllib.request.Request, realm: str) -> Any:
        self.hosts.add(req.host)
        return super().retry_http_basic_auth(host, req, realm)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if req.host in self.hosts and not req.has_header("Authorization"):
            user, password = self.passwd.find_user_password("", req.full_url)  # any realm
            if user is not None and password is not None:
                token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
                req.add_unredirected_header("Authorization", f"Basic {token}")
        return req

    https_request = http_request


class _Upload:
    """A request body sent in 1 MiB chunks, reporting progress; iterable again for a retry or
    for the second sending an authentication challenge can cause."""

    def __init__(self, data: bytes, report: Callable[[int], None] | None) -> None:
        self.data = data
        self.report = report

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), _CHUNK):
            chunk = self.data[start : start + _CHUNK]
            yield chunk
            if self.report is not None:
                self.report(start + len(chunk))


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _without_query(url: str) -> str:
    return url.split("?", 1)[0]


def _readable(body: bytes) -> str:
    """The gist of an error page on one line: tags dropped (Virtuoso answers in HTML)."""
    text = re.sub(r"<!DOCTYPE[^>]*>|<[^>]+>", " ", body.decode("utf-8", "replace"))
    return " ".join(text.split())[:300]


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None)
    if isinstance(reason, BaseException):
        error = reason
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the store running, and is the port right?)"
    if isinstance(error, TimeoutError):
        return "timed out"
    text = getattr(error, "strerror", None) or str(reason or error) or type(error).__name__
    return " ".join(str(text).split())


class _Rejected(PushError):
    """The store read the request and refused it (400, 413): nothing changed."""


class _Store:
    """One store over HTTP: bounded retries with backoff, authentication, messages that never
    contain a secret, and a debug log of every request (method, URL, status, time)."""

    def __init__(
        self, endpoint: Endpoint, credentials: Credentials | None, settings: Settings
    ) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.settings = settings
        self.retries = 0
        self.secrets: list[str] = []
        handlers: list[urllib.request.BaseHandler] = [
            _HTTPHandler(settings.connect_timeout),
            _HTTPSHandler(settings.connect_timeout),
            _NoRedirect(),
        ]
        if credentials is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            urls = (endpoint.query_url, endpoint.update_url, endpoint.gsp_url)
            origins = sorted({f"{_origin(url)}/" for url in urls if url})
            passwords.add_password(None, origins, credentials.user, credentials.password)
            handlers += [_DigestAuth(passwords), _BasicAuth(passwords)]
            pair = f"{credentials.user}:{credentials.password}".encode()
            self.secrets = [
                credentials.password,
                urllib.parse.quote(credentials.password, safe=""),
                urllib.parse.quote_plus(credentials.password),
                base64.b64encode(pair).decode("ascii"),
            ]
        self.opener = urllib.request.build_opener(*handlers)

    def redact(self, text: str) -> str:
        """`text` with every form of the password blanked out: a store may echo a request's
        headers in its error page."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "****")
        return text

    def error(self, message: str) -> PushError:
        return PushError(self.redact(message))

    def request(self, method: str, url: str, **options: Any) -> bytes:
        """Send one request and return the answer's body; retry what can be retried.

        A request that is not idempotent (the MOVE) is retried only when it cannot have reached
        the store whole: a failure while connecting or sending, or 503. `options` are those of
        `exchange`.
        """
        answer = self.exchange(method, url, **options)
        assert answer is not None
        return answer[0]

    def exchange(
        self,
        method: str,
        url: str,
        *,
        what: str,
        body: bytes | _Upload | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        idempotent: bool = True,
        absent_ok: bool = False,
    ) -> tuple[bytes, str] | None:
        """`request`, answering the body with its Content-Type; None for a 404 if `absent_ok`."""
        attempts = self.settings.retries + 1
        timeout = self.settings.timeout if timeout is None else timeout
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                request = urllib.request.Request(url, body, dict(headers or {}), method=method)
                with self.opener.open(request, timeout=timeout) as response:
                    answer = cast(bytes, response.read())
                    status = response.status
                    content_type = response.headers.get("Content-Type") or ""
                log.debug("%s %s: %s in %.2f s", method, url, status, time.monotonic() - started)
                return answer, content_type
            except (OSError, http.client.HTTPException) as error:
                status = error.code if isinstance(error, urllib.error.HTTPError) else None
                if absent_ok and status == 404:
                    log.debug("%s %s: 404 in %.2f s", method, url, time.monotonic() - started)
                    return None
                problem, retry = self._failure(error, method, url, what, idempotent)
            except ValueError as error:  # urllib's auth handlers meet a scheme they lack
                raise self.error(
                    f"{what}: {_origin(url)} asks for an authentication kg cannot give: {error}"
                ) from None
            log.debug("%s %s failed in %.2f s", method, url, time.monotonic() - started)
            if not retry or attempt == attempts:
                tries = f" (tried {attempt} times)" if attempt > 1 else ""
                if status in _REJECTED:
                    raise _Rejected(self.redact(f"{problem}{tries}")) from None
                raise self.error(f"{problem}{tries}") from None
            delay = self.settings.backoff * 2 ** (attempt - 1)
            log.info("%s; retrying in %.1f s (%d of %d)", problem, delay, attempt + 1, attempts)
            self.retries += 1
            time.sleep(delay)
        raise AssertionError("unreachable")

    def _failure(
        self, error: Exception, method: str, url: str, what: str, idempotent: bool
    ) -> tuple[str, bool]:
        """What went wrong, redacted, and whether to try again."""
        if isinstance(error, urllib.error.HTTPError):
            problem = self._refused(error, method, url, what)
            retry = error.code in _TRANSIENT if idempotent else error.code == 503
        elif isinstance(error, urllib.error.URLError):  # while connecting or sending
            problem = f"{what}: cannot reach {_origin(url)}: {_reason(error)}"
            retry = True
        else:  # sent whole; the answer failed, so the store may have acted on it
            problem = f"{what}: no answer from {_origin(url)}: {_reason(error)}"
            retry = idempotent
        return self.redact(problem), retry

    def _refused(self, error: urllib.error.HTTPError, method: str, url: str, what: str) -> str:
        try:
            body = error.read(4000) if error.fp is not None else b""
        except (OSError, http.client.HTTPException):
            body = b""
        detail = _readable(body)
        message = f"{what}: {method} {_without_query(url)} answered {error.code} {error.reason}"
        if detail:
            message += f": {detail}"
        hint = self._hint(error)
        return f"{message}; {hint}" if hint else message

    def _hint(self, error: urllib.error.HTTPError) -> str:
        if error.code == 401 and self.credentials is None:
            return (
                f"the store wants credentials: set {USER_VARIABLE} and {PASSWORD_VARIABLE}, "
                "or add the host to ~/.netrc"
            )
        if error.code == 401 and self.credentials is not None:
            return f"the credentials from {self.credentials.source} were refused"
        if error.code == 403:
            return (
                "the user may not write there (Virtuoso: give credentials or grant SPARQL_UPDATE)"
            )
        if error.code == 404:
            return "check --endpoint and --preset (kg push --dry-run shows the URLs)"
        if 300 <= error.code < 400:
            return f"the store redirects to {error.headers.get('Location', '?')}: give that URL"
        return ""

    def put(self, url: str, payload: Payload, progress: Progress | None, what: str) -> None:
        report = None if progress is None else (lambda sent: progress(sent, payload.size))
        self.request(
            "PUT",
            url,
            what=what,
            body=_Upload(payload.data, report),
            headers={"Content-Type": "application/n-triples", "Content-Length": str(payload.size)},
        )

    def update(self, text: bytes, what: str, idempotent: bool = True) -> None:
        self.request(
            "POST",
            self.endpoint.update_url,
            what=what,
            body=text,
            headers={"Content-Type": "application/sparql-update"},
            idempotent=idempotent,
        )

    def query(self, text: str, what: str, timeout: float | None = None) -> Any:
        answer = self.request(
            "POST",
            self.endpoint.query_url,
            what=what,
            body=urllib.parse.urlencode({"query": text}).encode("ascii"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
            timeout=timeout,
        )
        try:
            return json.loads(answer)
        except ValueError:
            raise self.error(
                f"{what}: {self.endpoint.query_url} did not answer with SPARQL JSON results; "
                "is it the store's query URL? (check --preset, --query-url)"
            ) from None

    def probe(self) -> None:
        """A cheap `ASK {}` first: a dead endpoint fails here in seconds, and an authenticating
        store sends its challenge before anything large is sent."""
        answer = self.query("ASK {}", "asking the store", timeout=self.settings.probe_timeout)
        # Some Virtuoso set-ups answer ASK as a one-row SELECT; either shape is SPARQL.
        if not isinstance(answer, dict) or not ("boolean" in answer or "results" in answer):
            raise self.error(
                f"asking the store: {self.endpoint.query_url} did not answer like a SPARQL "
                "endpoint; check --endpoint, --preset and --query-url"
            )

    def count(self, graph: str) -> int:
        what = f"counting the triples of <{graph}>"
        answer = self.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", what
        )
        try:
            return int(answer["results"]["bindings"][0]["n"]["value"])
        except (KeyError, IndexError, TypeError, ValueError):
            raise self.error(f"{what}: the store's answer holds no count") from None

    def graphs(self, prefix: str) -> list[str]:
        pattern = "GRAPH ?g { }" if self.endpoint.lists_empty_graphs else "GRAPH ?g { ?s ?p ?o }"
        text = f'SELECT DISTINCT ?g WHERE {{ {pattern} FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
        answer = self.query(text, "looking for staging graphs of interrupted pushes")
        try:
            return sorted(row["g"]["value"] for row in answer["results"]["bindings"])
        except (KeyError, TypeError):
            raise self.error(
                "looking for staging graphs: the store's answer is not a list"
            ) from None

    def fetch(self, graph: str) -> tuple[bytes, str] | None:
        """The graph's triples over the Graph Store Protocol and their media type; None when
        the store has no such graph (404)."""
        return self.exchange(
            "GET",
            _graph_url(self.endpoint, graph),
            what=f"fetching <{graph}> to compare",
            # N-Triples asked for; Turtle, a superset, taken from stores that prefer it
            headers={"Accept": "application/n-triples, text/plain;q=0.9, text/turtle;q=0.5"},
            absent_ok=True,
        )

    def drop(self, graph: str, what: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>".encode(), what)

    def drop_quietly(self, graph: str) -> bool:
        """Best effort, after a failure: True when the staging graph is gone."""
        try:
            self.request(
                "POST",
                self.endpoint.update_url,
                what="removing the staging graph",
                body=f"DROP SILENT GRAPH <{graph}>".encode(),
                headers={"Content-Type": "application/sparql-update"},
                idempotent=True,
            )
        except PushError as error:
            log.info("%s", error)
            return False
        return True


# --- the push ------------------------------------------------------------------------------


def push_payload(
    payload: Payload,
    endpoint: Endpoint,
    graph: str,
    *,
    method: str = "gsp",
    credentials: Credentials | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> PushResult:
    """Replace `graph` in the store with the payload, atomically, and check the result.

    Steps: `ASK` (the store is there and accepts us), remove staging graphs that interrupted
    pushes to `graph` left, count `graph`, replace it by the cheapest of the three strategies
    that applies (a delta, a direct PUT into an empty graph, or staging and `MOVE`; see the
    module's docstring), count `graph` again. Any failure before the one request that changes
    `graph` leaves it as it was.
    """
    _check_graph(graph)
    _check_method(endpoint, method)
    settings = settings or Settings()
    store = _Store(endpoint, credentials, settings)
    started = time.monotonic()
    store.probe()
    _remove_leftovers(store, graph)
    limit = settings.batch_size or endpoint.batch_size
    # Only the Graph Store Protocol can fetch the graph or PUT it whole: `update` stages.
    held = store.count(graph) if method == "gsp" else None
    delta = _delta(store, payload, graph, held, limit) if held else None
    if delta is not None and not _apply_delta(store, graph, delta):
        delta = None
    if delta is not None:
        strategy = "delta"
    elif endpoint.bulk_put and held == 0:
        strategy = "put"
        store.put(_graph_url(endpoint, graph), payload, progress, f"uploading into <{graph}>")
    else:
        strategy = "staged"
        _replace_through_staging(store, payload, graph, method, settings, progress)
    pushed = store.count(graph)
    if pushed != payload.count:
        raise store.error(
            f"<{graph}> holds {pushed} triples after the push, not the {payload.count} "
            "exported: another writer, or a store that rewrites literals?"
        )
    seconds = time.monotonic() - started
    changed = f" (-{len(delta.deletions)} +{len(delta.insertions)})" if delta else ""
    log.info(
        "pushed %d triples to <%s> in %.2f s: %s%s",
        payload.count,
        graph,
        seconds,
        strategy,
        changed,
    )
    return _result(
        payload,
        endpoint,
        graph,
        method,
        credentials,
        seconds=seconds,
        retries=store.retries,
        strategy=strategy,
        deleted=len(delta.deletions) if delta else 0,
        inserted=len(delta.insertions) if delta else 0,
    )


def _graph_url(endpoint: Endpoint, graph: str) -> str:
    assert endpoint.gsp_url is not None
    separator = "&" if "?" in endpoint.gsp_url else "?"
    return f"{endpoint.gsp_url}{separator}{urllib.parse.urlencode({'graph': graph})}"


def _remove_leftovers(store: _Store, graph: str) -> None:
    """Drop the staging graphs of pushes to `graph` that died with the store or were killed.

    Best effort: a store that cannot list its graphs still gets the push; a dead one fails at
    the upload that follows.
    """
    try:
        leftovers = store.graphs(staging_prefix(graph))
    except PushError as error:
        log.info("cannot look for staging graphs of interrupted pushes: %s", error)
        return
    for leftover in leftovers:
        log.info("removing %s, left by an interrupted push", leftover)
        store.drop(leftover, "removing a staging graph left by an interrupted push")


# --- delta: only what changed --------------------------------------------------------------


@dataclass(frozen=True)
class _Delta:
    """What turns the stored graph into the payload: small enough for one update request."""

    deletions: list[ox.Triple]
    insertions: list[ox.Triple]


def _delta(store: _Store, payload: Payload, graph: str, held: int, limit: int) -> _Delta | None:
    """The difference between `graph` as stored and the payload, or None when a delta push does
    not fit: more than `limit` triples differ, a blank node on either side (DELETE DATA cannot
    name it), or the store's answer cannot be read or disagrees with its count.

    Compared as pyoxigraph triples, so the store's escaping, language-tag case or Turtle instead
    of N-Triples do not count as changes. Memory: the fetched text and one set, of the
    payload's triples (about 330 bytes a triple); the stored triples are streamed past it.
    """
    if abs(held - payload.count) > limit:
        log.info(
            "<%s>: %d triples now, %d to push: too many to compare", graph, held, payload.count
        )
        return None
    try:
        answer = store.fetch(graph)
    except PushError as error:
        log.info("cannot fetch <%s> to compare, replacing it whole: %s", graph, error)
        return None
    if answer is None:
        log.info("<%s>: counted %d triples, but the store has no such graph", graph, held)
        return None
    body, content_type = answer
    rdf_format = ox.RdfFormat.from_media_type(content_type) if content_type else None
    if rdf_format is None:
        log.info("<%s> came as %r, which kg cannot parse", graph, content_type)
        return None
    if rdf_format == ox.RdfFormat.N_TRIPLES:
        quick = _delta_of_lines(body, payload, held, limit, graph)
        if quick is not False:
            return quick
    try:
        wanted = _triples(payload.data, ox.RdfFormat.N_TRIPLES)
        if wanted is None:
            log.info("the payload has blank nodes: replacing <%s> whole", graph)
            return None
        deletions: list[ox.Triple] = []
        seen = 0
        for triple in _each_triple(body, rdf_format):
            if triple is None:
                log.info("<%s> holds blank nodes: replacing it whole", graph)
                return None
            seen += 1
            if triple in wanted:
                wanted.discard(triple)  # what remains is missing from the store
            else:  # a duplicate line would land here too; `seen != held` below catches it
                deletions.append(triple)
                if len(deletions) > limit:
                    log.info("<%s>: more than %d triples to delete", graph, limit)
                    return None
    except (SyntaxError, ValueError) as error:
        log.info("<%s>: cannot parse the store's answer: %s", graph, error)
        return None
    if seen != held:  # another writer between the count and the GET, or a confused store
        log.info("<%s>: counted %d triples, fetched %d", graph, held, seen)
        return None
    return _fitting(_Delta(deletions, sorted(wanted, key=str)), limit, graph)


def _delta_of_lines(
    body: bytes, payload: Payload, held: int, limit: int, graph: str
) -> _Delta | Literal[False] | None:
    """`_delta` for N-Triples answers, parsing only the lines that differ as text: a store
    that writes N-Triples as kg does (Oxigraph) answers with the payload's own lines, and
    parsing both sides whole is most of a delta push's time. False when the answer does not
    allow it (a line per triple, no repeats, no blank node), and the whole comparison runs.
    """
    if b"_:" in body:  # maybe a blank node: equal labels are not equal nodes
        return False
    stored = [line for line in body.splitlines() if line.strip()]
    stored_lines = set(stored)
    if len(stored) != held or len(stored_lines) != held:
        return False
    wanted_lines = {line for line in payload.data.splitlines() if line.strip()}
    try:
        gone = _triples(b"\n".join(stored_lines - wanted_lines), ox.RdfFormat.N_TRIPLES)
        new = _triples(b"\n".join(wanted_lines - stored_lines), ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError):
        return False
    if gone is None or new is None:
        return None
    delta = _Delta(sorted(gone - new, key=str), sorted(new - gone, key=str))
    return _fitting(delta, limit, graph)


def _fitting(delta: _Delta, limit: int, graph: str) -> _Delta | None:
    """The delta, or None when more than `limit` triples differ."""
    differing = len(delta.deletions) + len(delta.insertions)
    if differing > limit:
        log.info("<%s>: %d triples differ, more than %d", graph, differing, limit)
        return None
    return delta


def _each_triple(data: bytes, rdf_format: ox.RdfFormat) -> Iterator[ox.Triple | None]:
    """The triples of `data`; None in place of one with a blank node."""
    for quad in ox.parse(data, format=rdf_format):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            yield None
            return
        yield quad.triple


def _triples(data: bytes, rdf_format: ox.RdfFormat) -> set[ox.Triple] | None:
    """The set of triples in `data`, or None if one has a blank node."""
    triples: set[ox.Triple] = set()
    for triple in _each_triple(data, rdf_format):
        if triple is None:
            return None
        triples.add(triple)
    return triples


def _apply_delta(store: _Store, graph: str, delta: _Delta) -> bool:
    """Send the delta as one SPARQL Update request, so one transaction: readers never see half
    of it. Safe to retry, because the deleted and inserted triples are disjoint. Nothing is
    sent when nothing changed.

    False when the store refused the request (400, 413), which changed nothing: a store's SPARQL
    parser may refuse what its Graph Store Protocol parser takes (Virtuoso compiles SPARQL to
    SQL), so the caller replaces the graph whole.
    """
    operations = []
    for keyword, triples in (("DELETE", delta.deletions), ("INSERT", delta.insertions)):
        if triples:
            lines = "".join(f"{triple} .\n" for triple in triples)
            operations.append(f"{keyword} DATA {{ GRAPH <{graph}> {{\n{lines}}} }}")
    if not operations:
        log.info("<%s> already holds exactly the payload", graph)
        return True
    what = f"updating <{graph}> (-{len(delta.deletions)} +{len(delta.insertions)} triples)"
    try:
        store.update(" ;\n".join(operations).encode() + b"\n", what, idempotent=True)
    except _Rejected as error:
        log.warning("the store refused the delta, replacing <%s> whole: %s", graph, error)
        return False
    return True


# --- staged: upload beside the graph, then MOVE --------------------------------------------


def _replace_through_staging(
    store: _Store,
    payload: Payload,
    graph: str,
    method: str,
    settings: Settings,
    progress: Progress | None,
) -> None:
    """Upload into a fresh staging graph, count it, `MOVE` it onto `graph`; on any failure,
    drop the staging graph, leaving `graph` as it was."""
    staging = f"{staging_prefix(graph)}{uuid.uuid4().hex}"
    try:
        _upload(store, payload, staging, method, settings, progress)
        staged = store.count(staging)
        if staged != payload.count:
            raise store.error(
                f"the staging graph holds {staged} triples, not {payload.count}: "
                f"is another push to <{graph}> running? <{graph}> is unchanged"
            )
        move = f"MOVE GRAPH <{staging}> TO GRAPH <{graph}>"
        store.update(move.encode(), f"replacing <{graph}>", idempotent=False)
    except BaseException as error:
        removed = store.drop_quietly(staging)
        if isinstance(error, PushError) and not removed:
            raise PushError(f"{error}; the next push to this graph removes what it left") from None
        raise


def _upload(
    store: _Store,
    payload: Payload,
    staging: str,
    method: str,
    settings: Settings,
    progress: Progress | None,
) -> None:
    endpoint = store.endpoint
    if method == "gsp":
        url = _graph_url(endpoint, staging)
        if endpoint.bulk_put:
            url += "&no_transaction"
        store.put(url, payload, progress, "uploading into the staging graph")
        return
    size = settings.batch_size or endpoint.batch_size
    sent = done = 0
    for batch, lines in _batches(payload.data, size):
        text = b"INSERT DATA { GRAPH <%s> {\n%s} }\n" % (staging.encode(), batch)
        store.update(text, f"inserting triples {done + 1}-{done + lines} into the staging graph")
        done += lines
        sent += len(batch)
        if progress is not None:
            progress(sent, payload.size)


def _result(
    payload: Payload,
    endpoint: Endpoint,
    graph: str,
    method: str,
    credentials: Credentials | None,
    **extra: Any,
) -> PushResult:
    return PushResult(
        graph=graph,
        triples=payload.count,
        size=payload.size,
        method=method,
        endpoint=endpoint,
        source=payload.source,
        credentials=f"from {credentials.source}" if credentials else "none",
        **extra,
    )


def push(
    endpoint: str,
    graph: str,
    *,
    preset: str = "generic",
    method: str = "gsp",
    data: Path | str | None = None,
    file: Path | str | None = None,
    base: str | None = None,
    query_url: str | None = None,
    update_url: str | None = None,
    gsp_url: str | None = None,
    dry_run: bool = False,
    settings: Settings | None = None,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> PushResult:
    """Validate, then push: the one call behind `kg push`.

    Usage errors come first (exit 2), then validation (exit 1, nothing sent), then the
    network. With `dry_run`, nothing is sent and the result describes the plan.
    """
    _check_url(endpoint)
    _check_graph(graph)
    credentials = find_credentials(endpoint, environ)
    store = endpoint_for(
        endpoint,
        preset,
        query_url=query_url,
        update_url=update_url,
        gsp_url=gsp_url,
        authenticated=credentials is not None,
    )
    if settings is not None and settings.batch_size:
        store = dataclasses.replace(store, batch_size=settings.batch_size)
    _check_method(store, method)
    payload = load_payload(data, file, base)
    if dry_run:
        return _result(payload, store, graph, method, credentials, dry_run=True)
    return push_payload(
        payload,
        store,
        graph,
        method=method,
        credentials=credentials,
        settings=settings,
        progress=progress,
    )
