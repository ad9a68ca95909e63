"""The multilingual suite: which rows run, the run itself with a fake encoder, and the report."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest

from bot.eval.datasets import OOS, EvalSet, LabelledText
from bot.eval.faq import THREAD_VARIABLES
from bot.eval.multilingual import LanguageItem, rasa_keys, run_suite, suite_items
from bot.eval.multilingual_report import HAND_WRITTEN, MARKDOWN_NAME, render_markdown
from bot.settings import PROJECT_ROOT, Settings
from tests.auxil.fake_encoder import FakeEncoder

ENGLISH_KB = [
    LabelledText("set an alarm for seven", "alarm"),
    LabelledText("wake me up at six", "alarm"),
    LabelledText("what is the weather tomorrow", "weather"),
    LabelledText("will it rain today", "weather"),
]


def _item(
    key: str, language: str, queries: list[LabelledText], *, rasa: bool = False
) -> LanguageItem:
    data = EvalSet(name=key, kb=list(ENGLISH_KB), queries=queries, calibration=[])
    return LanguageItem(key, "xsid", language, "tiny English KB", lambda: data, "none", rasa=rasa)


ITEMS = [
    _item(
        "xsid_en",
        "en",
        [
            LabelledText("set an alarm for eight", "alarm"),
            LabelledText("is it going to rain today", "weather"),
            LabelledText("play some jazz", OOS),
        ],
        rasa=True,
    ),
    _item("xsid_de", "de", [LabelledText("Wecker auf sieben stellen", "alarm")], rasa=True),
    _item("xsid_de-ba", "de-ba", [LabelledText("weck mi um sechse", "alarm")]),
]


def _args(tmp_path: Path, **overrides: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "suite": "multilingual",
        "quick": False,
        "skip_rasa": False,
        "rasa_clinc": False,
        "rasa_datasets": None,
        "rasa_epochs": None,
        "out": tmp_path / "reports",
        "encoder": None,
        "target_precision": 0.9,
        "batch_threads": 1,
    }
    values.update(overrides)
    return argparse.Namespace(**values)


def test_the_baseline_runs_where_the_rows_ask_for_it(tmp_path: Path) -> None:
    notes: list[str] = []
    assert rasa_keys(_args(tmp_path), ITEMS, notes) == {"xsid_en", "xsid_de"}
    assert notes == []


def test_rasa_datasets_take_keys_or_their_leading_parts(tmp_path: Path) -> None:
    notes: list[str] = []

    def keys(wanted: str) -> set[str]:
        return rasa_keys(_args(tmp_path, rasa_datasets=wanted), ITEMS, notes)

    assert keys("xsid_de") == {"xsid_de"}  # not xsid_de-ba
    assert keys("xsid") == {"xsid_en", "xsid_de", "xsid_de-ba"}
    assert keys("xsid_de-ba,nope") == {"xsid_de-ba"}
    assert notes == ["Unknown --rasa-datasets keys ignored: ['nope']."]


def test_skip_rasa_wins(tmp_path: Path) -> None:
    notes: list[str] = []
    assert rasa_keys(_args(tmp_path, skip_rasa=True, rasa_datasets="xsid"), ITEMS, notes) == set()
    assert "skipped" in notes[0]


def test_a_run_writes_one_row_per_language_and_keeps_hand_written_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_encoder: FakeEncoder
) -> None:
    for variable in THREAD_VARIABLES:  # the suite sets them; restore them afterwards
        monkeypatch.setenv(variable, os.environ.get(variable, "1"))
    args = _args(tmp_path, skip_rasa=True)
    settings = Settings(faq_answer_threshold=0.5, faq_margin=0.0, faq_clarify_threshold=0.5)

    assert run_suite(args, settings=settings, encoder=fake_encoder, items=ITEMS) == 0
    report = args.out / MARKDOWN_NAME
    report.write_text(
        report.read_text(encoding="utf-8") + "Written by a person.\n", encoding="utf-8"
    )
    assert run_suite(args, settings=settings, encoder=fake_encoder, items=ITEMS) == 0

    results = json.loads((args.out / "multilingual.json").read_text(encoding="utf-8"))
    assert list(results["rows"]) == ["xsid_en", "xsid_de", "xsid_de-ba"]
    english = results["rows"]["xsid_en"]
    assert english["language"] == "en" and english["kb"] == "tiny English KB"
    assert english["frontline"]["top1"] == 1.0 and english["frontline"]["n_oos"] == 1
    assert "sweep" not in english["frontline"]
    assert "--suite multilingual --skip-rasa" in results["command"]
    markdown = report.read_text(encoding="utf-8")
    assert "| de-ba | 1 (0) |" in markdown
    assert markdown.endswith(HAND_WRITTEN + "\nWritten by a person.\n")
    assert markdown.count(HAND_WRITTEN) == 1


def test_the_report_shows_the_baseline_and_the_ratio() -> None:
    row = {
        "benchmark": "demo",
        "language": "fr",
        "kb": "data/faq, English text only",
        "frontline": {"n_queries": 40, "n_oos": 6, "n_kb": 294, "n_entries": 51, "top1": 0.9},
        "rasa": {"top1": 0.03, "answer_rate": 0.1, "answered_precision": 0.2, "oos_recall": 0.5},
    }
    results = {
        "rows": {"demo_en_fr": row},
        "rasa_models": {
            "data/faq, English text only": {
                "n_kb": 294,
                "epochs": 100,
                "train_s": 61.0,
                "rows": ["demo_en_fr"],
            }
        },
    }

    markdown = render_markdown(results)

    assert "| fr | data/faq, English text only | 40 (6) | 90.0% |" in markdown
    assert "| 3.0% | 30.0x | 10.0% | 20.0% | 50.0% |" in markdown
    assert "294 variants in 51 entries (chance top-1 2.0%)" in markdown
    assert "| data/faq, English text only | 294 | 100 | 61 s | demo_en_fr |" in markdown


def test_suite_items_put_rows_that_share_a_knowledge_base_together(tmp_path: Path) -> None:
    root = Settings().datasets_dir
    if not (Path(root) / "xsid").is_dir():
        pytest.skip(f"datasets folder not found at {root}")

    items = suite_items(
        Path(root), faq_dir=PROJECT_ROOT / "data" / "faq", bench=PROJECT_ROOT / "bench"
    )

    keys = [item.key for item in items]
    assert len(keys) == len(set(keys))
    assert keys[:4] == ["xsid_en", "xsid_de", "xsid_ar", "xsid_ja"]
    assert {"demo_en_fr", "demo_en_ja", "demo_all_enesde", "arbanking77_msa_k10"} <= set(keys)
    seen: list[str] = []
    for item in items:  # each knowledge base forms one run of consecutive rows
        if not seen or seen[-1] != item.kb:
            assert item.kb not in seen
            seen.append(item.kb)
    french = next(item for item in items if item.key == "demo_en_fr").load()
    assert {row.label for row in french.queries} >= {OOS, "reset-password"}
    assert french.calibration


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_one_response_selector_scores_every_language(tmp_path: Path) -> None:
    from bot.eval.rasa_baseline import TrainedSelector

    selector = TrainedSelector.train(ENGLISH_KB, epochs=5, workdir=tmp_path / "rasa")
    try:
        english = selector.evaluate([LabelledText("set an alarm for eight", "alarm")])
        german = selector.evaluate(
            [LabelledText("Wecker auf acht stellen", "alarm")],
            calibration=[LabelledText("Wecker auf sieben", "alarm")] * 2,
        )
    finally:
        selector.close()

    assert english["n_queries"] == german["n_queries"] == 1
    assert english["train_s"] == german["train_s"] > 0  # trained once
    assert english["top3"] == 1.0
    assert "threshold_choice" in german and "threshold_choice" not in english
