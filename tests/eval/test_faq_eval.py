"""The FAQ evaluation: knowledge base, threshold calibration, and the CLI end to end."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from bot.eval.datasets import LabelledText, write_csv
from bot.eval.faq import THREAD_VARIABLES, MemoEncoder, evaluate_faq, knowledge_base
from bot.faq.matcher import Thresholds

KB = [
    LabelledText("How do I reset my password?", "password"),
    LabelledText("I forgot my password", "password"),
    LabelledText("the password reset email never arrived", "password"),
    LabelledText("Where is my order?", "tracking"),
    LabelledText("track my parcel", "tracking"),
    LabelledText("my package has not been delivered yet", "tracking"),
    LabelledText("How do I get a refund?", "refund"),
    LabelledText("I want my money back for this item", "refund"),
    LabelledText("What are your opening hours?", "hours"),
    LabelledText("when is the shop open", "hours"),
]
QUERIES = [
    LabelledText("how can I reset my password", "password"),
    LabelledText("where is my order", "tracking"),
    LabelledText("how do I get a refund", "refund"),
    LabelledText("what are your opening hours", "hours"),
    LabelledText("recommend a good pizza recipe with mushrooms", "oos"),
]
KEYS = {
    "top1",
    "top3",
    "mrr",
    "answer_rate",
    "answered_precision",
    "oos_recall",
    "latency_ms_p50",
    "latency_ms_p95",
    "index_build_s",
    "peak_rss_mb",
    "n_kb",
    "n_queries",
    "n_oos",
    "encoder",
    "thresholds",
    "sweep",
}


class WordEncoder:
    """A deterministic bag-of-words encoder, for tests that are not about the model."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self._words = {word: i for i, word in enumerate(sorted(set(vocabulary)))}

    @property
    def name(self) -> str:
        return "words"

    @property
    def dim(self) -> int:
        return len(self._words) + 1

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, self._words.get(word, self.dim - 1)] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


def _encoder() -> WordEncoder:
    return WordEncoder([w for row in KB for w in re.findall(r"\w+", row.text.lower())])


def test_each_label_becomes_one_entry() -> None:
    kb = knowledge_base(KB)

    assert sorted(kb.entries) == ["hours", "password", "refund", "tracking"]
    entry = kb["password"]
    assert entry.question == {"en": "How do I reset my password?"}
    assert entry.variants == {
        "en": ("I forgot my password", "the password reset email never arrived")
    }
    assert entry.answer == {"en": "password"}
    assert (entry.tags, entry.owner, entry.source) == (("eval",), "eval", "eval")


def test_calibrated_thresholds_come_from_calibration_only() -> None:
    thresholds = Thresholds(0.86, 0.0, 0.82)
    calibration = [
        LabelledText("reset password", "password"),
        LabelledText("forgot", "refund"),  # a weaker, wrong match that forces a higher threshold
    ]

    def chosen(queries: list[LabelledText], cal: list[LabelledText]) -> float:
        result = evaluate_faq(
            KB, queries, encoder=_encoder(), thresholds=thresholds, calibration=cal
        )
        return float(result["calibrated"]["choice"]["thresholds"]["answer"])

    baseline = chosen(QUERIES, calibration)
    assert chosen(QUERIES[:2], calibration) == baseline  # other test queries: same threshold
    assert chosen(QUERIES, calibration[:1]) != baseline  # other calibration: another one


def test_memo_encoder_embeds_each_text_once() -> None:
    memo = MemoEncoder(_encoder())

    first = memo.encode_documents(["track my parcel", "track my parcel", "when is the shop open"])
    again = memo.encode_documents(["when is the shop open"])

    assert memo.encoded == 2
    assert np.allclose(first[2], again[0])


def test_evaluate_faq_reports_latency_for_a_sample() -> None:
    result = evaluate_faq(
        KB, QUERIES, encoder=_encoder(), thresholds=Thresholds(0.5, 0.0, 0.5), latency_sample=2
    )

    assert result["latency_n"] == 2
    assert result["n_queries"] == 5 and result["n_oos"] == 1
    assert set(result) >= KEYS


def test_cli_end_to_end_with_the_configured_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in THREAD_VARIABLES:  # the handler sets them; restore them afterwards
        monkeypatch.setenv(variable, "1")
    write_csv(tmp_path / "tiny.csv", KB)
    write_csv(tmp_path / "tiny_q.csv", QUERIES)
    out = tmp_path / "out.json"

    code = main(
        [
            "eval",
            "faq",
            "--kb",
            str(tmp_path / "tiny.csv"),
            "--queries",
            str(tmp_path / "tiny_q.csv"),
            "--json",
            str(out),
        ]
    )

    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) >= KEYS
    assert result["top1"] == 1.0
    assert result["oos_recall"] is not None
    assert result["n_oos"] == 1
    assert "top-1 100.0%" in capsys.readouterr().out


def test_cli_needs_files_or_the_suite(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "faq"]) == 2
    assert "--suite" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_response_selector_baseline_trains_and_ranks(tmp_path: Path) -> None:
    from bot.eval.rasa_baseline import run_response_selector

    kb = [
        LabelledText("how do I reset my password", "password"),
        LabelledText("I forgot my password", "password"),
        LabelledText("password reset link", "password"),
        LabelledText("where is my order", "tracking"),
        LabelledText("track my parcel", "tracking"),
        LabelledText("my order has not arrived", "tracking"),
    ]
    queries = [
        LabelledText("reset my password", "password"),
        LabelledText("track my order", "tracking"),
    ]

    result = run_response_selector(kb, queries, epochs=5, workdir=tmp_path / "rasa")

    assert result["n_queries"] == 2 and result["epochs"] == 5
    assert result["top1"] is not None and result["top3"] == 1.0
    assert result["train_s"] > 0 and result["latency_ms_p95"] is not None
