"""False offers of a person on calm service requests, as the bot serves them.

    uv run python bench/calm_offers.py [--split test] [--out reports]

``bench/train_complaint.py`` scores the mood heads alone. Here each message of
``bench/service-messages`` (the calm *and* the complaint ones of one split) is the first
message of a fresh conversation through everything a customer meets: Rasa's NLU from
the trained model (a misread ``request_human`` hands off), then the pure turn
(``bot/turn/``) with the real encoder, knowledge base, anger and complaint heads, at an
open hour. A calm request that gets the bot's own offer or a handoff is a false offer; a
complaint that gets no offer, no handoff and no person button is a missed one. Writes
``reports/calm-offers.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from bot.eval.conversations import OPEN_AT
from bot.eval.conversations_cli import _rasa_nlu
from bot.eval.service_messages import service_messages
from bot.runtime import build_engines
from bot.settings import PROJECT_ROOT, get_settings
from bot.turn.context import TurnContext
from bot.turn.turn import take_turn
from bot.turn.voice import PERSON_PAYLOAD

HANDOFF_KINDS = ("handoff", "queued")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="test", choices=("train", "val", "test"))
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports")
    args = parser.parse_args(argv)
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.WARNING)
    started = time.perf_counter()
    engines = build_engines(get_settings(), watch=False)
    nlu = _rasa_nlu()
    counts: Counter[tuple[str, str, str]] = Counter()  # (language, label, what the bot did)
    examples: dict[str, list[str]] = {"false": [], "missed": []}
    for number, message in enumerate(m for m in service_messages() if m.split == args.split):
        intent, confidence, entities = nlu(message.text)
        ctx = TurnContext(
            sender_id=f"calm-{number}",
            text=message.text,
            intent=intent,
            confidence=confidence,
            channel="web",
            now=OPEN_AT,
            entities=dict(entities),
            metadata={"platform": "web", "user_id": f"calm-{number}"},
            first_of_session=True,
        )
        messages = take_turn(ctx, engines=engines).messages
        kinds = {m.kind for m in messages}
        button = any(b["payload"] == PERSON_PAYLOAD for m in messages for b in m.buttons)
        # "offer" is the bot's own offer (mood, a doubted request). The no-answer's "talk
        # to a person" button is what every unanswered customer gets: a complaint that
        # gets it was offered a person, a calm request that gets it was not answered.
        did = "handoff" if kinds & set(HANDOFF_KINDS) else "offer" if "offer" in kinds else "none"
        if did == "none" and button:
            did = "button"
        counts[(message.language, message.label, did)] += 1
        if message.label == "calm" and did in ("offer", "handoff") and len(examples["false"]) < 12:
            examples["false"].append(f"{message.language} ({did}, {intent}): {message.text}")
        if message.label == "complaint" and did == "none" and len(examples["missed"]) < 12:
            examples["missed"].append(f"{message.language}: {message.text}")
    rows = _rows(counts)
    runtime = time.perf_counter() - started
    date = datetime.now(timezone.utc).isoformat(timespec="seconds")
    command = "uv run python bench/calm_offers.py " + " ".join(argv or sys.argv[1:])
    report = _markdown(rows, examples, command=command.strip(), date=date, runtime=runtime)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "calm-offers.md").write_text(report, encoding="utf-8")
    payload = {"command": command.strip(), "date": date, "split": args.split, "rows": rows}
    (args.out / "calm-offers.json").write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    print(report)
    return 0


def _rows(counts: Counter[tuple[str, str, str]]) -> list[dict[str, object]]:
    languages = sorted({language for language, _, _ in counts})
    rows = []
    for language in [*languages, "all"]:

        def n(label: str, did: str | None = None, language: str = language) -> int:
            return sum(
                count
                for (lang, lab, d), count in counts.items()
                if (language == "all" or lang == language)
                and lab == label
                and (did is None or d == did)
            )

        calm, complaints = n("calm"), n("complaint")
        rows.append(
            {
                "language": language,
                "calm": calm,
                "false_offers": n("calm", "offer"),
                "false_handoffs": n("calm", "handoff"),
                "false_offer_rate": round(
                    (n("calm", "offer") + n("calm", "handoff")) / max(calm, 1), 4
                ),
                "calm_unanswered_button": n("calm", "button"),
                "complaints": complaints,
                "complaint_recall": round(
                    (complaints - n("complaint", "none")) / max(complaints, 1), 4
                ),
            }
        )
    return rows


def _markdown(
    rows: list[dict[str, object]],
    examples: dict[str, list[str]],
    *,
    command: str,
    date: str,
    runtime: float,
) -> str:
    lines = [
        "# Offers of a person on calm service requests, as served",
        "",
        f"Command: `{command}` ({date}, {runtime:.0f} s). Each message of the split is the "
        "first message of a fresh conversation: Rasa's NLU (trained model), then the turn "
        "with the real encoder, knowledge base and mood heads, at an open hour. A calm "
        "request the bot offers a person (its own offer: mood, a doubted request) or "
        "hands off is a false offer; a handoff here is a sensitive topic of "
        "`escalation.yml` (closing an account), which goes to a person by policy. A "
        "complaint counts as offered a person when it gets the offer, a handoff, or the "
        "no-answer's person button.",
        "",
        "| language | calm requests | false offers | false handoffs | false-offer rate "
        "| calm, no answer (its person button) | complaints | complaints offered a person |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['language']} | {row['calm']} | {row['false_offers']} | "
            f"{row['false_handoffs']} | {float(str(row['false_offer_rate'])):.1%} | "
            f"{row['calm_unanswered_button']} | {row['complaints']} | "
            f"{float(str(row['complaint_recall'])):.1%} |"
        )
    lines += ["", "## Calm requests offered a person (first 12)", ""]
    lines += [f"- {text}" for text in examples["false"]] or ["None."]
    lines += ["", "## Complaints not offered a person (first 12)", ""]
    lines += [f"- {text}" for text in examples["missed"]] or ["None."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
