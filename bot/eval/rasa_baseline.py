"""The baseline: Rasa's own ResponseSelector, trained on the same knowledge-base variants.

Every knowledge-base text becomes a training example of the retrieval intent ``faq/l<i>``
(labels are renamed to ``l0``, ``l1``, ... so any label is safe for Rasa). The model is trained
with ``rasa train nlu`` in a subprocess, loaded in-process with
:meth:`rasa.core.agent.Agent.load`, and every query is parsed one at a time. The
ResponseSelector's ranking of ``faq`` responses is scored with :mod:`bot.eval.metrics`, its
confidence standing in for the cosine score.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.eval.datasets import LabelledText
from bot.eval.metrics import (
    Ranking,
    accuracy_target_result,
    answer_metrics,
    choose_threshold,
    latency_summary,
    ranking_metrics,
    sample_indices,
    sweep,
    thresholds_dict,
)
from bot.faq.matcher import Thresholds

log = logging.getLogger(__name__)

DEFAULT_EPOCHS = 100
"""Epochs for DIETClassifier and ResponseSelector: the value in Rasa's starter config.

(The components' own default is 300.) On BANKING77 with 10 variants per intent (770 examples)
training takes a few minutes on two CPU cores; the suite gives larger knowledge bases fewer
epochs (see ``bot.eval.cli.SUITE``).
"""

RETRIEVAL_INTENT = "faq"
LATENCY_SAMPLE = 300
TRAIN_THREADS = 2

# No margin: a softmax confidence already accounts for the runner-up.
_BASE_THRESHOLDS = Thresholds(answer=0.5, margin=0.0, clarify=0.5)


def pipeline_config(epochs: int, *, seed: int = 13) -> dict[str, Any]:
    """The Rasa config: the standard sparse-feature pipeline with DIET and a ResponseSelector.

    Args:
        epochs: Training epochs of both DIETClassifier and ResponseSelector.
        seed: Their random seed.
    """
    return {
        "recipe": "default.v1",
        "language": "en",
        "assistant_id": "frontline-faq-eval",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {
                "name": "CountVectorsFeaturizer",
                "analyzer": "char_wb",
                "min_ngram": 1,
                "max_ngram": 4,
            },
            {
                "name": "DIETClassifier",
                "epochs": epochs,
                "constrain_similarities": True,
                "random_seed": seed,
            },
            {
                "name": "ResponseSelector",
                "retrieval_intent": RETRIEVAL_INTENT,
                "epochs": epochs,
                "constrain_similarities": True,
                "random_seed": seed,
            },
        ],
        "policies": [],
    }


def write_project(kb: Sequence[LabelledText], folder: Path, *, epochs: int) -> dict[str, str]:
    """Write the NLU data, domain and config of a throw-away Rasa project.

    The NLU data is Rasa's JSON format, so texts need no escaping and brackets are never read
    as entity annotations.

    Args:
        kb: Knowledge-base variants; each becomes an example of ``faq/<safe label>``.
        folder: Where to write ``nlu.json``, ``domain.yml`` and ``config.yml``.
        epochs: Passed to :func:`pipeline_config`.

    Returns:
        The mapping from safe response keys (``l0``, ...) to the original labels.
    """
    folder.mkdir(parents=True, exist_ok=True)
    labels = sorted({row.label for row in kb})
    safe = {label: f"l{i}" for i, label in enumerate(labels)}
    examples = [
        {"text": row.text, "intent": f"{RETRIEVAL_INTENT}/{safe[row.label]}", "entities": []}
        for row in kb
    ]
    nlu = {"rasa_nlu_data": {"common_examples": examples}}
    (folder / "nlu.json").write_text(json.dumps(nlu, ensure_ascii=False), encoding="utf-8")
    domain = {
        "version": "3.1",
        "intents": [RETRIEVAL_INTENT],
        "responses": {
            f"utter_{RETRIEVAL_INTENT}/{key}": [{"text": label}] for label, key in safe.items()
        },
    }
    (folder / "domain.yml").write_text(
        yaml.safe_dump(domain, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (folder / "config.yml").write_text(
        yaml.safe_dump(pipeline_config(epochs), sort_keys=False), encoding="utf-8"
    )
    return {key: label for label, key in safe.items()}


def train(folder: Path, *, timeout: float | None = None) -> tuple[Path, float]:
    """Run ``rasa train nlu`` on the project in ``folder``.

    The subprocess may use :data:`TRAIN_THREADS` threads whatever this process is limited to.

    Args:
        folder: A folder written by :func:`write_project`.
        timeout: Seconds before the training is killed.

    Returns:
        The model archive and the training wall time in seconds.

    Raises:
        RuntimeError: Training failed; the message holds the end of its output.
    """
    env = dict(os.environ)
    for variable in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "TF_INTRA_OP_PARALLELISM_THREADS",
        "TF_INTER_OP_PARALLELISM_THREADS",
    ):
        env[variable] = str(TRAIN_THREADS)
    env.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "nlu",
        "-c",
        str(folder / "config.yml"),
        "-d",
        str(folder / "domain.yml"),
        "-u",
        str(folder / "nlu.json"),
        "--out",
        str(folder / "models"),
        "--fixed-model-name",
        "response-selector",
        "--num-threads",
        str(TRAIN_THREADS),
        "--quiet",
    ]
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout
    )
    seconds = time.perf_counter() - started
    model = folder / "models" / "response-selector.tar.gz"
    if result.returncode != 0 or not model.exists():
        tail = (result.stdout + result.stderr)[-3000:]
        raise RuntimeError(f"rasa train nlu failed (exit {result.returncode}):\n{tail}")
    return model, seconds


class _Parser:
    """A loaded Rasa model that parses one message at a time on its own event loop."""

    def __init__(self, model: Path, labels: dict[str, str]) -> None:
        from rasa.core.agent import Agent
        from rasa.utils.tensorflow.environment import setup_tf_environment

        setup_tf_environment()
        try:  # Rasa logs every parse through structlog, at debug level, unless told otherwise
            import structlog

            structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
        except ImportError:  # pragma: no cover - structlog comes with Rasa
            pass
        self._loop = asyncio.new_event_loop()
        started = time.perf_counter()
        self._agent = Agent.load(str(model))
        self.load_seconds = time.perf_counter() - started
        self._labels = labels

    def rank(self, text: str) -> tuple[tuple[str, ...], tuple[float, ...], float]:
        """The ranked labels and confidences for ``text``, and the parse time in seconds."""
        started = time.perf_counter()
        parsed = self._loop.run_until_complete(self._agent.parse_message(text))
        seconds = time.perf_counter() - started
        selector = (parsed.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
        labels: list[str] = []
        scores: list[float] = []
        for item in selector.get("ranking") or []:
            key = str(item.get("intent_response_key", "")).partition("/")[2]
            if key in self._labels:
                labels.append(self._labels[key])
                scores.append(float(item.get("confidence", 0.0)))
        return tuple(labels), tuple(scores), seconds

    def rank_all(self, rows: Sequence[LabelledText]) -> tuple[list[Ranking], list[float]]:
        """Rankings and parse times of ``rows``, in order."""
        rankings: list[Ranking] = []
        seconds: list[float] = []
        for row in rows:
            labels, scores, took = self.rank(row.text)
            rankings.append(Ranking(row.label, labels, scores))
            seconds.append(took)
        return rankings, seconds

    def close(self) -> None:
        """Release the event loop."""
        self._loop.close()


class TrainedSelector:
    """A ResponseSelector trained on one knowledge base and loaded in this process.

    Train once, then score any number of query sets against the same model: the cross-lingual
    benchmarks score every language on the one model trained on the English variants. Call
    :meth:`close` when done.

    Attributes:
        epochs: Epochs of DIETClassifier and ResponseSelector.
        n_kb: Knowledge-base variants it was trained on.
        train_seconds: Wall time of ``rasa train nlu``.
    """

    def __init__(self, parser: _Parser, *, epochs: int, n_kb: int, train_seconds: float) -> None:
        self._parser = parser
        self.epochs = epochs
        self.n_kb = n_kb
        self.train_seconds = train_seconds
        self._untimed: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {}

    @classmethod
    def train(
        cls,
        kb: Sequence[LabelledText],
        *,
        epochs: int = DEFAULT_EPOCHS,
        workdir: Path,
        timeout: float | None = None,
    ) -> TrainedSelector:
        """Train on ``kb`` in ``workdir`` and load the model.

        Args:
            kb: Knowledge-base variants (the training data).
            epochs: Epochs of DIETClassifier and ResponseSelector.
            workdir: An empty folder for the project and the model. The model is loaded
                before this returns, so the folder may be deleted afterwards.
            timeout: Seconds before training is abandoned.

        Raises:
            RuntimeError: Training failed.
        """
        labels = write_project(kb, workdir, epochs=epochs)
        log.info("training a ResponseSelector on %d variants, %d epochs", len(kb), epochs)
        model, train_seconds = train(workdir, timeout=timeout)
        log.info("trained in %.1f s", train_seconds)
        parser = _Parser(model, labels)
        parser.rank("warm up")  # the first call builds the graph
        return cls(parser, epochs=epochs, n_kb=len(kb), train_seconds=train_seconds)

    def _calibration_rankings(self, rows: Sequence[LabelledText]) -> list[Ranking]:
        """Rankings of untimed rows, parsing each distinct text once per model."""
        rankings: list[Ranking] = []
        for row in rows:
            if row.text not in self._untimed:
                labels, scores, _ = self._parser.rank(row.text)
                self._untimed[row.text] = (labels, scores)
            rankings.append(Ranking(row.label, *self._untimed[row.text]))
        return rankings

    def evaluate(
        self,
        queries: Sequence[LabelledText],
        *,
        calibration: Sequence[LabelledText] | None = None,
        target_precision: float = 0.9,
        target_accuracy: float | None = None,
        seed: int = 0,
    ) -> dict[str, Any]:
        """Score ``queries``, choosing the confidence threshold on ``calibration``.

        Every query is parsed on its own (one message per call, as in production); latency
        percentiles are over a fixed random sample of :data:`LATENCY_SAMPLE` queries, the same
        sample :func:`bot.eval.faq.evaluate_faq` uses for the same seed.

        Args:
            queries: The queries to score; label ``"oos"`` for out-of-scope ones.
            calibration: Held-out queries for choosing a confidence threshold; never test data.
            target_precision: Answered precision the threshold must reach on calibration.
            target_accuracy: If given, also choose the threshold that keeps in-scope accuracy
                at this level on calibration (the CLINC150 protocol).
            seed: Seed of the latency sample.

        Returns:
            A JSON-ready dict with ``top1``, ``top3``, ``mrr``, answer metrics at the chosen
            thresholds (when calibration is given), latency percentiles, ``train_s`` and
            ``epochs``.
        """
        rankings, seconds = self._parser.rank_all(queries)
        cal_rankings = self._calibration_rankings(calibration) if calibration else []
        sample = sample_indices(len(rankings), LATENCY_SAMPLE, seed)
        ranked = ranking_metrics(rankings)
        result: dict[str, Any] = {
            "system": "rasa-response-selector",
            "epochs": self.epochs,
            "pipeline": pipeline_config(self.epochs)["pipeline"],
            "train_s": round(self.train_seconds, 2),
            "model_load_s": round(self._parser.load_seconds, 2),
            "train_peak_rss_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            ),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "n_kb": self.n_kb,
            "n_queries": len(rankings),
            "n_oos": sum(not r.in_scope for r in rankings),
            "top1": ranked.top1,
            "top3": ranked.top3,
            "mrr": ranked.mrr,
            **latency_summary([seconds[i] for i in sample]),
        }
        if cal_rankings:
            choice = choose_threshold(
                cal_rankings, _BASE_THRESHOLDS, target_precision=target_precision
            )
            at = answer_metrics(rankings, choice.thresholds)
            result.update(
                thresholds=thresholds_dict(choice.thresholds),
                threshold_choice=choice.as_dict(),
                answer_rate=at.answer_rate,
                answered_precision=at.answered_precision,
                in_scope_accuracy=at.in_scope_accuracy,
                oos_recall=at.oos_recall,
                sweep=[point.as_dict() for point in sweep(rankings, _BASE_THRESHOLDS)],
            )
            if target_accuracy is not None:
                result["at_accuracy_target"] = accuracy_target_result(
                    cal_rankings, rankings, _BASE_THRESHOLDS, target_accuracy=target_accuracy
                )
        return result

    def close(self) -> None:
        """Release the model's event loop."""
        self._parser.close()


def run_response_selector(
    kb: Sequence[LabelledText],
    queries: Sequence[LabelledText],
    *,
    epochs: int = DEFAULT_EPOCHS,
    workdir: Path,
    calibration: Sequence[LabelledText] | None = None,
    target_precision: float = 0.9,
    target_accuracy: float | None = None,
    seed: int = 0,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Train a ResponseSelector on ``kb`` and evaluate it on ``queries``, once.

    Args:
        kb: Knowledge-base variants (the training data).
        queries: The queries to score; label ``"oos"`` for out-of-scope ones.
        epochs: Epochs of DIETClassifier and ResponseSelector.
        workdir: An empty folder for the project and the model.
        calibration: Held-out queries for choosing a confidence threshold; never test data.
        target_precision: Answered precision the threshold must reach on calibration.
        target_accuracy: If given, also choose the threshold that keeps in-scope accuracy at
            this level on calibration (the CLINC150 protocol).
        seed: Seed of the latency sample.
        timeout: Seconds before training is abandoned.

    Returns:
        What :meth:`TrainedSelector.evaluate` returns.
    """
    selector = TrainedSelector.train(kb, epochs=epochs, workdir=workdir, timeout=timeout)
    try:
        return selector.evaluate(
            queries,
            calibration=calibration,
            target_precision=target_precision,
            target_accuracy=target_accuracy,
            seed=seed,
        )
    finally:
        selector.close()
