"""What every Frontline channel shares: dedupe, metadata, isolation, one outgoing shape.

A platform adapter turns its update into a :class:`Turn` and hands it to
:meth:`ChannelBase.deliver_turn`, which drops redeliveries, remembers where the
conversation lives, and passes the message and its metadata to Rasa. Replies come
back through a :class:`FrontlineOutput`, which gives each platform one
:class:`Outgoing` message (text, buttons or quick replies) to render natively.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.pressure import TurnSlots
from bot.channels.redact import redact
from bot.channels.texts import system_text
from bot.locale.resolve import supported_language
from bot.settings import get_settings
from bot.store.addresses import AddressBook
from bot.store.deliveries import BEAT_EVERY, Claim, DeliveryLog
from bot.store.saved_turns import SavedTurns
from bot.turn.metadata import BUTTON_TITLE, MessageMetadata, read_metadata

log = logging.getLogger(__name__)

CLAIM_POLL_S = 0.5


class TurnNotTaken(Exception):
    """Rasa failed the turn before saving it: nothing of it stands, so send it again.

    Replies it produced may already have gone out on live platforms; a client that
    buffers them (REST) must drop them and ask for the resend instead.
    """


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@dataclass(frozen=True)
class Profile:
    """Who is writing, as far as the platform tells us."""

    platform: str
    user_id: str
    display_name: str | None = None
    locale_hint: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Turn:
    """One customer message, ready for Rasa.

    Attributes:
        sender_id: Rasa's conversation id, namespaced by platform.
        text: The message text, or a ``/intent`` payload for commands and clicks.
        profile: Who wrote it.
        address: Where replies go (chat id, channel and thread, session room).
        delivery_key: The platform's id for this delivery, for dedupe; None skips it.
        extra: More metadata (``edited``, ``command``, ``content``...).
    """

    sender_id: str
    text: str
    profile: Profile
    address: dict[str, Any]
    delivery_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> MessageMetadata:
        """The message metadata Rasa stores with the user event (read back by the turn)."""
        return read_metadata({**asdict(self.profile), "address": self.address, **self.extra})

    @property
    def shown(self) -> str:
        """What the customer saw themselves send: a click's button title, else the text."""
        title = self.extra.get(BUTTON_TITLE)
        return str(title) if title else self.text


def typed(text: str) -> str:
    """Text a customer typed, made safe to hand to Rasa.

    Rasa reads a message starting with ``/`` as an intent with entities. Only
    buttons may send those; typed text loses its leading slashes.
    """
    stripped = text.strip()
    return stripped.lstrip("/").lstrip() if stripped.startswith("/") else stripped


@dataclass(frozen=True)
class Button:
    title: str
    payload: str = ""
    url: str | None = None

    @classmethod
    def from_rasa(cls, button: dict[str, Any]) -> Button:
        url = button.get("url")
        return cls(
            title=str(button.get("title", "")),
            payload=str(button.get("payload", "")),
            url=str(url) if url else None,
        )


