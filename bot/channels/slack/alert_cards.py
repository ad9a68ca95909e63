"""A surge alert as a Slack message for the agents' channel: the evidence, at a glance.

Pure: no client, no network. The examples are customers' words (redacted already) and the
topic may come from an editor, so everything is escaped and cut to Slack's limits, as
the ticket cards are (:mod:`.agent_cards`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.channels.slack.agent_cards import FIELD_LIMIT, HEADER_LIMIT, channel_label, clock, fit
from bot.channels.slack.blocks import SECTION_TEXT_LIMIT
from bot.crisis.alerts import AlertPayload

INBOX_PATH = "/agent/incidents"
EXAMPLE_LIMIT = 300

_REASONS = {"volume": "many more messages than usual", "anger": "more angry messages than usual"}


def alert_card(alert: AlertPayload) -> tuple[str, list[dict[str, Any]]]:
    """The message's notification ``text`` and its ``blocks``."""
    topic = alert["topic"]
    usual = _number(alert["baseline_median"])
    text = fit(
        f"Possible incident on {topic}: {alert['count']} messages in this window, "
        f"usually {usual} (z {alert['z']:.1f})",
        SECTION_TEXT_LIMIT,
    )
    header = f"Possible incident: {topic}"
    if len(header) > HEADER_LIMIT:
        header = header[: HEADER_LIMIT - 1] + "…"
    why = " and ".join(_REASONS.get(reason, reason) for reason in alert["reasons"])
    fields = [
        ("Messages", f"{alert['count']} since {clock(_when(alert['window_start']))} UTC"),
        ("Usual", f"{usual} (MAD {_number(alert['baseline_mad'])}), z {alert['z']:.1f}"),
        (
            "Angry",
            f"{alert['angry']} ({alert['anger_share']:.0%}, usually "
            f"{alert['usual_anger_share']:.0%})",
        ),
        ("Channels", _counts(alert["channels"], label=channel_label)),
        ("Languages", _counts(alert["languages"])),
        ("Earlier windows", ", ".join(str(n) for n in alert["recent_counts"]) or "none"),
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": False}},
        _section(fit(why.capitalize(), SECTION_TEXT_LIMIT, prefix=":rotating_light: *Why* ")),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": fit(value, FIELD_LIMIT, prefix=f"*{name}*\n")}
                for name, value in fields
            ],
        },
    ]
    if alert["examples"]:
        blocks.append(_section(_examples(alert["examples"])))
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"Declare an incident from this alert in the inbox: {INBOX_PATH}",
                }
            ],
        }
    )
    return text, blocks


def _examples(examples: Sequence[str]) -> str:
    text = "*Examples* (redacted)"
    for example in examples:
        line = fit(example, EXAMPLE_LIMIT, prefix="> ")
        if len(text) + 1 + len(line) > SECTION_TEXT_LIMIT:
            break
        text = f"{text}\n{line}"
    return text


def _counts(counts: Mapping[str, int], *, label: Callable[[str], str] = str) -> str:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{label(name)} {count}" for name, count in ranked) or "unknown"


def _number(value: float) -> str:
    return f"{value:g}"


def _when(iso: str) -> datetime | None:
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
