"""A ticket as Slack messages for the agents' channel: the card, its transcript, notes.

Pure: no client, no network. Everything a customer wrote (name, summary, evidence,
transcript) is escaped, so it can never ping ``<!channel>`` or smuggle a link, and
every piece is cut to Slack's limits (section text 3,000 characters, fields 2,000,
header 150, at most 50 blocks; the card uses at most 7).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.channels.slack.blocks import SECTION_TEXT_LIMIT
from bot.store.tickets import ACTIVE, Ticket, TicketMessage
from bot.tone.markup import slack_escape

CLAIM, RESOLVE, RETURN = "ticket_claim", "ticket_resolve", "ticket_return"
TRANSCRIPT_CHUNK_LIMIT = 3500
HEADER_LIMIT = 150
FIELD_LIMIT = 2000

_SIGNALS = {
    "request": ":raising_hand: Asked for a person",
    "anger": ":rage: Anger",
    "failure": ":warning: The bot could not help",
    "sensitive": ":lock: Sensitive topic",
}
_CHANNELS = {"web": "Web chat", "slack": "Slack", "telegram": "Telegram", "rest": "REST"}
_NOTES = {
    "claimed": "Claimed{by}",
    "resolved": "Resolved{by} — the bot is back",
    "returned": "Returned to the bot{by}",
}


def ticket_card(ticket: Ticket) -> tuple[str, list[dict[str, Any]]]:
    """The card's notification ``text`` and its ``blocks``; buttons only while it is active."""
    channel = channel_label(ticket.channel)
    text = fit(f"{ticket.customer} on {channel}: {status_text(ticket)}", SECTION_TEXT_LIMIT)
    header = f"{ticket.customer} · {channel}"
    if len(header) > HEADER_LIMIT:
        header = header[: HEADER_LIMIT - 1] + "…"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": False}}
    ]
    if ticket.summary.strip():
        blocks.append(_section(fit(ticket.summary, SECTION_TEXT_LIMIT, prefix="*Summary*\n")))
    fields = [
        ("Language", ticket.language),
        ("Channel", channel),
        ("Status", status_text(ticket)),
        ("Customer", profile_text(ticket.profile)),
    ]
    blocks.append(
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": fit(value, FIELD_LIMIT, prefix=f"*{name}*\n")}
                for name, value in fields
            ],
        }
    )
    if ticket.reasons:
        blocks.append(_section(reasons_text(ticket.reasons)))
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": faq_text(ticket.faq_tried)}]}
    )
    buttons = _buttons(ticket)
    if buttons:
        blocks.append({"type": "actions", "block_id": "ticket_actions", "elements": buttons})
    return text, blocks


def status_text(ticket: Ticket) -> str:
    """Where the ticket stands, in plain words (not escaped)."""
    if ticket.status == "queued":
        return f"Queued until {clock(ticket.due_at, dated=True)}" if ticket.due_at else "Queued"
    if ticket.status == "open":
        return "Open, waiting for an agent"
    if ticket.status == "claimed":
        return f"Claimed by {ticket.claimed_by or 'an agent'}"
    closed = "Resolved" if ticket.status == "resolved" else "Returned to the bot"
    if ticket.closed_at is not None:
        closed += f" at {clock(ticket.closed_at, dated=True)}"
    if ticket.csat is not None:
        closed += f" · rated {ticket.csat}/5"
    return closed


def profile_text(profile: dict[str, Any]) -> str:
    """Platform and user id, locale and timezone, as far as they are known (not escaped)."""
    who = " ".join(str(profile[key]) for key in ("platform", "user_id") if profile.get(key))
    parts = [who, profile.get("locale_hint"), profile.get("timezone")]
    return " · ".join(str(part) for part in parts if part) or "unknown"


def reasons_text(reasons: list[dict[str, Any]]) -> str:
    """One escaped line per reason: the signal, which message, its score and evidence."""
    lines = []
    for reason in reasons:
        signal = str(reason.get("signal", ""))
        line = f"• *{_SIGNALS.get(signal, slack_escape(signal))}*"
        if reason.get("message") is not None:
            line += f" · message {reason['message']}"
        if isinstance(reason.get("score"), (int, float)):
            line += f" · score {reason['score']:.2f}"
        if reason.get("evidence"):
            line += " — " + fit(str(reason["evidence"]), 300, prefix="“", suffix="”")
        lines.append(line)
    text, kept = "*Why*", 0
    for line in lines:
        rest = f"\n… and {len(lines) - kept} more"
        if len(text) + 1 + len(line) + len(rest) > SECTION_TEXT_LIMIT:
            return text + rest
        text, kept = f"{text}\n{line}", kept + 1
    return text


