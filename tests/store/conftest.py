"""The store's tests run on both databases Frontline supports: a SQLite file and a
throwaway PostgreSQL database (:mod:`tests.auxil.postgres`)."""

from __future__ import annotations

from tests.auxil.databases import database_url

__all__ = ["database_url"]
