from __future__ import annotations

from bot.channels.redact import redact


def test_personal_data_and_secrets_are_masked() -> None:
    text = (
        "{'text': 'my card is 4111 1111 1111 1111', 'first_name': \"Ana\", "
        "'chat': {'id': 123456789}} mail ana@example.com, call +44 20 7946 0958, "
        "token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ xoxb-1-2-abc"
    )
    cleaned = redact(text)
    for secret in ("4111", "Ana", "123456789", "ana@example.com", "7946", "AAHdq", "xoxb-1"):
        assert secret not in cleaned
    assert "'text': '<redacted>'" in cleaned


def test_ordinary_log_text_survives() -> None:
    assert redact("telegram: failed to handle update 42") == "telegram: failed to handle update 42"