@dataclass(frozen=True)
class Author:
    """A person from the team who wrote a message (the bot's messages have none)."""

    name: str
    avatar: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """One bot message in a platform-neutral shape.

    Attributes:
        text: Markdown-lite text (see :mod:`bot.tone.markup`).
        buttons: Choices attached to the message.
        quick_replies: True when the choices are one-off suggestions that go
            away once used, rather than buttons that belong to the message.
        image: URL of an image to show.
        attachment: URL of a file or other attachment.
        author: The agent who wrote it; None for the bot.
    """

    text: str = ""
    buttons: tuple[Button, ...] = ()
    quick_replies: bool = False
    image: str | None = None
    attachment: str | None = None
    author: Author | None = None

    @classmethod
    def from_rasa(cls, message: dict[str, Any]) -> Outgoing:
        """Rasa's response dict (``text``, ``buttons``, ``quick_replies``, ``image``...)."""
        choices = message.get("quick_replies") or message.get("buttons") or []
        text = str(message.get("text") or "")
        custom = message.get("custom") or message.get("elements")
        if custom and not text:
            text = str(custom.get("text", "")) if isinstance(custom, dict) else ""
        attachment = message.get("attachment")
        return cls(
            text=text,
            buttons=tuple(Button.from_rasa(b) for b in choices if isinstance(b, dict)),
            quick_replies=bool(message.get("quick_replies")),
            image=str(message["image"]) if message.get("image") else None,
            attachment=str(attachment) if isinstance(attachment, str) else None,
        )

    def as_text(self, *, language: str = "en", channel: str | None = None) -> str:
        """The whole message as markdown-lite text, for platforms without buttons."""
        parts = [self.text] if self.text else []
        if self.image:
            parts.append(self.image)
        if self.attachment:
            parts.append(self.attachment)
        if self.buttons:
            lines = [system_text("choose_option", language, channel=channel)]
            lines += [
                f"{i}. {b.title}" + (f" ({b.url})" if b.url else "")
                for i, b in enumerate(self.buttons, 1)
            ]
            parts.append("\n".join(lines))
        return "\n\n".join(parts)


DISABLE_BUTTONS = "disable_buttons"
"""A custom message (``{"frontline": "disable_buttons"}``): a person takes over, so the
buttons shown so far can no longer be used."""


