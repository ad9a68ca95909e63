"""Migrations (bot/store/migrate.py) on SQLite and PostgreSQL: from empty, adopting a
database ``create_all`` made before migrations, twice in a row, two processes at once,
and always exactly the schema of bot/store/models.py."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.settings import get_settings
from bot.store.db import create_database, session_factory
from bot.store.deliveries import Claim, DeliveryLog
from bot.store.migrate import alembic_config, head, revision, upgrade
from bot.store.models import Base, TicketRow, UnansweredQuestion
from bot.store.unanswered import UnansweredLog

ROOT = Path(__file__).resolve().parents[2]
FRONTLINE_TABLES = set(Base.metadata.tables)


def schema_diff(engine: Engine) -> list[object]:
    """What ``alembic check`` would report: the database against the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def record_question(engine: Engine, text: str) -> None:
    UnansweredLog(sessions=session_factory(engine)).record(
        text=text, language="en", channel="web", conversation_id="c1", candidates=[]
    )


def questions(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(UnansweredQuestion.text)))


def test_an_empty_database_gets_every_table_at_the_newest_revision(database_url: str) -> None:
    upgrade(database_url)

    engine = create_engine(database_url, future=True)
    assert table_names(engine) == FRONTLINE_TABLES | {"alembic_version"}
    assert revision(database_url) == head() == "0004"
    engine.dispose()


def test_the_migrations_make_exactly_the_models_schema(database_url: str) -> None:
    engine = create_database(database_url)

    assert schema_diff(engine) == []


def test_a_database_made_by_create_all_is_adopted_with_its_rows(database_url: str) -> None:
    engine = create_engine(database_url, future=True)
    Base.metadata.create_all(engine)
    record_question(engine, "Do you ship to Mars?")

    upgrade(database_url)

    assert revision(database_url) == head()
    assert questions(engine) == ["Do you ship to Mars?"]
    assert schema_diff(engine) == []
    engine.dispose()


def test_an_older_frontline_database_gets_only_the_tables_it_lacks(database_url: str) -> None:
    engine = create_engine(database_url, future=True)
    older = [t for name, t in Base.metadata.tables.items() if name != "turn_results"]
    Base.metadata.create_all(engine, tables=older)
    record_question(engine, "Where is my parcel?")

    upgrade(database_url)

    assert table_names(engine) == FRONTLINE_TABLES | {"alembic_version"}
    assert questions(engine) == ["Where is my parcel?"]
    assert schema_diff(engine) == []
    engine.dispose()


def test_a_second_upgrade_changes_nothing(database_url: str) -> None:
    engine = create_database(database_url)
    record_question(engine, "Can I pay in gold?")

    upgrade(database_url)
    again = create_database(database_url)

    assert revision(database_url) == head()
    assert questions(again) == ["Can I pay in gold?"]
    with again.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(TicketRow)) == 0


def test_the_migrations_go_down_and_up_again(database_url: str) -> None:
    engine = create_database(database_url)
    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), "base")
        connection.commit()
    assert table_names(engine) == {"alembic_version"}

    upgrade(database_url)

    assert schema_diff(engine) == [] and revision(database_url) == head()


def test_deliveries_handled_before_two_phase_claims_stay_handled(database_url: str) -> None:
    engine = create_database(database_url)
    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), "0001")
        connection.execute(
            text("INSERT INTO channel_deliveries (channel, key, received_at) VALUES (:c, :k, :t)"),
            {"c": "telegram", "k": "41", "t": datetime.now(timezone.utc)},
        )
        connection.commit()

    upgrade(database_url)

    log = DeliveryLog(sessions=session_factory(engine))
    assert log.claim("telegram", "41") is Claim.DONE  # not a dead process's running claim
    assert schema_diff(engine) == []


RACER = """
import sys, time
from pathlib import Path
from bot.store.migrate import upgrade
folder, me, url = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
(folder / me).touch()
deadline = time.monotonic() + 60
while len(list(folder.iterdir())) < 3 and time.monotonic() < deadline:
    time.sleep(0.005)
upgrade(url)
"""


def test_processes_starting_together_migrate_once(database_url: str, tmp_path: Path) -> None:
    """The Rasa server, the action server and a command may all start at once."""
    ready = tmp_path / "ready"
    ready.mkdir()
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(ready), name, database_url],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("rasa", "actions", "cli")
    ]
    errors = [racer.communicate(timeout=120)[1] for racer in racers]

    assert [racer.returncode for racer in racers] == [0, 0, 0], errors
    assert revision(database_url) == head()
    assert schema_diff(create_engine(database_url, future=True)) == []


def test_frontline_db_upgrade_says_where_it_started_and_ended(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["db", "upgrade"]) == 0
        first = capsys.readouterr().out
        assert main(["db", "upgrade"]) == 0
        second = capsys.readouterr().out
    finally:
        get_settings.cache_clear()

    assert "before:   none\nafter:    0004 (the newest)" in first
    assert "before:   0004\nafter:    0004 (the newest)" in second
