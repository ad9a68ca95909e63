"""The store's tests run on both databases Frontline supports: a SQLite file and a
throwaway PostgreSQL database (:mod:`tests.auxil.postgres`)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database for this test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontline.db'}"
    return str(request.getfixturevalue("fresh_postgres_url"))