class FrontlineOutput(OutputChannel):
    """Rasa output channel that hands each response to :meth:`send` as one ``Outgoing``."""

    async def send(self, recipient_id: str, message: Outgoing) -> None:
        raise NotImplementedError

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("frontline") == DISABLE_BUTTONS:
            await self.disable_buttons(recipient_id)
            return
        outgoing = Outgoing.from_rasa(message)
        if outgoing.text or outgoing.buttons or outgoing.image or outgoing.attachment:
            await self.send(recipient_id, outgoing)

    async def disable_buttons(self, recipient_id: str) -> None:
        """Make the buttons shown so far unusable, where the platform can."""

    async def send_agent_message(self, recipient_id: str, text: str, *, author: Author) -> None:
        """An agent's message, signed with their name (the widget shows it natively)."""
        await self.send(recipient_id, Outgoing(text=f"**{author.name}:** {text}", author=author))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send(recipient_id, Outgoing(text=text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send(
            recipient_id, Outgoing(text=text, buttons=tuple(map(Button.from_rasa, buttons)))
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        choices = tuple(map(Button.from_rasa, quick_replies))
        await self.send(recipient_id, Outgoing(text=text, buttons=choices, quick_replies=True))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send(recipient_id, Outgoing(image=image))

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self.send(recipient_id, Outgoing(attachment=attachment))


class HandoffGate(Protocol):
    """The handoff as a channel sees it (:class:`bot.handoff.hub.Hub`)."""

    def handed_off(self, sender_id: str) -> bool: ...

    async def customer_wrote(self, sender_id: str, text: str) -> None: ...

    def join(
        self, blueprint: Blueprint, *, channel: str, output: Callable[[], OutputChannel | None]
    ) -> None: ...


class ChannelBase:
    """Dedupe, address book, failure isolation and the handoff gate, shared by every
    input channel.

    While a person has the conversation, Rasa records the customer's messages but
    stays silent (the conversation is paused); the gate forwards each one to the
    agents once Rasa has recorded it.
    """

    #: Whether the client collects replies from the response (REST) and so never got
    #: those of a turn whose process died after saving it.
    replays_saved = False

    def __init__(
        self,
        *,
        deliveries: DeliveryLog,
        addresses: AddressBook,
        slots: TurnSlots | None = None,
        saved: SavedTurns | None = None,
    ) -> None:
        self.deliveries = deliveries
        self.addresses = addresses
        self.slots = slots
        self.saved = saved
        self.handoff: HandoffGate | None = None

    @classmethod
    def name(cls) -> str:
        raise NotImplementedError

    def get_output_channel(self) -> OutputChannel | None:
        """Where replies that answer no message go (an agent's); None when unreachable."""
        return None

    def join_handoff(self, blueprint: Blueprint, gate: HandoffGate | None = None) -> None:
        """Take part in handoffs: the gate, and how agents' messages reach this channel."""
        if gate is None:
            from bot.handoff.hub import hub

            gate = hub()
        self.handoff = gate
        gate.join(blueprint, channel=self.name(), output=self.get_output_channel)

    def handed_off(self, sender_id: str) -> bool:
        """Whether a person has this conversation (no typing indicator, no bot reply)."""
        return self.handoff is not None and self.handoff.handed_off(sender_id)

    async def deliver_turn(
        self,
        turn: Turn,
        *,
        output: OutputChannel,
        on_new_message: OnNewMessage,
        handed_off: bool | None = None,
    ) -> bool:
        """Pass ``turn`` to Rasa unless it is a redelivery; True when it was passed on.

        ``handed_off`` is :meth:`handed_off` for the turn when the caller already asked.
        When the process already works on as many turns as it may, the customer is told
        at once that we are busy, and the message is not passed on.
        """
        settings = get_settings()
        language = (
            supported_language(turn.profile.locale_hint, supported=list(settings.languages))
            or settings.default_language
        )
        if len(turn.text) > settings.max_message_chars:
            # Before any work: encoding a huge message would hold up everyone's turns.
            limit = settings.max_message_chars
            log.warning("%s: refused a %d-character message", self.name(), len(turn.text))
            text = system_text("too_long", language, channel=self.name(), limit=limit)
            await output.send_text_message(turn.sender_id, text)
            return False
        if self.slots is None:
            return await self._deliver(turn, output, on_new_message, handed_off)
        with self.slots.slot() as free:
            if free:
                return await self._deliver(turn, output, on_new_message, handed_off)
        log.warning("%s: busy (%d turns in flight); asked to resend", self.name(), self.slots.limit)
        busy = system_text("busy", language, channel=self.name())
        await output.send_text_message(turn.sender_id, busy)
        return False

    async def _deliver(
        self,
        turn: Turn,
        output: OutputChannel,
        on_new_message: OnNewMessage,
        handed_off: bool | None,
    ) -> bool:
        key = turn.delivery_key
        if key is not None and not await self._claim(turn, key, output):
            log.info("%s: dropped redelivery %s", self.name(), key)
            return False
        self.addresses.remember(
            turn.sender_id,
            channel=self.name(),
            address=turn.address,
            profile=asdict(turn.profile),
        )
        if handed_off is None:
            handed_off = self.handed_off(turn.sender_id)
        message = UserMessage(
            turn.text,
            output,
            turn.sender_id,
            input_channel=self.name(),
            metadata=turn.metadata(),
            # The same delivery keeps its id when a resend runs it again elsewhere, so
            # the action server hands back the answer it already gave (its turn ledger).
            message_id=stable_message_id(self.name(), key) if key is not None else None,
        )
        try:
            async with self._beating(key):
                await on_new_message(message)
        except Exception as error:
            # Rasa saves the conversation last: a turn that raised left nothing behind
            # (Redis or the database down, a reply that could not be sent), so the
            # platform's or client's resend must be taken.
            if key is not None:
                self.deliveries.release(self.name(), key)
            raise TurnNotTaken(turn.sender_id) from error
        if key is not None:
            self.deliveries.finish(self.name(), key)
        if handed_off and self.handoff is not None:
            await self.handoff.customer_wrote(turn.sender_id, turn.shown)
        return True

    async def _claim(self, turn: Turn, key: str, output: OutputChannel) -> bool:
        """True when this process is to run the delivery ``key``.

        A resend that finds the first delivery still running waits for it: it is
        dropped once that run finishes, and takes over if its process dies, unless
        that process saved the turn before it died. A channel whose client buffers
        replies (``replays_saved``) gets the saved replies instead of nothing.
        """
        deadline = time.monotonic() + get_settings().lock_lifetime
        claim = self.deliveries.claim(self.name(), key)
        while claim is Claim.RUNNING and time.monotonic() < deadline:
            await asyncio.sleep(CLAIM_POLL_S)
            claim = self.deliveries.recheck(self.name(), key)
        if claim is Claim.RUN:
            return True
        replies = None
        if self.saved is not None and claim in (Claim.TAKEN, Claim.DONE):
            replies = self.saved.replies(turn.sender_id, stable_message_id(self.name(), key))
        if claim is Claim.TAKEN:
            if replies is None:
                return True  # its process died before saving anything: run it
            self.deliveries.finish(self.name(), key)
        if replies and self.replays_saved:
            for reply in replies:
                await output.send_response(turn.sender_id, reply)
        return False

    @contextlib.asynccontextmanager
    async def _beating(self, key: str | None) -> AsyncIterator[None]:
        """Beat on the claim of ``key`` while the turn runs: this process is alive."""
        if key is None:
            yield
            return

        async def beat() -> None:
            while True:
                await asyncio.sleep(BEAT_EVERY.total_seconds())
                try:
                    self.deliveries.beat(self.name(), key)
                except Exception:  # a missed beat only risks a resend waiting longer
                    log.warning("%s: could not beat on delivery %s", self.name(), key)

        beating = asyncio.create_task(beat())
        try:
            yield
        finally:
            beating.cancel()


def stable_message_id(channel: str, key: str) -> str:
    """Rasa's message id for a platform delivery: the same on every replica and resend."""
    return hashlib.sha256(f"{channel}:{key}".encode()).hexdigest()[:32]


async def run_isolated(
    channel: str,
    what: str,
    work: Awaitable[Any],
    *,
    apology: Callable[[], Awaitable[Any]] | None = None,
) -> bool:
    """Await ``work``; on failure log it with personal data redacted, then apologise.

    This is the isolation boundary: one bad update must never take a channel down.
    Returns True when ``work`` succeeded.
    """
    try:
        await work
        return True
    except Exception as error:
        details = redact("".join(traceback.format_exception(error)))
        log.error("%s: failed to handle %s\n%s", channel, redact(what), details)
    if apology is not None:
        try:
            await apology()
        except Exception as error:
            log.error("%s: could not apologise either: %s", channel, redact(repr(error)))
    return False


class ChannelOff(InputChannel):
    """Stands in for a channel whose credentials are not set.

    Its health route and webhooks answer 503 with the variable to set, so a
    platform pointed at a half-configured server gets a clear answer.
    """

    channel = "off"

    def __init__(self, *, variable: str, webhooks: tuple[str, ...]) -> None:
        self.variable = variable
        self.webhooks = webhooks

    @classmethod
    def named(cls, channel: str, *, variable: str, webhooks: tuple[str, ...]) -> ChannelOff:
        """An instance whose ``name()`` is ``channel``, mounted where that channel would be."""
        kind = type(f"{channel.title()}ChannelOff", (cls,), {"channel": channel})
        log.info("%s: off (set %s to switch it on)", channel, variable)
        return kind(variable=variable, webhooks=webhooks)

    @classmethod
    def name(cls) -> str:
        return cls.channel

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hooks = Blueprint(f"{self.name()}_off")
        reason = f"The {self.name()} channel is off: set {self.variable}."

        async def off(_: Request) -> HTTPResponse:
            return response.json(
                {"status": "off", "missing": self.variable, "detail": reason}, status=503
            )

        hooks.add_route(off, "/", methods=["GET"], name="health")
        for index, path in enumerate(self.webhooks):
            hooks.add_route(off, path, methods=["POST"], name=f"webhook_{index}")
        return hooks
