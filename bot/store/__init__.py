"""Frontline's own data (not Rasa's tracker): SQLAlchemy models and repositories."""
