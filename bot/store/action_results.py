"""Checking what the action server answers, without re-checking Rasa's own schema each time.

Rasa 3.6 validates every action server response with ``jsonschema.validate``, which
first validates Rasa's static events schema against the JSON-Schema metaschema, on
every call. On two cores that was the largest single cost of a Frontline turn
(about 13 ms of 70; bare Rasa runs no custom actions and never pays it). The same
checks with a validator built once give the same verdicts: invalid responses are
still refused with Rasa's own error.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    kind = validator_for(schema)
    kind.check_schema(schema)  # once, not per call
    return kind(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """:meth:`RemoteAction._validate_action_result`, with the validator built once."""
    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid. For more information about "
            f"the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    """Use :func:`validate_action_result` in this Rasa server (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
