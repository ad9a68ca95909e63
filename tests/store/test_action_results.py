"""Rasa's check of action server responses, with the validator built once."""

from __future__ import annotations

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.store.action_results import install, validate_action_result


def test_the_same_verdicts_as_rasa() -> None:
    action = RemoteAction("action_turn", None)
    good = {
        "events": [{"event": "slot", "name": "language", "value": "en"}, {"event": "pause"}],
        "responses": [{"text": "hi", "buttons": []}],
    }
    assert validate_action_result(action, good) is True
    for bad in (
        {"events": [{"name": "language"}]},  # an event without its type
        {"events": [{"event": "slot", "name": 3, "value": "en"}]},  # a slot name not a string
        {"events": "pause"},
    ):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            validate_action_result(action, bad)
        with pytest.raises(ValidationError):  # what Rasa 3.6 does on every call
            jsonschema.validate(bad, RemoteAction.action_response_format_spec())


def test_installed_in_the_rasa_server() -> None:
    install()
    assert RemoteAction._validate_action_result is validate_action_result
