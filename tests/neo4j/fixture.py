"""pytest fixtures giving tests a real Neo4j 5.26 server (see tests/neo4j/README.md).

Fixtures
--------
``neo4j_server`` (session scope)
    A :class:`Neo4jServer` with ``.uri``, ``.user``, ``.password``, ``.database`` and the
    helpers ``driver()``, ``clean()``, ``stop()`` and ``start()``.

    * If ``NEO4J_URI`` is set, that server is used (``NEO4J_USERNAME`` default ``neo4j``,
      ``NEO4J_PASSWORD`` default ``mentornet-test``, ``NEO4J_DATABASE`` default ``neo4j``);
      ``stop()``/``start()`` then skip the calling test.
    * Otherwise a server is started with ``tests/neo4j/start PORT HOME`` on a free port and
      a temporary home, with a new random password (``MENTORNET_NEO4J_PASSWORD`` if set),
      and terminated (SIGTERM) at the end of the session. Two servers never share credentials.
    * If ``java`` or ``mvn`` is missing the requesting tests are skipped with the reason,
      or fail instead when ``MENTORNET_REQUIRE_NEO4J=1``. A server that fails to start
      always fails the tests, with the start script's output and the end of Neo4j's
      debug.log in the message.

``neo4j_clean`` (module scope)
    The same server after ``clean()``: no nodes, relationships, constraints or indexes
    (token lookup indexes are kept).

Wiring it up in ``tests/conftest.py`` (the root conftest; ``pytest_plugins`` is only
allowed there)::

    import sys
    from pathlib import Path

    _ROOT = str(Path(__file__).resolve().parent.parent)
    if _ROOT not in sys.path:
        sys.path.insert(0, _ROOT)

    pytest_plugins = ["tests.neo4j.fixture"]

``from tests.neo4j.fixture import neo4j_server, neo4j_clean`` in conftest.py works too
(after the same ``sys.path`` lines). Any number of such definitions share one server
through a module-level registry, so tests/neo4j/test_neo4j_server.py can name this module
in its own ``pytest_plugins`` whatever conftest does. The marker PYTEST_DONT_REWRITE below
keeps pytest from warning (an error under ``filterwarnings = error``) when a conftest
imported this module before it is registered as a plugin: PYTEST_DONT_REWRITE

Keep ``tests/neo4j/`` free of ``__init__.py``: ``tests/`` has none, so with pytest's default
import mode an ``__init__.py`` here would make ``tests/neo4j`` importable as a top-level
package named ``neo4j``, shadowing the Neo4j driver. Without it, ``tests`` and
``tests.neo4j`` are namespace packages and ``import neo4j`` still finds the driver.

This module imports nothing from the driver at import time, so importing it never fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

__all__ = ["Neo4jServer", "neo4j_server", "neo4j_clean", "DEFAULT_PASSWORD", "START_SCRIPT"]

HERE = Path(__file__).resolve().parent
START_SCRIPT = HERE / "start"
DEFAULT_USER = "neo4j"
DEFAULT_PASSWORD = "mentornet-test"
DEFAULT_DATABASE = "neo4j"

#: Seconds to wait for the start script's ready line; the first start builds with Maven
#: and downloads the Neo4j jars into ~/.m2.
START_TIMEOUT = float(os.environ.get("MENTORNET_NEO4J_START_TIMEOUT", "300"))
#: Seconds to wait for a clean shutdown after SIGTERM before killing the process.
STOP_TIMEOUT = 120.0
#: Nodes deleted per transaction by clean().
CLEAN_BATCH = 10_000


def _require_neo4j() -> bool:
    return os.environ.get("MENTORNET_REQUIRE_NEO4J", "").strip() == "1"


def _skip_or_fail(reason: str) -> None:
    """Skip with *reason*, or fail when MENTORNET_REQUIRE_NEO4J=1."""
    if _require_neo4j():
        pytest.fail(f"{reason} (MENTORNET_REQUIRE_NEO4J=1)", pytrace=False)
    pytest.skip(reason)


def _missing_tools() -> Optional[str]:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        return (
            "a real Neo4j is needed but " + " and ".join(missing)
            + (" is" if len(missing) == 1 else " are")
            + " not on PATH (install Java 17+ and Maven, or set NEO4J_URI)"
        )
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, max_chars: int = 4000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-max_chars:]


def _quote_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class Neo4jServer:
    """A Neo4j server for tests: either started here (managed) or given by NEO4J_URI."""

    def __init__(
        self,
        uri: str,
        user: str = DEFAULT_USER,
        password: str = DEFAULT_PASSWORD,
        database: str = DEFAULT_DATABASE,
        *,
        port: Optional[int] = None,
        home: Optional[Path] = None,
        workdir: Optional[Path] = None,
    ) -> None:
        self.uri = uri
        self.user = user
        self.password = password
        self.database = database
        self.port = port
        #: Neo4j's home (data and logs) for a managed server, else None.
        self.home = home
        self._workdir = workdir
        self._proc: Optional[subprocess.Popen] = None
        self._log_path: Optional[Path] = None
        self._starts = 0

    # -- construction -------------------------------------------------------------------

    @classmethod
    def external(cls) -> "Neo4jServer":
        """The server named by NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE."""
        return cls(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USERNAME") or DEFAULT_USER,
            os.environ.get("NEO4J_PASSWORD") or DEFAULT_PASSWORD,
            os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
        )

    @classmethod
    def managed(cls, port: Optional[int] = None) -> "Neo4jServer":
        """A server to be started by tests/neo4j/start on *port* with a fresh temp home."""
        port = port or _free_port()
        workdir = Path(tempfile.mkdtemp(prefix="mentornet-neo4j-"))
        return cls(
            f"bolt://127.0.0.1:{port}",
            DEFAULT_USER,
            os.environ.get("MENTORNET_NEO4J_PASSWORD") or secrets.token_urlsafe(18),
            DEFAULT_DATABASE,
            port=port,
            home=workdir / "home",
            workdir=workdir,
        )

    @property
    def is_managed(self) -> bool:
        return self._workdir is not None

    @property
    def auth(self) -> tuple:
        return (self.user, self.password)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __repr__(self) -> str:
        kind = "managed" if self.is_managed else "external"
        return f"<Neo4jServer {kind} {self.uri} user={self.user!r}>"

    # -- driver helpers -----------------------------------------------------------------

    def driver(self, **kwargs: Any):
        """A new neo4j.Driver for this server; close it (use it as a context manager)."""
        import neo4j

        return neo4j.GraphDatabase.driver(self.uri, auth=self.auth, **kwargs)

    def clean(self) -> None:
        """Delete all nodes and relationships (in batches), then all constraints and indexes."""
        with self.driver() as driver:
            with driver.session(database=self.database) as session:
                # Batches keep each transaction's memory bounded; plain Cypher that works on
                # every Neo4j 4.4+/5.x (no CALL-subquery syntax differences).
                while True:
                    record = session.run(
                        "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted",
                        batch=CLEAN_BATCH,
                    ).single()
                    if record is None or record["deleted"] == 0:
                        break
                for record in list(session.run("SHOW CONSTRAINTS YIELD name")):
                    session.run(f"DROP CONSTRAINT {_quote_name(record['name'])} IF EXISTS").consume()
                # Token lookup indexes are built in and used by every label/type scan: keep them.
                for record in list(session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")):
                    session.run(f"DROP INDEX {_quote_name(record['name'])} IF EXISTS").consume()

    # -- lifecycle (managed servers only) ------------------------------------------------

    def _require_managed(self, what: str) -> None:
        if not self.is_managed:
            pytest.skip(f"{what}() is not supported for the external server NEO4J_URI={self.uri}")

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start (or restart) the server on the same port and home; waits until usable."""
        self._require_managed("start")
        if self.running:
            return
        assert self._workdir is not None and self.home is not None and self.port is not None
        self._starts += 1
        self._log_path = self._workdir / f"start-{self._starts}.log"
        env = dict(os.environ)
        # The server shuts itself down if this test process dies without stopping it.
        env["MENTORNET_NEO4J_WATCH_PID"] = str(os.getpid())
        env["MENTORNET_NEO4J_PASSWORD"] = self.password
        with open(self._log_path, "wb") as log:
            self._proc = subprocess.Popen(
                [str(START_SCRIPT), str(self.port), str(self.home)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=str(HERE),
                env=env,
                start_new_session=True,  # a Ctrl-C in the terminal is handled by stop()
            )
        try:
            self._wait_ready(time.monotonic() + timeout, timeout)
        except BaseException:
            self._terminate()
            raise

    def _wait_ready(self, deadline: float, timeout: float) -> None:
        assert self._proc is not None and self._log_path is not None
        ready = f"bolt://127.0.0.1:{self.port}"
        while ready not in _tail(self._log_path, 1_000_000):
            if self._proc.poll() is not None:
                self._fail_start(f"tests/neo4j/start exited with code {self._proc.returncode}")
            if time.monotonic() > deadline:
                self._fail_start(f"no '{ready}' line within {timeout:.0f} s")
            time.sleep(0.1)

        import neo4j.exceptions

        last: Optional[BaseException] = None
        while time.monotonic() < deadline:
            try:
                with self.driver(connection_timeout=5.0) as driver:
                    driver.verify_connectivity()
                return
            except neo4j.exceptions.AuthError:
                raise
            except Exception as exc:  # ServiceUnavailable and friends: retry
                last = exc
                if self._proc.poll() is not None:
                    break
                time.sleep(0.2)
        self._fail_start(f"the Bolt line appeared but the driver could not connect: {last!r}")

    def start_output(self) -> str:
        """What the start script printed for the latest start (stdout and stderr)."""
        return _tail(self._log_path, 1_000_000) if self._log_path else ""

    def _fail_start(self, what: str) -> None:
        assert self._log_path is not None
        parts = [f"Neo4j test server did not start: {what}", f"command: {START_SCRIPT} {self.port} {self.home}"]
        parts.append("--- start script output (tail) ---\n" + _tail(self._log_path))
        if self.home is not None:
            debug = _tail(self.home / "logs" / "debug.log", 3000)
            if debug:
                parts.append(f"--- {self.home / 'logs' / 'debug.log'} (tail) ---\n" + debug)
        raise RuntimeError("\n".join(parts))

    def stop(self) -> None:
        """Stop the server cleanly (SIGTERM) and wait; its data stays for start()."""
        self._require_managed("stop")
        self._terminate()

    def _terminate(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # The start script execs java, so normally this signals the JVM alone; during the
        # first build it also reaches Maven (start_new_session made proc a group leader).
        def signal_group(sig: int) -> None:
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass

        if proc.poll() is None:
            signal_group(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                signal_group(signal.SIGKILL)
                proc.wait()
        else:
            proc.wait()

    def close(self) -> None:
        """Stop a managed server and remove its temporary home (unless MENTORNET_KEEP_NEO4J_HOME=1)."""
        if not self.is_managed:
            return
        self._terminate()
        if os.environ.get("MENTORNET_KEEP_NEO4J_HOME", "").strip() != "1" and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)


# One server per test process, even if the fixture ends up defined twice.
_SERVER: Optional[Neo4jServer] = None
_SERVER_ERROR: Optional[str] = None


def _get_server() -> Neo4jServer:
    global _SERVER, _SERVER_ERROR
    if _SERVER is not None:
        return _SERVER
    if _SERVER_ERROR is not None:  # don't retry a failed start for every test
        pytest.fail(_SERVER_ERROR, pytrace=False)
    if os.environ.get("NEO4J_URI"):
        _SERVER = Neo4jServer.external()
        return _SERVER
    reason = _missing_tools()
    if reason:
        _skip_or_fail(reason)
    error = None
    for _attempt in range(2):
        server = Neo4jServer.managed()
        try:
            server.start()
        except Exception as exc:
            error = str(exc)
        except BaseException:
            server.close()
            raise
        else:
            _SERVER = server
            return server
        in_use = "address already in use" in server.start_output().lower()
        server.close()
        if not in_use:  # else the free port was taken meanwhile: try another one
            break
    _SERVER_ERROR = error
    pytest.fail(error or "Neo4j test server did not start", pytrace=False)


def _release_server() -> None:
    global _SERVER
    server, _SERVER = _SERVER, None
    if server is not None:
        server.close()


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    """A running Neo4j server for the whole test session (see module docstring)."""
    server = _get_server()
    try:
        yield server
    finally:
        _release_server()


@pytest.fixture(scope="module")
def neo4j_clean(neo4j_server: Neo4jServer) -> Iterator[Neo4jServer]:
    """The session's Neo4j server, emptied (data, constraints, indexes) for this module."""
    if neo4j_server.is_managed and not neo4j_server.running:
        neo4j_server.start()  # a previous module may have left it stopped
    neo4j_server.clean()
    yield neo4j_server
