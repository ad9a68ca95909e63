"""``frontline incident`` (bot/crisis/cli.py) end to end on a real database: open, approve,
link, update, resolve, list and show with the audit trail; refusals exit 1 with a reason."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.cli import main
from bot.settings import get_settings
from bot.store.db import create_database, session_factory
from bot.store.incidents import Incidents
from bot.store.tickets import Tickets
from tests.auxil.incidents import FOLLOW_UP, STATEMENT, UPDATE, ticket

WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"


@pytest.fixture
def database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The command's database, with customers writing English and German."""
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", database_url)
    monkeypatch.setenv("FRONTLINE_LANGUAGES", '["en", "de"]')
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["incident", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def texts(flag: str, values: dict[str, str]) -> list[str]:
    return [part for language, text in values.items() for part in (flag, f"{language}={text}")]


def test_open_approve_link_update_resolve_and_show_the_audit(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "open", "--title", "Sign-in fails", "--topic", "keywords:outage",
        "--statement", f"en={STATEMENT['en']}", "--by", "ana",
    )  # fmt: skip
    assert code == 0 and "still needed before approval: de" in out
    [incident_id] = re.findall(r"opened (\w+) \(draft\)", out)

    code, _, err = run(capsys, "approve", incident_id, "--by", "ben")
    assert code == 1 and "the statement has no text in de" in err
    assert f"frontline incident edit {incident_id} --statement LANG=TEXT" in err

    code, out, _ = run(
        capsys, "edit", incident_id, "--statement", f"de={STATEMENT['de']}", "--by", "ana"
    )
    assert code == 0 and f"approve with: frontline incident approve {incident_id}" in out
    assert run(capsys, "approve", incident_id, "--by", "ben")[0] == 0

    engine = create_database(database)
    sessions = session_factory(engine)
    linked = ticket(Tickets(sessions=sessions), "tg-1", channel="telegram", language="de")
    incidents = Incidents(sessions=sessions, languages=("en", "de"), default_language="en")
    incidents.told(incident_id, sender_id="web-abc", channel="web", language="en")
    incidents.told(incident_id, sender_id="tg-1", channel="telegram", language="de")

    assert run(capsys, "link", incident_id, linked.id, "--by", "cem")[0] == 0
    code, out, _ = run(capsys, "update", incident_id, *texts("--text", UPDATE), "--by", "ana")
    assert code == 0 and "posted" in out
    code, out, _ = run(
        capsys, "resolve", incident_id, *texts("--follow-up", FOLLOW_UP), "--by", "ben"
    )
    assert code == 0 and "the follow-up goes to its subscribers" in out

    code, out, _ = run(capsys, "list")
    assert code == 0
    assert re.search(rf"{incident_id}  resolved  keywords:outage  Sign-in fails  \(opened {WHEN} "
                     r"by ana; approved by ben\)", out)  # fmt: skip

    code, out, _ = run(capsys, "show", incident_id)
    assert code == 0
    for line in (
        rf"approved:  {WHEN} by ben",
        rf"resolved:  {WHEN} by ben",
        rf"  de: {re.escape(STATEMENT['de'])}",
        rf"update \w+ \({WHEN} by ana\):",
        rf"  en: {re.escape(FOLLOW_UP['en'])}",
        rf"linked tickets: {linked.id}",
        rf"  {WHEN}  ana +opened \(keywords:outage, notify opted_in\)",
        rf"  {WHEN}  ana +edited the statement in de",
        rf"  {WHEN}  ben +approved",
        rf"  {WHEN}  cem +linked ticket {linked.id}",
        rf"  {WHEN}  ana +update \w+",
        rf"  {WHEN}  ben +resolved",
        r"  statement_sent: 2 conversations",
    ):
        assert re.search(f"^{line}$", out, re.MULTILINE), (line, out)

    code, out, _ = run(capsys, "show", incident_id, "--every")
    assert re.search(rf"{WHEN}  frontline +statement_sent tg-1 \(telegram, de\)", out)
    assert "web-abc" not in out  # a widget conversation's id is its session key
    engine.dispose()


def test_refusals_exit_1_with_the_reason(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "nope")
    assert (code, err) == (1, "frontline incident: no incident nope\n")
    code, _, err = run(
        capsys, "open", "--title", "Outage", "--topic", "outage", "--statement", "en=Hi",
        "--by", "ana",
    )  # fmt: skip
    assert code == 1 and "not a topic key" in err
    code, _, err = run(
        capsys, "open", "--title", "Outage", "--topic", "keywords:outage",
        "--statement", "en=Hi", "--statement", "en=Hello", "--by", "ana",
    )  # fmt: skip
    assert code == 1 and "en is given twice" in err
    assert run(capsys, "list")[1] == "no incidents\n"


def test_a_text_must_be_lang_equals_text(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["incident", "update", "abc", "--text", "We are on it", "--by", "ana"])
    assert stopped.value.code == 2
    assert "expected LANG=TEXT" in capsys.readouterr().err
