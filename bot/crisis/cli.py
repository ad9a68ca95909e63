"""``frontline incident``: declare, approve, update and resolve incidents, and read their audit.

    frontline incident open --title "Sign-in fails" --topic keywords:outage \\
        --statement en="We know sign-in fails..." --statement de="..." --by ana
    frontline incident edit ID --statement es="..." --by ana
    frontline incident approve ID --by ben
    frontline incident link ID TICKET --by ana
    frontline incident update ID --text en="..." --text de="..." --by ana
    frontline incident resolve ID --follow-up en="..." --follow-up de="..." --by ben
    frontline incident list
    frontline incident show ID [--every]

Texts are given as ``LANG=TEXT``, once per language. A statement may lack languages while
it is a draft; approving it, an update and a follow-up need every language in
``FRONTLINE_LANGUAGES``. ``--by`` names the person: the audit records who did what, when.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone

from bot.crisis.incident import (
    NOTIFY,
    AuditEntry,
    Incident,
    IncidentError,
    MissingLanguages,
)
from bot.settings import get_settings
from bot.store.incidents import Incidents

_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)?")
SENDS = ("subscribed", "statement_sent", "update_sent", "follow_up_sent")
"""Audit entries there is one of per conversation: ``show`` counts them unless ``--every``."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``frontline incident`` commands to ``parser``."""
    commands = parser.add_subparsers(title="incident commands", required=True)

    opening = commands.add_parser("open", help="declare an incident with a draft statement")
    opening.add_argument("--title", required=True, help="what agents call it")
    opening.add_argument(
        "--topic", required=True, help="the topic it matches: faq:ENTRY, keywords:SET or gap:ID"
    )
    _texts(opening, "--statement", "the holding statement")
    opening.add_argument(
        "--notify",
        choices=NOTIFY,
        default="opted_in",
        help="who gets the follow-up: customers who asked (default) or also linked tickets",
    )
    _by(opening)
    opening.set_defaults(handler=_open)

    edit = commands.add_parser("edit", help="change the draft statement in some languages")
    _ident(edit)
    _texts(edit, "--statement", "the holding statement")
    _by(edit)
    edit.set_defaults(handler=_edit)

    approve = commands.add_parser("approve", help="approve the statement: customers are told")
    _ident(approve)
    _by(approve)
    approve.set_defaults(handler=_approve)

    link = commands.add_parser("link", help="link a handoff ticket to the incident")
    _ident(link)
    link.add_argument("ticket", help="the ticket's id")
    _by(link)
    link.set_defaults(handler=_link)

    posting = commands.add_parser(
        "update", help="send an update to every linked and subscribed conversation"
    )
    _ident(posting)
    _texts(posting, "--text", "the update")
    _by(posting)
    posting.set_defaults(handler=_update)

    resolve = commands.add_parser("resolve", help="resolve it and send the follow-up")
    _ident(resolve)
    _texts(resolve, "--follow-up", "the follow-up")
    _by(resolve)
    resolve.set_defaults(handler=_resolve)

    commands.add_parser("list", help="every incident, newest first").set_defaults(handler=_list)

    show = commands.add_parser("show", help="one incident with its texts and audit trail")
    _ident(show)
    show.add_argument("--every", action="store_true", help="list every send, not a count per text")
    show.set_defaults(handler=_show)


def language_text(value: str) -> tuple[str, str]:
    """``LANG=TEXT`` as ``(LANG, TEXT)``, for argparse."""
    language, sep, text = value.partition("=")
    if not sep or not _LANGUAGE.fullmatch(language) or not text.strip():
        raise argparse.ArgumentTypeError(f"expected LANG=TEXT (en=We know...), got {value!r}")
    return language, text.strip()


# Handlers --------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> int:
    def run(incidents: Incidents) -> None:
        texts = _mapping(args.texts)
        incident = incidents.open(
            title=args.title, topic=args.topic, statement=texts, by=args.by, notify=args.notify
        )
        print(f"opened {incident.id} (draft): {incident.title}")
        _say_next(incidents, incident)

    return _run(run)


def _edit(args: argparse.Namespace) -> int:
    def run(incidents: Incidents) -> None:
        incident = incidents.edit_statement(args.id, _mapping(args.texts), by=args.by)
        print(f"edited {incident.id}: statement in {', '.join(sorted(incident.statement))}")
        _say_next(incidents, incident)

    return _run(run)


def _approve(args: argparse.Namespace) -> int:
    def run(incidents: Incidents) -> None:
        try:
            incident = incidents.approve(args.id, by=args.by)
        except MissingLanguages as error:
            raise IncidentError(
                f"{error}; add it with: frontline incident edit {args.id} --statement LANG=TEXT"
            ) from error
        print(f"approved {incident.id} by {incident.approved_by}: matching customers are told")

    return _run(run)


def _link(args: argparse.Namespace) -> int:
    def run(incidents: Incidents) -> None:
        linked = incidents.link_ticket(args.id, args.ticket, by=args.by)
        print(f"linked ticket {args.ticket}" if linked else f"ticket {args.ticket} was linked")

    return _run(run)


def _update(args: argparse.Namespace) -> int:
    def run(incidents: Incidents) -> None:
        posted = incidents.post_update(args.id, _mapping(args.texts), by=args.by)
        print(f"update {posted.id} posted: the servers send it to each conversation once")

    return _run(run)


