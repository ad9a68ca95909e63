"""Escalation and handoff: when a person takes over, and how."""
