"""The ``frontline`` command. It parses arguments and calls services; it holds no logic."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.settings import PROJECT_ROOT, get_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Every command migrates the database first; what Alembic says about it is noise
    # unless something goes wrong (`frontline db upgrade` reports it in full).
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontline", description=__doc__)
    commands = parser.add_subparsers(title="commands")

    train = commands.add_parser("train", help="train the Rasa model if its training data changed")
    train.add_argument("--force", action="store_true", help="train even if nothing changed")
    train.set_defaults(handler=_train)

    actions = commands.add_parser(
        "actions", help="run the action server (loads the FAQ engine first)"
    )
    actions.add_argument("--port", type=int, default=5055)
    actions.add_argument("--interface", default="0.0.0.0", help="address to listen on")
    actions.set_defaults(handler=_actions)

    rasa = commands.add_parser(
        "rasa", help="Rasa's own command line with Frontline's hardened server edges"
    )
    rasa.add_argument("rasa_args", nargs=argparse.REMAINDER, help="e.g. run --port 5005 ...")
    rasa.set_defaults(handler=_rasa)

    supervise = commands.add_parser(
        "supervise", help="run a Procfile's processes; restart any that stops (make run)"
    )
    from bot.supervise.cli import add_arguments as add_supervise_arguments

    add_supervise_arguments(supervise)

    cluster = commands.add_parser("cluster", help="the scaled-out shape (make cluster)")
    cluster_commands = cluster.add_subparsers(title="cluster commands", required=True)
    from bot.cluster.cli import add_arguments as add_cluster_arguments

    add_cluster_arguments(
        cluster_commands.add_parser(
            "run", help="PostgreSQL, Redis, Rasa replicas and action servers behind HAProxy"
        )
    )

    chat = commands.add_parser("chat", help="chat with the running bot in the terminal")
    chat.add_argument("--url", default="http://localhost:5005", help="the Rasa server")
    chat.set_defaults(handler=_chat)

    faq = commands.add_parser("faq", help="knowledge base tools").add_subparsers(
        title="faq commands"
    )
    check = faq.add_parser(
        "check", help="validate data/faq/, list every problem, and say what to expect of it"
    )
    check.add_argument("folder", nargs="?", type=Path, help="default: FRONTLINE_FAQ_DIR")
    check.add_argument(
        "--no-calibration",
        action="store_true",
        help="validate only (no models: skip the expected answer rate and precision)",
    )
    check.set_defaults(handler=_faq_check)
    importer = faq.add_parser(
        "import", help="turn a CSV export (question,answer[,variants,id,tags,language]) into a file"
    )
    importer.add_argument("csv", type=Path, help="the CSV file, with a header row")
    importer.add_argument("--out", type=Path, required=True, help="the new YAML file to write")
    importer.add_argument("--owner", required=True, help="who keeps these entries correct")
    importer.add_argument("--language", default=None, help="the rows' language (default: en)")
    importer.add_argument("--tag", action="append", help="tags for rows without any")
    importer.set_defaults(handler=_faq_import)
    gaps = faq.add_parser("gaps", help="questions the bot could not answer, most asked first")
    gaps.add_argument("--limit", type=int, default=50)
    gaps.set_defaults(handler=_faq_gaps)
    suggest = faq.add_parser(
        "suggest",
        help="cluster unanswered questions across languages into ranked draft entries",
    )
    from bot.insight.cli import add_arguments as add_suggest_arguments

    add_suggest_arguments(suggest)
    learn = faq.add_parser(
        "learn",
        help="what customers picked when the bot asked which entry they meant: accept as variants",
    )
    learn.add_argument("--accept", type=int, help="accept this pair (the id in the list)")
    learn.add_argument("--dismiss", type=int, help="dismiss this pair")
    learn.add_argument(
        "--write", action="store_true", help="with --accept: write the variant into data/faq/"
    )
    learn.set_defaults(handler=_faq_learn)
    tune = faq.add_parser(
        "tune",
        help="fine-tune MiniLM on the knowledge base; kept only if it answers better",
    )
    tune.add_argument("--threads", type=int, default=2, help="CPU threads for training")
    tune.set_defaults(handler=_faq_tune)
    try_ = faq.add_parser(
        "try", help="show exactly what a customer would get for a message, on a channel"
    )
    try_.add_argument("message", help="what the customer writes")
    try_.add_argument("--channel", default="web", help="web, telegram, slack or rest")
    try_.add_argument("--locale", default=None, help="e.g. de or pt-BR; default: detected")
    try_.add_argument(
        "--at",
        type=_iso_datetime,
        default=None,
        help="ISO date and time of the message (business hours); default: now",
    )
    try_.add_argument(
        "--intent",
        default="nlu_fallback",
        help="Rasa's intent for the message (default: a question), e.g. request_human",
    )
    try_.add_argument(
        "--confidence",
        type=float,
        default=1.0,
        help="Rasa's confidence in that intent (default 1; escalation.yml's "
        "request_confidence doubts a request for a person below it)",
    )
    try_.set_defaults(handler=_faq_try)

    tone = commands.add_parser("tone", help="tone and texts").add_subparsers(title="tone commands")
    tone_check = tone.add_parser(
        "check", help="lint the bot's texts and the FAQ against the tone profiles"
    )
    tone_check.add_argument("--strict", action="store_true", help="fail on warnings too")
    tone_check.set_defaults(handler=_tone_check)

    hours = commands.add_parser(
        "hours", help="validate hours.yml; show the schedule, now, the next opening, holidays"
    )
    hours.add_argument(
        "--at",
        type=_iso_datetime,
        default=None,
        help="ISO date and time to show instead of now (without an offset: company time)",
    )
    hours.add_argument("--config", type=Path, help="default: FRONTLINE_HOURS_FILE")
    hours.set_defaults(handler=_hours)

    agents = commands.add_parser("agents", help="agent accounts for the inbox at /agent")
    agent_commands = agents.add_subparsers(title="agents commands")
    add = agent_commands.add_parser(
        "add", help="add an agent, or set their password or API token (asks the password twice)"
    )
    add.add_argument("name", help="the agent's name, shown to customers with their replies")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument(
        "--token",
        action="store_true",
        help="also make an API token (printed once) for scripts or a helpdesk",
    )
    add.add_argument("--no-password", action="store_true", help="token only, no inbox login")
    add.add_argument(
        "--avatar", default=None, help="https:// URL of a picture customers see with replies"
    )
    add.add_argument("--file", type=Path, help="default: FRONTLINE_AGENTS_FILE")
    add.set_defaults(handler=_agents_add)
    listing = agent_commands.add_parser("list", help="the agents and how each can log in")
    listing.add_argument("--file", type=Path, help="default: FRONTLINE_AGENTS_FILE")
    listing.set_defaults(handler=_agents_list)

    report = commands.add_parser(
        "report", help="analytics: outcomes, rates, entries, response times (HTML and CSV)"
    )
    from bot.insight.report_cli import add_arguments as add_report_arguments

    add_report_arguments(report)

    incident = commands.add_parser(
        "incident", help="crisis incidents: open, approve, update, resolve, list, show"
    )
    from bot.crisis.cli import add_arguments as add_incident_arguments

    add_incident_arguments(incident)

    database = commands.add_parser("db", help="Frontline's own database").add_subparsers(
        title="db commands"
    )
    database.add_parser(
        "upgrade", help="migrate it to the newest schema (the servers do this at start-up too)"
    ).set_defaults(handler=_db_upgrade)

    evaluate = commands.add_parser("eval", help="benchmarks").add_subparsers(title="eval commands")
    faq_eval = evaluate.add_parser(
        "faq", help="evaluate FAQ retrieval on a knowledge base and queries"
    )
    from bot.eval.cli import add_faq_eval_arguments

    add_faq_eval_arguments(faq_eval)
    conversations = evaluate.add_parser(
        "conversations",
        help="replay scripted multi-turn conversations through the turn and score them",
    )
    from bot.eval.conversations_cli import add_arguments as add_conversation_arguments

    add_conversation_arguments(conversations)
    escalation = evaluate.add_parser(
        "escalation", help="precision, recall and F1 of the anger signal on a text,label CSV"
    )
    escalation.add_argument(
        "--queries", type=Path, required=True, help="text,label CSV; 1 = angry / escalate"
    )
    escalation.add_argument("--json", type=Path, default=None, help="also write the figures here")
    escalation.set_defaults(handler=_eval_escalation)
    surge = evaluate.add_parser(
        "surge", help="replay a timestamp,text[,label] trace and score the surge alerts"
    )
    from bot.eval.surge_cli import add_arguments as add_surge_arguments

    add_surge_arguments(surge)
    return parser


def _train(args: argparse.Namespace) -> int:
    from bot.training import ensure_model

    ensure_model(PROJECT_ROOT, force=args.force)
    return 0


def _actions(args: argparse.Namespace) -> int:
    from actions.server import serve

    serve(get_settings(), host=args.interface, port=args.port)
    return 0


def _rasa(args: argparse.Namespace) -> int:
    from bot.rasa_server import main as rasa_main

    return rasa_main(args.rasa_args)


def _chat(args: argparse.Namespace) -> int:
    from bot.chat import chat

    settings = get_settings()
    chat(args.url, token=settings.rest_token.get_secret_value() if settings.rest_token else None)
    return 0


def _faq_import(args: argparse.Namespace) -> int:
    from bot.faq.importer import CsvImportError, import_csv, write_new
    from bot.faq.schema import KnowledgeBaseInvalid

    settings = get_settings()
    try:
        imported = import_csv(
            args.csv.read_text(encoding="utf-8"),
            source=str(args.csv),
            owner=args.owner,
            language=args.language or settings.default_language,
            default_language=settings.default_language,
            tags=tuple(args.tag or ["imported"]),
        )
        write_new(args.out, imported.yaml_text)
    except (CsvImportError, KnowledgeBaseInvalid, OSError, UnicodeDecodeError) as error:
        print(f"ERROR   {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(imported.entries)} entries to {args.out}; check them with:")
    print(f"  uv run frontline faq check {args.out.parent}")
    return 0


def _faq_check(args: argparse.Namespace) -> int:
    from bot.faq.loader import load_knowledge_base
    from bot.faq.schema import KnowledgeBaseInvalid

    settings = get_settings()
    folder = args.folder or settings.faq_dir
    try:
        kb = load_knowledge_base(folder, default_language=settings.default_language)
    except KnowledgeBaseInvalid as invalid:
        print(invalid, file=sys.stderr)
        return 1
    languages = sorted({lang for entry in kb.entries.values() for lang in entry.answer})
    print(f"{folder}: {len(kb)} entries, answers in {', '.join(languages)}. No problems found.")
    if args.no_calibration:
        return 0
    from bot.faq.calibrate import describe

    for line in describe(settings.copy(update={"faq_dir": folder})):
        print(line)
    return 0


def _faq_gaps(args: argparse.Namespace) -> int:
    from bot.store.db import create_database, session_factory
    from bot.store.translations import TranslationGaps
    from bot.store.unanswered import UnansweredLog

    sessions = session_factory(create_database(get_settings().database_url_or_default))
    gaps = UnansweredLog(sessions=sessions).gaps(limit=args.limit)
    print("Questions the bot could not answer:" if gaps else "No unanswered questions logged.")
    for gap in gaps:
        closest = ", ".join(f"{c['id']} ({c['score']})" for c in gap.candidates[:2]) or "-"
        print(f"{gap.times:>4}x  [{gap.language}] {gap.text}    closest: {closest}")
    missing = TranslationGaps(sessions=sessions).gaps(limit=args.limit)
    if missing:
        print("\nAnswers customers needed in a language they are not written in yet:")
    for item in missing:
        print(f"{item.times:>4}x  {item.entry_id} in {item.language}")
    return 0


def _faq_learn(args: argparse.Namespace) -> int:
    from bot.faq.editor import VariantError
    from bot.faq.learning import accept
    from bot.store.clicks import ClickLog
    from bot.store.db import create_database, session_factory

    settings = get_settings()
    clicks = ClickLog(sessions=session_factory(create_database(settings.database_url_or_default)))
    if args.dismiss is not None:
        try:
            clicks.mark(args.dismiss, "dismissed")
        except LookupError as error:
            print(f"ERROR   {error}", file=sys.stderr)
            return 1
        print(f"pair {args.dismiss} dismissed")
        return 0
    if args.accept is not None:
        pair = clicks.get(args.accept)
        if pair is None:
            print(f"ERROR   no new pair {args.accept} (see `frontline faq learn`)", file=sys.stderr)
            return 1
        try:
            path = accept(
                pair,
                folder=settings.faq_dir,
                clicks=clicks,
                default_language=settings.default_language,
                write=args.write,
            )
        except VariantError as error:
            print(f"ERROR   {error}", file=sys.stderr)
            return 1
        verb = "added to" if args.write else "would go to (add --write to write it)"
        print(f'[{pair.language}] "{pair.text}" -> {pair.entry_id}: {verb} {path}')
        return 0
    pairs = clicks.pairs()
    if not pairs:
        print("No clicks to learn from yet.")
    for pair in pairs:
        print(
            f"{pair.id:>5}  {pair.customers} customer(s), {pair.times}x  [{pair.language}] "
            f'"{pair.text}" -> {pair.entry_id}'
        )
    if pairs:
        print("\nAccept one with: frontline faq learn --accept ID --write")
    return 0


def _faq_tune(args: argparse.Namespace) -> int:
    from bot.faq.loader import load_knowledge_base
    from bot.faq.tuning import tune
    from bot.runtime import build_encoders

    settings = get_settings()
    kb = load_knowledge_base(settings.faq_dir, default_language=settings.default_language)
    base, _ = build_encoders(settings.copy(update={"faq_use_tuned": False}))
    try:
        verdict = tune(
            kb,
            base=base,
            scoring=settings.faq_scoring,
            folder=settings.var_dir / "tuned",
            default_language=settings.default_language,
            threads=args.threads,
        )
    except ValueError as error:
        print(f"ERROR   {error}", file=sys.stderr)
        return 1
    if verdict.better:
        print("The tuned model answers better: the bot uses it from its next start.")
    else:
        print(f"The tuned model is no better: the bot keeps {verdict.base_encoder}.")
    return 0


def _faq_try(args: argparse.Namespace) -> int:
    from datetime import timezone

    from bot.preview import preview

    settings = get_settings()
    at = args.at or datetime.now(timezone.utc)
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    lines = preview(
        settings,
        args.message,
        channel=args.channel,
        locale=args.locale,
        at=at,
        intent=args.intent,
        confidence=args.confidence,
    )
    for line in lines:
        print(line)
    return 0


def _tone_check(args: argparse.Namespace) -> int:
    from bot.faq.loader import load_knowledge_base
    from bot.faq.schema import KnowledgeBaseInvalid
    from bot.tone.catalog import CatalogError, load_catalog
    from bot.tone.profiles import ToneConfigError, load_tone_book
    from bot.tone.review import review, summary

    settings = get_settings()
    try:
        tone = load_tone_book(settings.tone_file, languages=settings.languages)
        catalog = load_catalog(settings.responses_dir)
        kb = load_knowledge_base(settings.faq_dir, default_language=settings.default_language)
    except (ToneConfigError, CatalogError, KnowledgeBaseInvalid) as invalid:
        print(f"ERROR   {invalid}")
        return 1
    findings = review(catalog, kb, tone, default=settings.default_language)
    for finding in findings:
        print(finding)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    missing = {lang: n for lang, n in summary(kb, settings.languages).items() if n}
    print(
        f"{len(catalog.names())} texts x {len(settings.languages)} languages, {len(kb)} FAQ "
        f"entries, {len(tone.profiles)} profiles: {errors} error(s), {warnings} warning(s)."
    )
    if missing:
        counts = ", ".join(f"{lang} {n}" for lang, n in sorted(missing.items()))
        print(
            f"FAQ answers not written yet, sent in {settings.default_language} with a note: "
            f"{counts}."
        )
    return 1 if errors or (args.strict and warnings) else 0


def _hours(args: argparse.Namespace) -> int:
    from datetime import timezone
    from zoneinfo import ZoneInfo

    from bot.hours.config import HoursConfigError, load_hours
    from bot.hours.summary import describe

    settings = get_settings()
    path = args.config or settings.hours_file
    try:
        hours = load_hours(path)
    except HoursConfigError as invalid:
        for problem in invalid.problems:
            print(f"ERROR   {path}: {problem}")
        return 1
    now = args.at or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(hours.timezone)).astimezone(timezone.utc)
    for line in describe(hours, now=now, locale=settings.default_language):
        print(line)
    print(f"{path}: no problems found.")
    return 0


def _eval_escalation(args: argparse.Namespace) -> int:
    from bot.eval.escalation import evaluate, read_escalation_csv, report
    from bot.handoff.anger import AngerSignal

    try:
        rows = read_escalation_csv(args.queries)
    except (OSError, ValueError) as invalid:
        print(f"ERROR   {invalid}", file=sys.stderr)
        return 1
    metrics = evaluate(AngerSignal.from_settings(get_settings()), rows)
    for line in report(metrics, json_path=args.json):
        print(line)
    return 0


def _agents_add(args: argparse.Namespace) -> int:
    from bot.handoff.accounts import AccountsError, AgentAccounts, add_agent, new_token

    path = args.file or get_settings().agents_file
    if args.no_password and not args.token:
        print("ERROR   --no-password needs --token", file=sys.stderr)
        return 2
    known = AgentAccounts.load(path).get(args.name) is not None if path.exists() else False
    # Setting only the avatar of an existing agent keeps their password.
    keep_password = args.no_password or (
        args.avatar and known and not args.token and not args.password_stdin
    )
    password = None if keep_password else _read_password(from_stdin=args.password_stdin)
    if password == "":
        print("ERROR   no password given (or the two did not match)", file=sys.stderr)
        return 1
    token = new_token() if args.token else None
    try:
        add_agent(path, args.name, password=password, token=token, avatar_url=args.avatar)
    except AccountsError as error:
        print(f"ERROR   {error}", file=sys.stderr)
        return 1
    print(f"{path}: agent {args.name!r} saved.")
    if token is not None:
        print(f"API token (shown only now; send it as 'Authorization: Bearer ...'):\n{token}")
    return 0


def _read_password(*, from_stdin: bool) -> str:
    """The new password, or "" when it is empty or typed differently twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    from getpass import getpass

    first = getpass("Password: ")
    return first if first and getpass("Password again: ") == first else ""


def _agents_list(args: argparse.Namespace) -> int:
    from bot.handoff.accounts import AccountsError, AgentAccounts

    path = args.file or get_settings().agents_file
    try:
        accounts = AgentAccounts.load(path)
    except AccountsError as error:
        print(f"ERROR   {error}", file=sys.stderr)
        return 1
    if not len(accounts):
        print(f"{path}: no agents yet; add one with `frontline agents add NAME`.")
    for account in accounts:
        ways = [
            w
            for w, on in (("password", account.password_hash), ("token", account.token_hash))
            if on
        ]
        print(f"{account.name}  ({', '.join(ways)})")
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.migrate import head, revision, upgrade

    url = get_settings().database_url_or_default
    print(f"database: {make_url(url).render_as_string(hide_password=True)}")
    try:
        before = revision(url)
        upgrade(url)
        after = revision(url)
    except SQLAlchemyError as error:
        print(f"ERROR   {error}", file=sys.stderr)
        return 1
    print(f"before:   {before or 'none'}")
    print(f"after:    {after}" + (" (the newest)" if after == head() else ""))
    return 0


def _iso_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO date and time: {text!r}") from error


if __name__ == "__main__":
    sys.exit(main())
