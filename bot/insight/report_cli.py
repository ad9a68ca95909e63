"""``frontline report [--since 7d] [--out DIR] [--json]``."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.settings import get_settings

_SPAN = re.compile(r"^(\d+)([hdw])$")
_UNIT = {"h": "hours", "d": "days", "w": "weeks"}


def span(text: str) -> timedelta:
    """``7d``, ``24h`` or ``2w``."""
    found = _SPAN.match(text.strip())
    if not found:
        raise argparse.ArgumentTypeError(f"not a period like 7d, 24h or 2w: {text!r}")
    return timedelta(**{_UNIT[found[2]]: int(found[1])})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since", type=span, default=timedelta(days=7), help="period to report: 7d, 24h, 2w"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("var/report"), help="folder for report.html and the CSV"
    )
    parser.add_argument("--json", action="store_true", help="print the headline figures as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.hours.config import load_hours
    from bot.insight.analytics import collect, knowledge_entries
    from bot.insight.report import write_csv, write_html
    from bot.store.db import create_database, session_factory
    from bot.store.engine import connect

    settings = get_settings()
    until = datetime.now(timezone.utc)
    since = until - args.since
    analytics = collect(
        tracker=connect(settings.tracker_store_url_or_default),
        sessions=session_factory(create_database(settings.database_url_or_default)),
        hours=load_hours(settings.hours_file),
        entries=knowledge_entries(settings.faq_dir, default_language=settings.default_language),
        settings=settings,
        since=since,
        until=until,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(analytics.outcomes, args.out / "conversations.csv")
    period = f"{since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC"
    write_html(analytics.figures, args.out / "report.html", period=period)
    if args.json:
        json.dump(analytics.figures, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        f = analytics.figures
        print(
            f"{f['conversations']} conversations ({period}): "
            f"automated resolution {100 * f['automated_resolution_rate']:.1f}%, "
            f"handoff {100 * f['handoff_rate']:.1f}%"
        )
        print(f"wrote {args.out / 'report.html'} and {args.out / 'conversations.csv'}")
    return 0
