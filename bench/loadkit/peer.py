"""The peer: moodbot, ``rasa init``'s project, trained once and run with Rasa's defaults
(in-memory tracker store, no action server), its HTTP API on for the tracker check."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.eval.servers import BIN


def moodbot_model(folder: Path, env: dict[str, str]) -> Path:
    """The ``rasa init`` project in ``folder``, trained once."""
    models = sorted((folder / "models").glob("*.tar.gz")) if folder.exists() else []
    if not models:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        models = sorted((folder / "models").glob("*.tar.gz"))
    return models[-1]


def start_moodbot(
    folder: Path, env: dict[str, str], *, port: int, token: str, log: Path
) -> subprocess.Popen[bytes]:
    """``rasa run`` on 127.0.0.1:``port``, its API behind ``token``."""
    return subprocess.Popen(
        [str(BIN / "rasa"), "run", "--port", str(port), "--interface", "127.0.0.1",
         "--model", str(moodbot_model(folder, env)), "--enable-api", "--auth-token", token],
        cwd=folder, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
