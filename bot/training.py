"""Train the Rasa model when, and only when, its training data changed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TRAINING_INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/dialogue")
MODEL_NAME = "frontline"


@dataclass(frozen=True)
class ModelPaths:
    root: Path

    @property
    def model(self) -> Path:
        return self.root / "models" / f"{MODEL_NAME}.tar.gz"

    @property
    def fingerprint_file(self) -> Path:
        return self.root / "models" / f"{MODEL_NAME}.fingerprint"


def training_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        files.extend(sorted(path.rglob("*.yml")) if path.is_dir() else [path])
    return files


def fingerprint(root: Path) -> str:
    """A hash of every training file's name and content (not its timestamp)."""
    digest = hashlib.sha256()
    for path in training_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def needs_training(paths: ModelPaths) -> bool:
    if not paths.model.exists() or not paths.fingerprint_file.exists():
        return True
    return paths.fingerprint_file.read_text().strip() != fingerprint(paths.root)


def ensure_model(root: Path, *, force: bool = False) -> bool:
    """Train unless the model matches the training data; return whether it trained."""
    paths = ModelPaths(root)
    if not force and not needs_training(paths):
        print(f"Rasa model is up to date ({paths.model.relative_to(root)}).")
        return False
    print("Training data changed: training the Rasa model (about a minute)...", flush=True)
    current = fingerprint(root)
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data/nlu",
        "data/dialogue",
        "--out",
        "models",
        "--fixed-model-name",
        MODEL_NAME,
        "--force",
    ]
    subprocess.run(command, cwd=root, check=True)
    paths.fingerprint_file.write_text(current + "\n")
    return True
