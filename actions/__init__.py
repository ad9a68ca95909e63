"""Rasa glue: thin custom actions that delegate to the services in ``bot/``."""