def faq_text(faq_tried: list[dict[str, Any]]) -> str:
    """One escaped line naming the FAQ entries the bot tried, with their scores."""
    if not faq_tried:
        return "FAQ tried: none"
    entries = []
    for entry in faq_tried:
        name = str(entry.get("question") or entry.get("id") or "?")
        score = entry.get("score")
        entries.append(f"{name} ({score:.2f})" if isinstance(score, (int, float)) else name)
    return fit("; ".join(entries), FIELD_LIMIT, prefix="FAQ tried: ")


def transcript_messages(ticket: Ticket) -> list[str]:
    """The transcript as mrkdwn messages of at most 3,500 characters, one line per turn."""
    lines = ["*Transcript* (times in UTC)"]
    day = None
    for message in ticket.transcript:
        at = _utc(message.at)
        if day is not None and at.date() != day:
            lines.append(f"_{at:%Y-%m-%d}_")
        day = at.date()
        lines.append(message_line(message, ticket.customer))
    return chunks(lines) if ticket.transcript else []


def message_line(message: TicketMessage, customer: str) -> str:
    """One turn: ``HH:MM``, who wrote it, and the text, escaped."""
    if message.author == "customer":
        author = customer
    elif message.author == "agent":
        author = f"{message.name or 'Agent'} (agent)"
    else:
        author = "Bot"
    return f"`{clock(message.at)}` *{slack_escape(author)}*: {slack_escape(message.text)}"


def chunks(lines: list[str], limit: int = TRANSCRIPT_CHUNK_LIMIT) -> list[str]:
    """Escaped ``lines`` joined into messages of at most ``limit`` characters.

    A line longer than ``limit`` is cut, never inside an ``&amp;``-style entity.
    """
    out: list[str] = []
    current = ""
    for line in lines:
        for piece in _pieces(line, limit):
            if current and len(current) + 1 + len(piece) <= limit:
                current = f"{current}\n{piece}"
            else:
                if current:
                    out.append(current)
                current = piece
    if current:
        out.append(current)
    return out


def reminder_text(ticket: Ticket, waited_minutes: int) -> str:
    """The nudge when nobody has claimed ``ticket``."""
    hours, minutes = divmod(max(waited_minutes, 0), 60)
    waited = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    who = slack_escape(ticket.customer)
    return (
        f":alarm_clock: {who} ({channel_label(ticket.channel)}) has waited {waited} "
        "for an agent. Claim the ticket on the card above."
    )


def event_note(ticket: Ticket, event: str, agent: str | None) -> str:
    """A line for the card's thread: "Claimed by Alice", "Rated 4/5"."""
    if event == "rated":
        return f":star: Rated {ticket.csat}/5" if ticket.csat is not None else ":star: Rated"
    template = _NOTES.get(event)
    if template is None:
        return slack_escape(event.capitalize())
    return template.format(by=f" by {slack_escape(agent)}" if agent else "")


def channel_label(channel: str) -> str:
    return _CHANNELS.get(channel, channel.capitalize())


def clock(at: datetime | None, *, dated: bool = False) -> str:
    """``HH:MM`` (or ``YYYY-MM-DD HH:MM UTC``) in UTC; a naive time is taken as UTC."""
    if at is None:
        return "?"
    return f"{_utc(at):%Y-%m-%d %H:%M} UTC" if dated else f"{_utc(at):%H:%M}"


def fit(text: str, limit: int, *, prefix: str = "", suffix: str = "") -> str:
    """``prefix`` + escaped ``text`` + ``suffix`` in at most ``limit`` characters.

    The text is shortened (with an ellipsis) before escaping, so no entity is cut.
    """
    room = limit - len(prefix) - len(suffix)
    escaped = slack_escape(text)
    if len(escaped) <= room:
        return prefix + escaped + suffix
    kept, used = [], 1  # 1 for the ellipsis
    for char in text:
        size = len(slack_escape(char))
        if used + size > room:
            break
        kept.append(char)
        used += size
    return prefix + slack_escape("".join(kept).rstrip()) + "…" + suffix


def _pieces(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        cut = limit
        amp = line.rfind("&", limit - 5, limit)
        if amp != -1 and ";" not in line[amp:limit]:
            cut = amp
        pieces.append(line[:cut])
        line = line[cut:]
    return [*pieces, line] if line else pieces


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _buttons(ticket: Ticket) -> list[dict[str, Any]]:
    if ticket.status not in ACTIVE:
        return []
    buttons = [] if ticket.status == "claimed" else [_button("Claim", CLAIM, ticket.id, "primary")]
    buttons.append(_button("Resolve", RESOLVE, ticket.id))
    buttons.append(_button("Return to bot", RETURN, ticket.id))
    return buttons


def _button(title: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": title},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
