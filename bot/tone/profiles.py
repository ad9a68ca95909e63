"""Tone profiles: how Frontline sounds on a channel, in a language (``tone.yml``).

A profile is chosen per channel, and a channel's profile can be overridden per
language (German and Spanish are formal on Slack, say). Loading validates the
whole file and names the profile and field of every problem, like the FAQ loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

FORMALITIES = ("formal", "neutral", "casual")
MARKUPS = ("markdown", "telegram-html", "slack-mrkdwn")
PHRASES = ("greeting", "sign_off", "apology", "empathy", "regret")
_SETTINGS = ("formality", "emoji", "exclamations", "max_chars", "max_messages", "markup")
#: What the crisis overlay may set: the voice, never the channel's limits or markup.
CRISIS_SETTINGS = ("formality", "emoji", "exclamations")


class ToneConfigError(ValueError):
    """``tone.yml`` is invalid; every problem is listed with its place."""

    def __init__(self, file: Path, problems: list[str]) -> None:
        super().__init__(f"{file}: " + "; ".join(problems))
        self.file = file
        self.problems = problems


@dataclass(frozen=True)
class ToneProfile:
    """The tone for one channel and one language.

    Attributes:
        name: The profile's name in ``tone.yml`` (``telegram``, ``slack``, ``web``).
        language: The language this profile was resolved for.
        formality: ``formal`` (Sie, usted, vous), ``neutral`` (polite, plain) or
            ``casual`` (du, tú, tu).
        emoji: Whether emoji may be shown; the renderer strips them otherwise.
        exclamations: Whether ``!`` may be shown; otherwise it becomes ``.``.
        max_chars: Longest single message; longer answers become several messages.
        max_messages: Most messages one answer should take (``frontline tone check``).
        markup: The dialect the channel renders.
        phrases: ``greeting``, ``sign_off``, ``apology``, ``empathy`` and ``regret`` (an
            apology for the customer's trouble) texts.
    """

    name: str
    language: str
    formality: str = "neutral"
    emoji: bool = False
    exclamations: bool = True
    max_chars: int = 1500
    max_messages: int = 3
    markup: str = "markdown"
    phrases: dict[str, str] = field(default_factory=dict)

    @property
    def register(self) -> str:
        """Which answer variant fits: ``casual`` (T forms) or ``formal`` (V forms)."""
        return "casual" if self.formality == "casual" else "formal"


@dataclass(frozen=True)
class ToneBook:
    """Every profile of ``tone.yml``, and which channel uses which."""

    profiles: dict[str, dict[str, Any]]
    channels: dict[str, str]
    languages: list[str]
    review_phrases: dict[str, list[str]] = field(default_factory=dict)
    default_profile: str = "web"
    crisis: dict[str, Any] = field(default_factory=dict)

    def profile(self, channel: str | None, language: str, *, crisis: bool = False) -> ToneProfile:
        """The profile ``channel`` uses for ``language`` (unknown channels get the default).

        ``crisis``: with the crisis overlay of ``tone.yml`` on top, so that every channel
        speaks with one voice during an incident.
        """
        profile = self.named(self.channels.get(channel or "", self.default_profile), language)
        return replace(profile, **self.crisis) if crisis else profile

    def named(self, name: str, language: str) -> ToneProfile:
        """Profile ``name`` of ``tone.yml``, resolved for ``language``."""
        raw = self.profiles[name]
        settings = {key: raw[key] for key in _SETTINGS if key in raw}
        settings.update(raw.get("locales", {}).get(language, {}))
        phrases = dict(raw.get("phrases", {}).get(language, {}))
        base = ToneProfile(name=name, language=language, phrases=phrases)
        return replace(base, **{k: v for k, v in settings.items() if k in _SETTINGS})


def load_tone_book(path: Path, *, languages: list[str]) -> ToneBook:
    """Read and validate ``tone.yml`` for the supported ``languages``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ToneConfigError(path, [f"cannot read: {error}"]) from error
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ToneConfigError(path, ["the file must be a mapping with 'profiles' and 'channels'"])
    profiles = data.get("profiles")
    channels = data.get("channels")
    if not isinstance(profiles, dict) or not profiles:
        raise ToneConfigError(path, ["'profiles' must map profile names to profiles"])
    if not isinstance(channels, dict):
        raise ToneConfigError(path, ["'channels' must map channel names to profile names"])
    for name, raw in profiles.items():
        problems += _check_profile(str(name), raw, languages)
    for channel, name in channels.items():
        if name not in profiles:
            problems.append(f"channel '{channel}': unknown profile '{name}'")
    default = str(data.get("default_profile", "web"))
    if default not in profiles:
        problems.append(f"default_profile: unknown profile '{default}'")
    review = data.get("review_phrases", {}) or {}
    if not isinstance(review, dict) or not all(isinstance(v, list) for v in review.values()):
        problems.append("review_phrases: must map languages to lists of phrases")
        review = {}
    crisis = data.get("crisis", {}) or {}
    if not isinstance(crisis, dict):
        problems.append("crisis: must be a mapping of tone settings")
        crisis = {}
    problems += _check_settings("crisis", crisis)
    problems += [
        f"crisis: '{key}' cannot be set (only {', '.join(CRISIS_SETTINGS)})"
        for key in crisis
        if key not in CRISIS_SETTINGS
    ]
    if problems:
        raise ToneConfigError(path, problems)
    return ToneBook(
        profiles={str(k): v for k, v in profiles.items()},
        channels={str(k): str(v) for k, v in channels.items()},
        languages=list(languages),
        review_phrases={str(k): [str(p) for p in v] for k, v in review.items()},
        default_profile=default,
        crisis={str(k): v for k, v in crisis.items()},
    )


def _check_profile(name: str, raw: Any, languages: list[str]) -> list[str]:
    where = f"profile '{name}'"
    if not isinstance(raw, dict):
        return [f"{where}: must be a mapping"]
    problems = _check_settings(where, raw)
    known = {*_SETTINGS, "phrases", "locales"}
    problems += [f"{where}: unknown field '{key}'" for key in raw if key not in known]
    locales = raw.get("locales", {}) or {}
    if not isinstance(locales, dict):
        problems.append(f"{where}, field 'locales': must map languages to overrides")
        locales = {}
    for language, override in locales.items():
        if language not in languages:
            problems.append(f"{where}, locale '{language}': not a supported language")
        elif not isinstance(override, dict):
            problems.append(f"{where}, locale '{language}': must be a mapping")
        else:
            problems += _check_settings(f"{where}, locale '{language}'", override)
            problems += [
                f"{where}, locale '{language}': '{key}' cannot be overridden per language"
                for key in override
                if key not in _SETTINGS
            ]
    phrases = raw.get("phrases", {}) or {}
    for language in languages:
        given = phrases.get(language) if isinstance(phrases, dict) else None
        if not isinstance(given, dict):
            problems.append(f"{where}, field 'phrases': missing language '{language}'")
            continue
        for phrase in PHRASES:
            if not isinstance(given.get(phrase), str) or not given[phrase].strip():
                problems.append(f"{where}, field 'phrases.{language}.{phrase}': missing")
    return problems


def _check_settings(where: str, raw: dict[str, Any]) -> list[str]:
    problems = []
    if "formality" in raw and raw["formality"] not in FORMALITIES:
        problems.append(f"{where}, field 'formality': must be one of {', '.join(FORMALITIES)}")
    if "markup" in raw and raw["markup"] not in MARKUPS:
        problems.append(f"{where}, field 'markup': must be one of {', '.join(MARKUPS)}")
    for flag in ("emoji", "exclamations"):
        if flag in raw and not isinstance(raw[flag], bool):
            problems.append(f"{where}, field '{flag}': must be true or false")
    for count in ("max_chars", "max_messages"):
        value = raw.get(count)
        if count in raw and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            problems.append(f"{where}, field '{count}': must be a positive whole number")
    return problems
