"""``frontline cluster run``: PostgreSQL, Redis, Rasa replicas, action servers, HAProxy.

Prepares what the first start needs (PostgreSQL's data folder, the ``frontline``
database with Frontline's and Rasa's tables), writes the Procfile and HAProxy's
configuration under ``--dir``, and hands everything to ``frontline supervise``, which
restarts any process that stops. Ctrl-C stops them all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from bot.cluster import postgres
from bot.cluster.layout import Layout

ENGINES = {"postgres": "PostgreSQL 15", "redis-server": "redis-server", "haproxy": "haproxy"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, default=Path("var/cluster"), help="state folder")
    parser.add_argument("--port", type=int, default=5005, help="the one port customers use")
    parser.add_argument("--actions-port", type=int, default=5055, help="the action servers' door")
    parser.add_argument("--replicas", type=int, default=2, help="Rasa servers")
    parser.add_argument("--action-servers", type=int, default=2, help="action servers")
    parser.add_argument("--postgres-port", type=int, default=5433)
    parser.add_argument("--redis-port", type=int, default=6380)
    parser.add_argument(
        "--api-token", default="", help="switch on Rasa's HTTP API behind this token"
    )
    parser.add_argument("--actions-command", default="", help=argparse.SUPPRESS)  # tests
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    missing = [label for binary, label in ENGINES.items() if shutil.which(binary) is None]
    if missing:
        print(
            f"ERROR   missing: {', '.join(missing)}. On Debian: apt-get install redis-server "
            "haproxy (PostgreSQL 15: apt-get install postgresql-15, with its bin/ on PATH)",
            file=sys.stderr,
        )
        return 1
    layout = Layout(
        root=args.dir.resolve(),
        port=args.port,
        actions_port=args.actions_port,
        replicas=args.replicas,
        action_servers=args.action_servers,
        postgres_port=args.postgres_port,
        redis_port=args.redis_port,
        frontline=_frontline(),
        actions_command=args.actions_command,
        api_token=args.api_token,
    )
    procfile = prepare(layout)
    os.environ.update(layout.environment())
    print(f"""
  Frontline cluster: {layout.replicas} Rasa servers, {layout.action_servers} action servers,
  PostgreSQL on :{layout.postgres_port}, Redis on :{layout.redis_port}, HAProxy on :{layout.port}.
  State in {layout.root}.

  Chat in your browser:  http://localhost:{layout.port}/chat
  Agents' inbox:         http://localhost:{layout.port}/agent
  Stop with Ctrl-C.
""")
    from bot.supervise.cli import run as supervise

    return supervise(
        argparse.Namespace(
            procfile=procfile, env=Path(".env"), max_restarts_per_minute=5, stop_timeout=20.0
        )
    )


def prepare(layout: Layout) -> Path:
    """PostgreSQL's data folder and database on the first start; the Procfile and
    HAProxy's configuration on every start. Returns the Procfile's path."""
    user = postgres.unprivileged_user()
    data = layout.root / "postgres" / "data"
    if postgres.initdb(data, user=user):
        print(f"  First start: PostgreSQL cluster created in {data}; creating the database.")
        postgres.pg_ctl(data, "start", port=layout.postgres_port, user=user)
        try:
            _create_database(layout)
        finally:
            postgres.pg_ctl(data, "stop", port=layout.postgres_port, user=user)
    redis_dir = layout.root / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    endpoints = Path("endpoints.yml").read_text(encoding="utf-8")
    (layout.root / "endpoints.yml").write_text(layout.endpoints(endpoints), encoding="utf-8")
    haproxy_cfg = layout.root / "haproxy.cfg"
    haproxy_cfg.write_text(layout.haproxy_config(), encoding="utf-8")
    procfile = layout.root / "Procfile"
    procfile.write_text(
        layout.procfile(
            postgres=postgres.server_command(data, port=layout.postgres_port, user=user),
            redis=_redis_command(layout.redis_port, redis_dir),
            haproxy=["haproxy", "-db", "-f", str(haproxy_cfg)],
        ),
        encoding="utf-8",
    )
    return procfile


def _frontline() -> str:
    """This installation's ``frontline``, also when its folder is not on PATH."""
    beside = Path(sys.executable).parent / "frontline"
    return str(beside) if beside.exists() else "frontline"


def _redis_command(port: int, folder: Path) -> list[str]:
    # Locks and socket.io messages are short-lived: nothing to persist.
    options = ["--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder)]
    return ["redis-server", *options, "--save", "", "--appendonly", "no"]


def _create_database(layout: Layout) -> None:
    """The ``frontline`` database with Frontline's tables (Alembic) and Rasa's, made once
    here so that the replicas do not race to create them."""
    import psycopg2

    connection = psycopg2.connect(
        host="127.0.0.1", port=layout.postgres_port, user=postgres.SUPERUSER, dbname="postgres"
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE frontline")
    finally:
        connection.close()
    from rasa.core.tracker_store import SQLTrackerStore

    from bot.store.migrate import upgrade

    upgrade(layout.database_url)
    SQLTrackerStore(dialect="postgresql", host=layout.database_url)
