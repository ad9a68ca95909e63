"""``frontline eval surge``: replay a trace of customer messages and score the surge alerts.

    frontline eval surge --trace FILE.csv [--json OUT.json]

The trace's columns are ``timestamp,text[,label,channel,language]``; ``label`` is the id of
the incident a row was injected for. Each distinct text gets its topics (FAQ entry by the
real matcher against ``--kb``, and ``crisis.yml``'s keyword sets) and its anger once; the
rows are then replayed in time order through :class:`bot.crisis.detector.SurgeDetector`
with ``crisis.yml``'s rules. :mod:`bot.eval.surge` defines detected, false alarm and delay.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from bot.settings import get_settings

TOPIC_SOURCES = ("both", "faq", "keywords")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``frontline eval surge`` options to ``parser`` and set its handler."""
    parser.add_argument("--trace", type=Path, required=True, help="timestamp,text[,label] CSV")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--config", type=Path, help="crisis file (default: FRONTLINE_CRISIS_FILE)")
    parser.add_argument(
        "--kb", type=Path, help="FAQ folder or text,label CSV of phrasings (default: the FAQ)"
    )
    parser.add_argument(
        "--topics",
        choices=TOPIC_SOURCES,
        default="both",
        help="topics from FAQ matches, from the keyword sets, or both (default)",
    )
    parser.add_argument("--no-anger", action="store_true", help="skip the anger signal")
    parser.add_argument(
        "--naive",
        type=int,
        default=None,
        metavar="N",
        help="also score a naive detector that alerts at N messages per topic and window",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The handler. Returns 0, or 1 when the trace or the crisis file is invalid."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "2")
    from bot.crisis.config import load_crisis
    from bot.errors import ConfigError
    from bot.eval.surge import Fired, fired_of, incidents_of, lookup, replay, score
    from bot.eval.surge_trace import read_trace

    settings = get_settings()
    try:
        config = load_crisis(args.config or settings.crisis_file)
        rows = read_trace(args.trace)
    except ConfigError as invalid:
        for problem in invalid.problems:
            print(f"ERROR   {problem}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as invalid:
        print(f"ERROR   {invalid}", file=sys.stderr)
        return 1
    if not rows:
        print(f"ERROR   {args.trace}: no rows", file=sys.stderr)
        return 1
    texts = list(dict.fromkeys(row.text for row in rows))
    topics, angry, described = _assign(texts, args, settings, config.topics)
    table = lookup(topics)
    result = replay(
        rows,
        topics_of=table,
        angry_of=lambda text: angry.get(text, False),
        rules=config.rules,
        naive_threshold=args.naive,
    )
    incidents = incidents_of(rows, table)

    def scored(fired: list[Fired]) -> dict[str, Any]:
        return score(fired, incidents, armed_from=result.armed_from, last=result.last, rules=rules)

    rules = config.rules
    figures: dict[str, Any] = {
        "trace": str(args.trace),
        "rows": len(rows),
        "distinct_texts": len(texts),
        "topics": described,
        "rules": vars(config.rules),
        "armed_from": result.armed_from.isoformat() if result.armed_from else None,
        **scored(fired_of(result.alerts)),
        "alert_evidence": [alert.payload() for alert in result.alerts],
    }
    if args.naive:
        figures["naive"] = {"threshold": args.naive, **scored(result.naive)}
    for line in summary(figures):
        print(line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(figures, indent=2, ensure_ascii=False, default=str)
        args.json.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


def _assign(
    texts: list[str], args: argparse.Namespace, settings: Any, keywords: Any
) -> tuple[dict[str, Any], dict[str, bool], str]:
    """Topics and anger per distinct text, and a line saying how they were found."""
    from bot.eval.surge_topics import (
        anger_table,
        faq_topic_table,
        keyword_topic_table,
        merge,
        stored_encoders,
    )
    from bot.faq.cache import EmbeddingCache

    tables = []
    described = []
    if args.topics in ("both", "keywords"):
        tables.append(keyword_topic_table(texts, keywords))
        described.append(f"keywords ({len(keywords.sets)} sets)")
    angry: dict[str, bool] = {}
    if args.topics in ("both", "faq") or not args.no_anger:
        cache = EmbeddingCache(settings.var_dir / "bench-embeddings.sqlite3")
        encoder, parts = stored_encoders(settings.encoder, cache)
        if args.topics in ("both", "faq"):
            kb = args.kb or settings.faq_dir
            tables.append(faq_topic_table(texts, kb_path=kb, settings=settings, encoder=encoder))
            described.append(f"FAQ ({kb}, {settings.encoder})")
        if not args.no_anger:
            angry = anger_table(texts, settings=settings, encoders=parts)
    described.append("anger signal" if not args.no_anger else "no anger signal")
    return merge(*tables), angry, "; ".join(described)


def summary(figures: dict[str, Any]) -> list[str]:
    """The figures a person reads first."""
    lines = [
        f"trace             {figures['trace']}: {figures['rows']} rows, "
        f"{figures['distinct_texts']} distinct texts",
        f"topics            {figures['topics']}",
        f"armed from        {figures['armed_from'] or 'never (shorter than the baseline)'}",
    ]
    rows = [("detector", figures)]
    if "naive" in figures:
        rows.append((f"naive (>= {figures['naive']['threshold']})", figures["naive"]))
    for name, found in rows:
        rate = found["detection_rate"]
        lines += [
            f"{name}:",
            f"  alerts                 {found['alerts']}",
            f"  detected               {found['detected']} of {found['incidents']}"
            + (f" ({100 * rate:.0f}%)" if rate is not None else ""),
            f"  false_alarms_per_week  {found['false_alarms_per_week']} "
            f"({found['false_alarms']} in {found['weeks_scored']} weeks; "
            f"{found['related_alerts']} more on topics related to an incident)",
            f"  median_delay_min       {found['median_delay_min']} (p90 {found['p90_delay_min']})",
        ]
    return lines
