"""Synthetic customer traffic for the surge benchmark, from public query sets (seeded).

Texts: BANKING77 test queries (English), ArBanking77 test queries (Modern Standard and
Palestinian Arabic, labelled with BANKING77's intents), and xSID test queries in ten
languages as off-topic chatter. Nothing is copied into the repository; the trace and the
knowledge base go to the output folder.

Volume: ``per_day`` messages a day on average, in 5-minute slots shaped by the hour of
the day and the day of the week (weekends quieter), times a day factor (log-normal, sd
0.08) and Poisson noise. Intents follow a Zipf law (exponent 0.7) over a seeded order,
and each intent's share moves from day to day (log-normal, sd 0.15): the overdispersion
real topics have. Each message comes in on web (50%), Telegram (30%) or Slack (20%).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.eval.datasets import LabelledText, load, xsid_languages
from bot.eval.surge_trace import TraceRow

SLOT = timedelta(minutes=5)
SLOTS_PER_DAY = 288
STREAMS = {"en": 0.75, "ar-msa": 0.08, "ar-pal": 0.07}
"""Shares of the banking traffic by language stream; the rest is chatter."""
CHATTER = 0.10
CHATTER_LANGUAGES = ("en", "de", "it", "nl", "da", "tr", "id", "zh", "ja", "sr")
CHANNELS = (("web", 0.5), ("telegram", 0.3), ("slack", 0.2))
ZIPF = 0.7
DAY_SD = 0.08
TOPIC_DAY_SD = 0.15
HOURLY = (
    0.25, 0.15, 0.1, 0.1, 0.1, 0.15, 0.35, 0.7, 1.1, 1.5, 1.7, 1.75,
    1.7, 1.65, 1.6, 1.55, 1.5, 1.45, 1.35, 1.3, 1.25, 1.0, 0.7, 0.45,
)  # fmt: skip
WEEKDAY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.7, 0.6)


def language_of(stream: str) -> str:
    """The language code of a stream (``ar-msa`` and ``ar-pal`` are both Arabic)."""
    return stream.split("-")[0]


@dataclass(frozen=True)
class Pools:
    """The texts traffic is drawn from.

    Attributes:
        banking: Per stream, per intent, the queries.
        chatter: Off-topic messages with their languages.
        kb: The knowledge base: 10 English BANKING77 train phrasings and 5 Arabic
            ArBanking77 validation phrasings per intent (never test queries).
    """

    banking: dict[str, dict[str, list[str]]]
    chatter: list[tuple[str, str]]
    kb: list[LabelledText]

    @property
    def intents(self) -> list[str]:
        """The intents, sorted."""
        return sorted(self.banking["en"])


def load_pools(root: Path, *, seed: int = 13) -> Pools:
    """Read the query sets from the datasets folder ``root``."""
    english = load("banking77", root, k=10, seed=seed)
    msa = load("arbanking77", root, k=10, seed=seed, dialect="MSA")
    pal = load("arbanking77", root, k=10, seed=seed, dialect="PAL")
    banking = {
        stream: _by_label(rows)
        for stream, rows in (
            ("en", english.queries),
            ("ar-msa", msa.queries),
            ("ar-pal", pal.queries),
        )
    }
    rng = np.random.default_rng(seed)
    arabic_kb = []
    for label, texts in sorted(_by_label(msa.calibration).items()):
        picked = rng.choice(len(texts), size=min(5, len(texts)), replace=False)
        arabic_kb += [LabelledText(texts[i], label) for i in sorted(picked)]
    available = set(xsid_languages(root))
    chatter = [
        (row.text, lang)
        for lang in CHATTER_LANGUAGES
        if lang in available
        for row in load("xsid", root, lang=lang).queries
    ]
    return Pools(banking=banking, chatter=chatter, kb=[*english.kb, *arabic_kb])


def _by_label(rows: Sequence[LabelledText]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.label, []).append(row.text)
    return found


def popularity(intents: Sequence[str], *, seed: int) -> dict[str, float]:
    """Each intent's share of banking traffic: Zipf over a seeded order."""
    order = np.random.default_rng(seed).permutation(len(intents))
    weights = np.array([1 / (rank + 1) ** ZIPF for rank in range(len(intents))])
    weights /= weights.sum()
    return {intents[i]: float(weights[rank]) for rank, i in enumerate(order)}


