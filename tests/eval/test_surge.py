"""``frontline eval surge`` on a tiny generated trace, and the scoring rules behind it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.cli import main
from bot.crisis.rules import SurgeRules
from bot.crisis.topics import Topic
from bot.eval.surge import Fired, FixedThreshold, Incident, incidents_of, score
from bot.eval.surge_trace import TraceRow, read_trace, write_trace

START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
INCIDENT = START + timedelta(days=10, hours=10)
UNLABELLED_SPIKE = START + timedelta(days=12, hours=15)
OUTAGE = Topic("keywords", "outage")
CONFIG = """\
version: 1
surge: {timezone: UTC, baseline_weeks: 1, z: 5, min_count: 5, cooldown_minutes: 60}
topics:
  - id: outage
    keywords: {en: [down]}
"""


def tiny_trace() -> list[TraceRow]:
    """Two weeks: one 'down' message at :05, :20, :35 and :50 of every hour plus chatter;
    an incident of 12 messages one a minute from day 10, 10:00:30; an unlabelled spike of
    12 on day 12 at 15:00:30."""
    rows = []
    for window in range(14 * 96):
        at = START + timedelta(minutes=15 * window + 5)
        rows.append(TraceRow(at, "is the app down?", channel="web", language="en"))
        rows.append(TraceRow(at + timedelta(minutes=3), "opening hours?", channel="telegram"))
    for number in range(12):
        at = INCIDENT + timedelta(seconds=30 + 60 * number)
        rows.append(TraceRow(at, "the site is down, order 1234567", "I1", "slack", "en"))
        spike = UNLABELLED_SPIKE + timedelta(seconds=30 + 60 * number)
        rows.append(TraceRow(spike, "site down again"))
    return rows


def test_eval_surge_prints_and_writes_the_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace, config, out = tmp_path / "trace.csv", tmp_path / "crisis.yml", tmp_path / "out.json"
    write_trace(trace, tiny_trace())
    config.write_text(CONFIG, encoding="utf-8")
    argv = ["eval", "surge", "--trace", str(trace), "--json", str(out), "--config", str(config)]
    code = main([*argv, "--topics", "keywords", "--no-anger", "--naive", "30"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "detected               1 of 1 (100%)" in printed
    figures = json.loads(out.read_text(encoding="utf-8"))
    # The bar is 6 (baseline 1, spread 1: 1 + 5); the incident's 5 messages and the
    # ordinary one at 10:05 reach it 4.5 minutes after the incident's start.
    assert figures["alerts"] == 2
    assert figures["detected"] == 1
    assert figures["false_alarms"] == 1
    assert figures["false_alarms_per_week"] == pytest.approx(1 / figures["weeks_scored"], rel=0.01)
    assert figures["weeks_scored"] == pytest.approx(7 / 7 - 1 / (7 * 24), abs=0.01)
    assert figures["median_delay_min"] == 4.5
    assert figures["per_incident"][0]["topics"] == ["keywords:outage"]
    first = figures["alert_evidence"][0]
    assert first["topic"] == "keywords:outage" and first["count"] == 6
    assert first["examples"] == ["the site is down, order <number>", "is the app down?"]
    assert first["channels"] == {"slack": 5, "web": 1}
    assert figures["naive"]["alerts"] == 0  # 12 a window never reach 30


def test_a_malformed_trace_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "trace.csv"
    trace.write_text("timestamp,text\n2026-01-05T10:00:00Z,hi\nyesterday,hello\n", "utf-8")
    assert main(["eval", "surge", "--trace", str(trace), "--topics", "keywords", "--no-anger"]) == 1
    assert f"{trace}, line 3: 'yesterday' is not an ISO 8601 time" in capsys.readouterr().err
    trace.write_text("time,message\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected the columns timestamp,text"):
        read_trace(trace)


def test_an_incident_has_the_topics_of_at_least_a_quarter_of_its_messages() -> None:
    table = {
        "card declined": (Topic("faq", "declined"), OUTAGE),
        "card refused": (Topic("faq", "refused"),),
        "what?": (),
    }
    at = START
    rows = [TraceRow(at + timedelta(minutes=n), t, "I1") for n, t in enumerate(
        ["card declined"] * 5 + ["card refused"] * 2 + ["what?"] * 3
    )]  # fmt: skip
    (incident,) = incidents_of(rows, lambda text: table[text])
    assert incident.topics == (Topic("faq", "declined"), OUTAGE)
    assert (incident.start, incident.end, incident.messages) == (at, at + timedelta(minutes=9), 10)


def test_an_alert_after_the_incident_and_its_window_is_a_false_alarm() -> None:
    rules = SurgeRules()
    incident = Incident("I1", START, START + timedelta(hours=1), 50, (OUTAGE,))
    on_time = Fired(OUTAGE, START + timedelta(minutes=20))
    late = Fired(OUTAGE, START + timedelta(hours=1, minutes=16))
    elsewhere = Fired(Topic("faq", "fees"), START + timedelta(minutes=5))
    found = score(
        [on_time, late, elsewhere],
        [incident],
        armed_from=START - timedelta(weeks=1),
        last=START + timedelta(weeks=1),
        rules=rules,
    )
    assert found["detected"] == 1 and found["median_delay_min"] == 20
    assert [item["at"] for item in found["false_alarm_list"]] == [
        elsewhere.at.isoformat(),
        late.at.isoformat(),
    ]
    assert found["false_alarms_per_week"] == 1.0


def test_the_naive_detector_counts_per_window_with_the_same_cooldown() -> None:
    naive = FixedThreshold(threshold=3, rules=SurgeRules(cooldown_minutes=30))
    fired = [naive.observe(START + timedelta(minutes=m), [OUTAGE]) for m in (1, 2, 14, 16, 17, 18)]
    assert [len(f) for f in fired] == [0, 0, 1, 0, 0, 0]  # a new window starts at 15; cooldown
    later = [naive.observe(START + timedelta(minutes=m), [OUTAGE]) for m in (46, 47, 48)]
    assert [len(f) for f in later] == [0, 0, 1]


def test_an_alert_on_a_neighbouring_topic_during_an_incident_is_related_not_false() -> None:
    fees = Topic("faq", "fees")
    incident = Incident("I1", START, START + timedelta(hours=1), 50, (OUTAGE,), (fees,))
    found = score(
        [Fired(fees, START + timedelta(minutes=5)), Fired(fees, START + timedelta(hours=2))],
        [incident],
        armed_from=START,
        last=START + timedelta(weeks=1),
        rules=SurgeRules(),
    )
    assert (found["detected"], found["related_alerts"], found["false_alarms"]) == (0, 1, 1)


def test_a_topic_with_a_twentieth_of_the_incident_is_related() -> None:
    rows = [TraceRow(START + timedelta(minutes=n), "a" if n else "b", "I1") for n in range(20)]
    table = {"a": (OUTAGE,), "b": (Topic("faq", "fees"),)}
    (incident,) = incidents_of(rows, lambda text: table[text])
    assert (incident.topics, incident.related) == ((OUTAGE,), (Topic("faq", "fees"),))
