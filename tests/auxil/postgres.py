"""A throwaway PostgreSQL server for tests, on a free 127.0.0.1 port.

The cluster lives in a temporary folder for one test session and is stopped at
its end. ``initdb`` refuses to run as root, so under root the server runs as an
unprivileged user (``postgres`` where the Debian package made one, else
``nobody``) through ``runuser``. Without PostgreSQL's binaries the tests that need
it are skipped, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from bot.cluster.postgres import BINARIES, SUPERUSER, as_user, unprivileged_user
from tests.auxil.servers import free_port

# Speed over durability: the cluster is thrown away after the session.
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c max_connections=200"
)


@dataclass
class PostgresServer:
    """A running cluster: ``url(name)`` for a database, ``create``/``drop`` databases."""

    root: Path
    port: int
    run_as: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @classmethod
    def start(cls) -> PostgresServer:
        """initdb a cluster in a new temporary folder and start it."""
        root = Path(tempfile.mkdtemp(prefix="frontline-pg-"))
        user = unprivileged_user()
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(root, entry.pw_uid, entry.pw_gid)
        server = cls(root=root, port=free_port(), run_as=as_user(user))
        try:
            server._pg(
                "initdb", "-D", str(server.data), "-U", SUPERUSER, "--auth=trust",
                "-E", "UTF8", "--no-locale", "--no-sync",
            )  # fmt: skip
            options = f"{SERVER_OPTIONS} -p {server.port} -c unix_socket_directories={root}"
            server._pg(
                "pg_ctl", "start", "-D", str(server.data), "-l", str(root / "server.log"),
                "-w", "-t", "60", "-o", options,
            )  # fmt: skip
        except subprocess.CalledProcessError as error:
            log = root / "server.log"
            detail = log.read_text() if log.exists() else ""
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(f"PostgreSQL did not start: {error.stderr}\n{detail}") from error
        return server

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are ended) and remove the cluster."""
        try:
            self._pg("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create(self, database: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        self._admin(f'CREATE DATABASE "{database}"')
        return self.url(database)

    def drop(self, database: str) -> None:
        """Drop a database, ending any connection a test's engine still holds."""
        self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres"
        )
        try:
            connection.autocommit = True  # CREATE and DROP DATABASE refuse transactions
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def _pg(self, *command: str) -> None:
        subprocess.run(
            [*self.run_as, *command], check=True, capture_output=True, text=True, cwd=self.root
        )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server, started on first use."""
    missing = [name for name in BINARIES if shutil.which(name) is None]
    if missing:
        message = f"PostgreSQL binaries not on PATH: {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI must run the PostgreSQL tests: install postgresql)")
        pytest.skip(message)
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of the session's ``frontline`` database (shared by every test using it)."""
    return postgres_server.create("frontline")


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new empty database for one test, dropped after it."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create(name)
    yield url
    postgres_server.drop(name)
