"""Rasa's ``events`` table, as Frontline reads it (analytics, resends after a crash).

Described here rather than imported from Rasa's ``SQLTrackerStore``: reading it must not
need Rasa's tracker store classes, nor create the table when it is absent.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("data", Text),
)
