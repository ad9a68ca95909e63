from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.training import ModelPaths, ensure_model
from tests.auxil.servers import ROOT, BotServers, server_env


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The project's Rasa model, trained only if the training data changed."""
    ensure_model(ROOT)
    return ModelPaths(ROOT).model


@pytest.fixture(scope="session")
def bot(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    """The real action server and Rasa server, on free ports, with a FAQ folder of their own."""
    workdir = tmp_path_factory.mktemp("bot")
    faq_dir = workdir / "faq"
    shutil.copytree(ROOT / "data" / "faq", faq_dir)
    servers = BotServers(workdir=workdir, env=server_env(workdir, faq_dir))
    try:
        servers.start(trained_model)
        yield servers
    finally:
        servers.stop()