def _resolve(args: argparse.Namespace) -> int:
    def run(incidents: Incidents) -> None:
        incident = incidents.resolve(args.id, _mapping(args.texts), by=args.by)
        who = "subscribers" if incident.notify == "opted_in" else "subscribers and linked tickets"
        print(f"resolved {incident.id}: the follow-up goes to its {who}")

    return _run(run)


def _list(_args: argparse.Namespace) -> int:
    def run(incidents: Incidents) -> None:
        found = incidents.all()
        if not found:
            print("no incidents")
        for incident in found:
            approved = f"; approved by {incident.approved_by}" if incident.approved_by else ""
            print(
                f"{incident.id}  {incident.status:<8}  {incident.topic}  {incident.title}  "
                f"(opened {_when(incident.created_at)} by {incident.created_by}{approved})"
            )

    return _run(run)


def _show(args: argparse.Namespace) -> int:
    from bot.handoff.wire import public_conversation

    def run(incidents: Incidents) -> None:
        incident = incidents.get(args.id)
        print(f"incident {incident.id}: {incident.title}")
        print(f"status:    {incident.status}")
        print(f"topic:     {incident.topic}")
        print(f"notify:    {incident.notify}")
        print(f"opened:    {_when(incident.created_at)} by {incident.created_by}")
        print(f"approved:  {_event(incident.approved_at, incident.approved_by)}")
        print(f"resolved:  {_event(incident.resolved_at, incident.resolved_by)}")
        print("statement:")
        _print_texts(incident.statement)
        for posted in incidents.updates(incident.id):
            print(f"update {posted.id} ({_when(posted.at)} by {posted.by}):")
            _print_texts(posted.text)
        if incident.follow_up:
            print("follow-up:")
            _print_texts(incident.follow_up)
        tickets = incidents.linked_tickets(incident.id)
        print(f"linked tickets: {', '.join(tickets) if tickets else 'none'}")
        print("audit:")
        entries = incidents.audit(incident.id)
        sends: Counter[str] = Counter()
        for entry in entries:
            if entry.what in SENDS and not args.every:
                sends[_send_label(entry)] += 1
                continue
            print(f"  {_when(entry.at)}  {entry.who:<12} {_describe(entry, public_conversation)}")
        for label, count in sends.items():
            print(f"  {label}: {count} conversation{'s' if count != 1 else ''}")

    return _run(run)


# Helpers ---------------------------------------------------------------------------


def _run(action: Callable[[Incidents], None]) -> int:
    from bot.store.db import create_database, session_factory

    settings = get_settings()
    incidents = Incidents(
        sessions=session_factory(create_database(settings.database_url_or_default)),
        languages=settings.languages,
        default_language=settings.default_language,
    )
    try:
        action(incidents)
    except IncidentError as error:
        print(f"frontline incident: {error}", file=sys.stderr)
        return 1
    return 0


def _say_next(incidents: Incidents, incident: Incident) -> None:
    missing = [lang for lang in incidents.languages if not incident.statement.get(lang)]
    if missing:
        print(f"still needed before approval: {', '.join(missing)}")
        print(f"add with: frontline incident edit {incident.id} --statement LANG=TEXT --by NAME")
    else:
        print(f"approve with: frontline incident approve {incident.id} --by NAME")


def _mapping(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for language, text in pairs:
        if language in texts:
            raise IncidentError(f"{language} is given twice")
        texts[language] = text
    return texts


def _ident(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the incident's id (frontline incident list)")


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", required=True, metavar="NAME", help="who does it, for the audit")


def _texts(parser: argparse.ArgumentParser, flag: str, what: str) -> None:
    parser.add_argument(
        flag,
        dest="texts",
        action="append",
        required=True,
        type=language_text,
        metavar="LANG=TEXT",
        help=f"{what} in one language; repeat for each language",
    )


def _when(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _event(at: datetime | None, who: str | None) -> str:
    return f"{_when(at)} by {who}" if at is not None else "-"


def _print_texts(texts: Mapping[str, str]) -> None:
    for language, text in sorted(texts.items()):
        print(f"  {language}: {text}")


def _send_label(entry: AuditEntry) -> str:
    kind = str(entry.detail.get("kind", ""))
    return f"{entry.what} {kind}".strip() if entry.what == "update_sent" else entry.what


def _describe(entry: AuditEntry, public: Callable[[str], str]) -> str:
    detail = entry.detail
    conversation = detail.get("conversation")
    where = f" {public(str(conversation))} ({detail.get('channel')}, {detail.get('language')})"
    if entry.what in SENDS:
        kind = f" {detail['kind']}" if entry.what == "update_sent" else ""
        return f"{entry.what}{kind}{where}"
    if entry.what.endswith("_failed"):
        return f"{entry.what} {detail.get('kind')}{where}: {detail.get('failure')}"
    if entry.what == "linked":
        return f"linked ticket {detail.get('ticket')}"
    if entry.what == "update":
        return f"update {detail.get('update')}"
    if entry.what == "opened":
        return f"opened ({detail.get('topic')}, notify {detail.get('notify')})"
    if entry.what == "edited":
        return f"edited the statement in {', '.join(sorted(detail.get('statement', {})))}"
    return entry.what
