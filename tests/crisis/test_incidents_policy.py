"""The incident's rules (bot/crisis/incident.py), without a database: what each status
allows, which languages a text needs, and which text a customer gets."""

from __future__ import annotations

import pytest

from bot.crisis.incident import (
    ALLOWED,
    Incident,
    MissingLanguages,
    WrongStatus,
    is_live,
    require_languages,
    require_status,
    text_in,
)
from bot.errors import FrontlineError
from tests.auxil.incidents import STATEMENT, T0


def incident(status: str) -> Incident:
    return Incident(
        id="3f9a1c2e",
        title="Sign-in fails",
        topic="keywords:outage",
        status=status,  # type: ignore[arg-type]
        statement=STATEMENT,
        created_by="ana",
        created_at=T0,
    )


def test_only_an_open_incident_is_live() -> None:
    assert [is_live(incident(s)) for s in ("draft", "open", "resolved")] == [False, True, False]


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("draft", {"edit", "approve", "link"}),
        ("open", {"link", "subscribe", "update", "resolve"}),
        ("resolved", set()),
    ],
)
def test_each_status_allows_its_actions_and_refuses_the_rest(
    status: str, allowed: set[str]
) -> None:
    for action in ALLOWED:
        if action in allowed:
            require_status("3f9a1c2e", status, action)
        else:
            with pytest.raises(WrongStatus) as refused:
                require_status("3f9a1c2e", status, action)
            assert (refused.value.status, refused.value.action) == (status, action)
            assert str(refused.value).startswith(f"incident 3f9a1c2e is {status}: {action} needs")


def test_a_text_needs_every_language_and_some_words() -> None:
    require_languages("update", {"en": "Soon", "de": "Bald", "fr": "Bientôt"}, ("en", "de"))
    with pytest.raises(MissingLanguages) as missing:
        require_languages("update", {"en": "Soon", "de": "  "}, ("en", "de", "es"))
    assert missing.value.languages == ("de", "es")
    assert str(missing.value) == "the update has no text in de, es"
    with pytest.raises(MissingLanguages, match="no text in any language"):
        require_languages("statement", {}, ())
    assert isinstance(missing.value, FrontlineError)


def test_a_customer_gets_their_language_else_the_default() -> None:
    texts = {"en": "Fixed", "de": "Behoben"}
    assert text_in(texts, "de", "en") == "Behoben"
    assert text_in(texts, "fr", "en") == "Fixed"
    assert text_in({"de": "Behoben"}, "fr", "en") == "Behoben"
