"""A real Oxigraph server for the tests: started on 127.0.0.1 at a free port, stopped by PID.

Real parts, not mocks: pushes and remote queries in the tests talk SPARQL 1.1 over HTTP to
the same server research groups run (`pip install oxigraph` provides it).
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OxigraphServer", "free_port"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class OxigraphServer:
    """`oxigraph serve` on a database folder; `start()` again reopens the same database."""

    location: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"

    def start(self, timeout: float = 20.0) -> OxigraphServer:
        binary = shutil.which("oxigraph")
        if binary is None:
            raise RuntimeError("the oxigraph server is not installed: pip install oxigraph")
        self.port = self.port or free_port()
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=1):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oxigraph did not answer on port {self.port} within {timeout} s")

    def stop(self, hard: bool = False) -> None:
        """Stop the server by its PID (SIGKILL when `hard`, to simulate a crash)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL if hard else signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None


# --- for the push tests (issue 5) ------------------------------------------------------------

__all__ += ["Answer", "FakeStore", "Recorded", "VirtuosoServer"]


@dataclass
class Recorded:
    """One request a FakeStore received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, dict[str, str], bytes]


class FakeStore:
    """A misbehaving store on 127.0.0.1: every request gets `answer(request)`.

    For what a real store will not do on demand: answer 401 or 500 every time, talk garbage,
    accept an upload and keep nothing. Runs in a thread; `stop()` shuts it down.
    """

    def __init__(self, answer: Callable[[Recorded], Answer]) -> None:
        self.answer = answer
        self.requests: list[Recorded] = []
        self.server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeStore:
        store = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_one(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Recorded(self.command, self.path, dict(self.headers.items()), body)
                store.requests.append(request)
                status, headers, content = store.answer(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60
[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerThreads = 5
MaxClientConnections = 5
Charset = UTF-8
[URIQA]
DefaultHost = 127.0.0.1:{port}
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@dataclass
class VirtuosoServer:
    """Virtuoso Open Source (Debian: `apt-get install virtuoso-opensource`) on a fresh database
    folder: HTTP and SQL ports free on 127.0.0.1, the dba password set, stopped by PID."""

    location: Path
    password: str
    port: int = 0
    sql_port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def missing() -> str | None:
        """Why Virtuoso cannot run here, or None."""
        for binary in ("virtuoso-t", "isql-vt"):
            if shutil.which(binary) is None:
                return f"{binary} not found: apt-get install virtuoso-opensource"
        return None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> VirtuosoServer:
        self.location.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.sql_port = self.sql_port or free_port()
        ini = self.location / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(db=self.location, port=self.port, sql_port=self.sql_port),
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            ["virtuoso-t", "+configfile", str(ini), "+foreground"],
            cwd=self.location,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        else:
            self.stop()
            raise RuntimeError(f"virtuoso did not answer on port {self.port} within {timeout} s")
        try:
            self.set_password()
        except BaseException:
            self.stop()
            raise
        return self

    def set_password(self) -> None:
        quoted = self.password.replace("'", "''")
        self.sql(f"USER_SET_PASSWORD('dba', '{quoted}');", password="dba")

    def sql(self, statement: str, password: str | None = None) -> str:
        """Run one statement through isql-vt as dba."""
        result = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", password or self.password],
            input=statement + "\n",
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        if "*** Error" in result.stdout:
            raise RuntimeError(f"isql-vt: {result.stdout.split('*** Error', 1)[1].strip()}")
        return result.stdout

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None
