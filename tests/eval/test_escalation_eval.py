"""``frontline eval escalation``: precision, recall and F1 of the anger signal on a CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.eval.escalation import evaluate, read_escalation_csv, report
from bot.handoff.anger import AngerSignal
from bot.handoff.cues import load_profanity
from bot.settings import PROJECT_ROOT
from tests.auxil.anger_head import word_head
from tests.auxil.fake_encoder import FakeEncoder

ROWS = """text,label
"WHERE IS MY PARCEL?!?!",1
I want a refund,1
"This is unacceptable, I am still waiting",0
Do you ship to Canada?,0
"Thanks, that helped!",0
"""


def _csv(tmp_path: Path, text: str = ROWS) -> Path:
    path = tmp_path / "queries.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_figures_count_every_row(tmp_path: Path) -> None:
    signal = AngerSignal(head=word_head(), encoder=FakeEncoder(), profanity=load_profanity())
    metrics = evaluate(signal, read_escalation_csv(_csv(tmp_path)))
    # Hits: the shouting and "refund"; "unacceptable" is angry but labelled 0.
    assert (metrics.true_positives, metrics.false_positives, metrics.false_negatives) == (2, 1, 0)
    assert metrics.precision == pytest.approx(2 / 3, abs=1e-4)
    assert metrics.recall == 1.0
    assert metrics.f1 == pytest.approx(0.8)
    assert (metrics.n, metrics.positives, metrics.threshold) == (5, 2, 0.5)


def test_the_report_prints_and_writes_json(tmp_path: Path) -> None:
    signal = AngerSignal(head=word_head(), encoder=FakeEncoder(), profanity=load_profanity())
    metrics = evaluate(signal, read_escalation_csv(_csv(tmp_path)))
    out = tmp_path / "out" / "escalation.json"
    lines = report(metrics, json_path=out)
    assert any(line.startswith("precision 0.6667") for line in lines)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert {"precision": 0.6667, "recall": 1.0, "f1": 0.8}.items() <= written.items()


def test_labels_must_be_zero_or_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _csv(tmp_path, "text,label\nhello,0\nI am furious,yes\n")
    with pytest.raises(ValueError, match="row 3: the label must be 0 or 1"):
        read_escalation_csv(path)
    assert main(["eval", "escalation", "--queries", str(path)]) == 1
    assert "row 3" in capsys.readouterr().err


@pytest.mark.slow
def test_the_command_scores_the_example_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "escalation.json"
    examples = PROJECT_ROOT / "bench" / "escalation-examples.csv"
    assert main(["eval", "escalation", "--queries", str(examples), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    figures = json.loads(out.read_text(encoding="utf-8"))
    for name in ("precision", "recall", "f1"):
        assert f"{name}" in printed
        assert 0.0 <= figures[name] <= 1.0
    assert figures["n"] == 40 and figures["positives"] == 20
    assert figures["f1"] >= 0.7
