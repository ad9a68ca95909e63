"""Incidents and surge alerts as JSON: the shapes the inbox's incident endpoints send.

A conversation in an audit entry is shown as agents see it elsewhere
(:func:`~bot.handoff.wire.public_conversation`): a widget conversation's id is its
session key, never shown.
"""

from __future__ import annotations

from typing import Any

from bot.crisis.incident import AuditEntry, Incident, IncidentUpdate
from bot.handoff.wire import moment, public_conversation


def incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "title": incident.title,
        "topic": incident.topic,
        "status": incident.status,
        "notify": incident.notify,
        "statement": dict(incident.statement),
        "follow_up": dict(incident.follow_up),
        "created_by": incident.created_by,
        "created_at": moment(incident.created_at),
        "approved_by": incident.approved_by,
        "approved_at": moment(incident.approved_at),
        "resolved_by": incident.resolved_by,
        "resolved_at": moment(incident.resolved_at),
    }


def update_json(update: IncidentUpdate) -> dict[str, Any]:
    return {"id": update.id, "text": dict(update.text), "by": update.by, "at": moment(update.at)}


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    detail = dict(entry.detail)
    if isinstance(detail.get("conversation"), str):
        detail["conversation"] = public_conversation(detail["conversation"])
    return {"at": moment(entry.at), "who": entry.who, "what": entry.what, "detail": detail}


def alert_json(
    entry: AuditEntry, *, title: str = "", incident: str | None = None
) -> dict[str, Any]:
    """A recorded surge alert: its evidence (:class:`~bot.crisis.alerts.AlertPayload`), when
    it was recorded, the topic's name, and the incident declared from it (or None)."""
    return {
        **dict(entry.detail),
        "recorded_at": moment(entry.at),
        "title": title,
        "incident": incident,
    }
