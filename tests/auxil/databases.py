"""``database_url``: a new, empty database for one test, on each database Frontline supports
(a SQLite file, and a throwaway PostgreSQL database from :mod:`tests.auxil.postgres`).

A folder's ``conftest.py`` imports the fixture to run its tests on both.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database for this test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontline.db'}"
    return str(request.getfixturevalue("fresh_postgres_url"))
