"""Our own labelled customer-service messages (``bench/service-messages/<lang>.csv``):
complaints said calmly, and calm requests that use the same loaded words (cancel, refund,
stornieren, annuler...). Six languages, 270 of each label per language.

Each (language, label) group is shuffled with a fixed seed and cut into train (40%),
validation (18%) and test (42%: 113 calm messages per language). The anger
and complaint heads train on the first, choose thresholds on the second and are
reported on the third.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT

FOLDER = PROJECT_ROOT / "bench" / "service-messages"
LABELS = ("complaint", "calm")
TRAIN, VALIDATION = 0.40, 0.18


@dataclass(frozen=True)
class ServiceMessage:
    text: str
    label: str  # "complaint" or "calm"
    language: str
    split: str  # "train", "val" or "test"


def service_messages(folder: Path = FOLDER, *, seed: int = 13) -> list[ServiceMessage]:
    """Every message of every ``<language>.csv`` in ``folder``, with its split."""
    rows: list[ServiceMessage] = []
    for path in sorted(folder.glob("*.csv")):
        language = path.stem
        with path.open(encoding="utf-8", newline="") as handle:
            read = [(row["text"].strip(), row["label"].strip()) for row in csv.DictReader(handle)]
        unknown = {label for _, label in read} - set(LABELS)
        if unknown:
            raise ValueError(f"{path}: unknown labels {sorted(unknown)}")
        for label in LABELS:
            texts = sorted(text for text, given in read if given == label and text)
            random.Random(f"{seed}:{language}:{label}").shuffle(texts)
            train, val = round(TRAIN * len(texts)), round((TRAIN + VALIDATION) * len(texts))
            for index, text in enumerate(texts):
                split = "train" if index < train else "val" if index < val else "test"
                rows.append(ServiceMessage(text, label, language, split))
    return rows
