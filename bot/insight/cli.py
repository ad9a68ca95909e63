"""``frontline faq suggest``: content suggestions from the questions the bot could not
answer, clustered across languages (:mod:`bot.insight.gaps`).

It reads Frontline's database and ``data/faq/``, loads the FAQ's multilingual encoder
(``FRONTLINE_ENCODER``, never the English-only tuned model), and prints the clusters,
most pressing first; ``--write`` also puts each draft into ``data/faq/_suggested/``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from bot.insight.report_cli import span
from bot.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list, one per cluster")
    parser.add_argument(
        "--write", action="store_true", help="write the drafts into data/faq/_suggested/"
    )
    parser.add_argument(
        "--since",
        type=since,
        default="30d",
        help="questions asked in this window (30d, 24h, 2w) or since an ISO date (default 30d)",
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help="also keep them for the editors' page in the inbox (/agent/content)",
    )
    parser.add_argument("--limit", type=int, default=20, help="at most this many clusters")
    parser.add_argument("--examples", type=int, default=5, help="example questions per cluster")
    parser.set_defaults(handler=run)


def since(text: str, *, now: datetime | None = None) -> datetime:
    """A period before ``now`` as ``frontline report`` reads it (``7d``, ``24h``, ``2w``), or
    an ISO date or time (UTC unless it says)."""
    now = now or datetime.now(timezone.utc)
    try:
        return now - span(text)
    except argparse.ArgumentTypeError:
        pass
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"not a period like 7d, 24h or 2w, nor an ISO date: {text!r}"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def run(args: argparse.Namespace) -> int:
    from bot.faq.index import build_index
    from bot.faq.loader import load_knowledge_base
    from bot.insight.drafts import write_drafts
    from bot.insight.gap_sources import failed_questions
    from bot.insight.gaps import mine_gaps
    from bot.insight.suggest import describe, payload, save_suggestions, suggestions_file
    from bot.runtime import build_encoders
    from bot.store.addresses import AddressBook
    from bot.store.db import create_database, session_factory
    from bot.store.tickets import Tickets
    from bot.store.unanswered import UnansweredLog

    settings = get_settings()
    cutoff = args.since if isinstance(args.since, datetime) else since(args.since)
    now = datetime.now(timezone.utc)
    sessions = session_factory(create_database(settings.database_url_or_default))
    questions = failed_questions(
        log=UnansweredLog(sessions=sessions),
        tickets=Tickets(sessions=sessions),
        addresses=AddressBook(sessions=sessions),
        since=cutoff,
    )
    clusters = []
    if questions:
        encoder, _ = build_encoders(settings.copy(update={"faq_use_tuned": False}))
        kb = load_knowledge_base(settings.faq_dir, default_language=settings.default_language)
        index = build_index(
            kb,
            encoder=encoder,
            scoring=settings.faq_scoring,
            default_language=settings.default_language,
        )
        clusters = mine_gaps(questions, encoder=encoder, index=index, now=now)[: args.limit]
    today = now.date()
    found = [
        payload(
            c,
            rank=rank,
            examples=args.examples,
            default_language=settings.default_language,
            today=today,
        )
        for rank, c in enumerate(clusters, start=1)
    ]
    if args.save:
        saved = save_suggestions(found, path=suggestions_file(settings), at=now, since=cutoff)
        print(f"kept {len(found)} suggestion(s) for the inbox in {saved}", file=sys.stderr)
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        window = cutoff.date().isoformat()
        print(
            f"{len(questions)} unanswered question(s) since {window}: {len(clusters)} cluster(s)"
            + (", the most pressing first:" if clusters else ".")
        )
        for rank, cluster in enumerate(clusters, start=1):
            print("\n".join(describe(cluster, rank=rank, examples=args.examples)))
    if args.write and clusters:
        paths = write_drafts(
            clusters,
            faq_dir=settings.faq_dir,
            default_language=settings.default_language,
            today=today,
        )
        where = paths[0].parent
        message = f"wrote {len(paths)} draft(s) to {where}; move an entry into data/faq/ to use it"
        print(message, file=sys.stderr if args.json else sys.stdout)
    return 0