def shape(at: datetime) -> float:
    """Relative volume at a moment: the hourly curve (interpolated) times the weekday."""
    hour = at.hour + at.minute / 60 - 0.5
    low = math.floor(hour)
    frac = hour - low
    value = HOURLY[low % 24] * (1 - frac) + HOURLY[(low + 1) % 24] * frac
    return value * WEEKDAY[at.weekday()]


@dataclass(frozen=True)
class Traffic:
    """The plan of a trace: when, how much, which intents.

    Attributes:
        start: Its first moment (a Monday, 00:00 UTC).
        weeks: Its length.
        per_day: Messages a day on average.
        shares: Each intent's share of banking traffic.
        seed: The random seed.
    """

    start: datetime
    weeks: int
    per_day: float
    shares: dict[str, float]
    seed: int

    def slots(self) -> list[datetime]:
        """Every 5-minute slot's start."""
        return [self.start + k * SLOT for k in range(self.weeks * 7 * SLOTS_PER_DAY)]

    def expected(self, at: datetime) -> float:
        """Expected messages in the slot at ``at`` (no noise)."""
        return self.per_day / SLOTS_PER_DAY * shape(at) / _mean_shape()


@lru_cache(maxsize=1)
def _mean_shape() -> float:
    monday = datetime(2026, 1, 5)
    return float(np.mean([shape(monday + k * SLOT) for k in range(7 * SLOTS_PER_DAY)]))


def base_rows(traffic: Traffic, pools: Pools) -> list[TraceRow]:
    """Ordinary traffic, unlabelled."""
    rng = np.random.default_rng(traffic.seed)
    intents = list(traffic.shares)
    base_share = np.array([traffic.shares[i] for i in intents])
    streams = [*STREAMS, "chatter"]
    stream_p = np.array([*STREAMS.values(), CHATTER])
    rows: list[TraceRow] = []
    slots = traffic.slots()
    for day in range(traffic.weeks * 7):
        day_factor = rng.lognormal(0.0, DAY_SD)
        share = base_share * rng.lognormal(0.0, TOPIC_DAY_SD, size=len(intents))
        share /= share.sum()
        for slot in slots[day * SLOTS_PER_DAY : (day + 1) * SLOTS_PER_DAY]:
            count = rng.poisson(traffic.expected(slot) * day_factor)
            if not count:
                continue
            offsets = np.sort(rng.uniform(0, SLOT.total_seconds(), size=count))
            kinds = rng.choice(len(streams), size=count, p=stream_p)
            picks = rng.choice(len(intents), size=count, p=share)
            for offset, kind, pick in zip(offsets, kinds, picks):
                at = slot + timedelta(seconds=float(offset))
                if streams[kind] == "chatter":
                    text, language = pools.chatter[rng.integers(len(pools.chatter))]
                else:
                    texts = pools.banking[streams[kind]][intents[pick]]
                    text, language = texts[rng.integers(len(texts))], language_of(streams[kind])
                rows.append(TraceRow(at, text, "", draw_channel(rng), language))
    return rows


def draw_channel(rng: np.random.Generator) -> str:
    draw = rng.random()
    for name, share in CHANNELS:
        if draw < share:
            return name
        draw -= share
    return CHANNELS[-1][0]


def topic_rate(
    traffic: Traffic, pools: Pools, *, intent: str | None, matches: Callable[[str], bool]
) -> float:
    """A topic's share of all traffic: an intent's (all streams), or the share of banking
    messages ``matches`` accepts (a keyword set) when ``intent`` is None."""
    total = 0.0
    for stream, weight in STREAMS.items():
        for name, texts in pools.banking[stream].items():
            if intent is not None and name != intent:
                continue
            found = len(texts) if intent is not None else sum(map(matches, texts))
            total += weight * traffic.shares[name] * found / len(texts)
    return total
