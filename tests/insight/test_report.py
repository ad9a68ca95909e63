"""``frontline report`` on seeded traffic: the figures, the CSV and the HTML say what
happened, exactly (issue 14)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.cli import main
from bot.eval.traffic import Truth, generate, start_of_period, write
from bot.settings import get_settings
from bot.store.db import create_database
from bot.store.engine import connect


@pytest.fixture
def traffic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Truth]:
    tracker, frontline = f"sqlite:///{tmp_path / 'tracker.db'}", f"sqlite:///{tmp_path / 'fl.db'}"
    start = start_of_period(datetime.now(timezone.utc)) + timedelta(days=4)
    truth = write(
        generate(conversations=600, seed=3, start=start, days=7),
        tracker=connect(tracker),
        frontline=create_database(frontline),
    )
    # The traffic's business hours are Monday to Friday 09:00-17:00 UTC.
    hours = tmp_path / "hours.yml"
    hours.write_text(
        "timezone: UTC\nresponse_time_minutes: 60\nweekly:\n"
        + "".join(
            f"  {d}: ['09:00-17:00']\n"
            for d in ("monday", "tuesday", "wednesday", "thursday", "friday")
        )
        + "  saturday: []\n  sunday: []\n",
        encoding="utf-8",
    )
    for name, value in (
        ("FRONTLINE_TRACKER_STORE_URL", tracker),
        ("FRONTLINE_DATABASE_URL", frontline),
        ("FRONTLINE_HOURS_FILE", str(hours)),
    ):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield truth
    get_settings.cache_clear()


def test_the_report_reproduces_the_true_figures_exactly(
    traffic: Truth, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert main(["report", "--since", "21d", "--out", str(out), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)

    expected = traffic.figures()
    assert expected["handoff_reasons"]["missing_knowledge"] > 0 and expected["reopened"] > 0
    for key, value in expected.items():
        if key == "entries":
            got = {
                r["id"]: {
                    "conversations": r["conversations"],
                    "resolution_rate": r["resolution_rate"],
                }
                for r in figures["entries"]
            }
            assert got == value
        elif key == "human":
            assert {k: figures["human"][k] for k in value} == value
        else:
            assert figures[key] == value, key
    # Rates are shares of one outcome per conversation window: they cannot exceed 100%.
    assert sum(
        figures[f"{o}_rate"] for o in ("automated_resolution", "handoff", "abandoned", "no_answer")
    ) == pytest.approx(1, abs=1e-3)


def test_the_csv_has_one_row_per_conversation_window(
    traffic: Truth, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert main(["report", "--since", "21d", "--out", str(out)]) == 0
    with (out / "conversations.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    assert len(rows) == len(traffic.outcomes)
    true = sorted((r["sender_id"], r["outcome"], r["reason"]) for r in traffic.outcomes)
    assert sorted((r["sender_id"], r["outcome"], r["handoff_reason"]) for r in rows) == true
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 4  # self-contained: the plots are inside
    assert "Answers that don&#x27;t help" in html or "Answers that don't help" in html


def test_a_period_without_conversations_is_reported_as_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FRONTLINE_TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'fl.db'}")
    get_settings.cache_clear()
    try:
        assert main(["report", "--out", str(tmp_path / "r"), "--json"]) == 0
    finally:
        get_settings.cache_clear()
    assert json.loads(capsys.readouterr().out)["conversations"] == 0


def test_a_bad_period_is_refused_with_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--since", "a week"])
    assert "not a period like 7d" in capsys.readouterr().err
