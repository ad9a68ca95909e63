"""Logistic regression by Newton's method, and the figures to judge it, for the small
heads over sentence embeddings (``bench/train_anger.py``, ``bench/train_complaint.py``)."""

from __future__ import annotations

import numpy as np

from bot.handoff.anger import sigmoid


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, penalty: float, offset: np.ndarray | None = None
) -> np.ndarray:
    """Weights and, last, the bias of an L2-penalised logistic regression (Newton / IRLS).

    ``offset`` is a fixed part of each row's logit (cues whose weight is not learnt).
    """
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = np.zeros(design.shape[1])
    ridge = np.full(design.shape[1], penalty)
    ridge[-1] = 0.0
    fixed = np.zeros(len(x)) if offset is None else offset
    for _ in range(25):
        p = sigmoid(design @ weights + fixed)
        gradient = design.T @ (p - y) + ridge * weights
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-6:
            break
    return weights


def prf(y: np.ndarray, predicted: np.ndarray) -> dict[str, float | int]:
    """Precision, recall, F1 and the false-alarm rate of ``predicted`` against ``y``."""
    tp = int(np.sum(predicted & (y == 1)))
    fp = int(np.sum(predicted & (y == 0)))
    fn = int(np.sum(~predicted & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "false_alarm_rate": round(fp / int(np.sum(y == 0)), 4) if np.any(y == 0) else 0.0,
        "n": len(y),
        "positives": int(y.sum()),
    }


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """The threshold with the best F1, and that F1."""
    best = (0.5, -1.0)
    for threshold in np.arange(0.05, 0.951, 0.01):
        f1 = float(prf(y, p >= threshold)["f1"])
        if f1 > best[1]:
            best = (round(float(threshold), 2), f1)
    return best
