"""``frontline eval conversations``: replay scripted conversations and report the figures."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from bot.settings import PROJECT_ROOT, get_settings

REPORTS = PROJECT_ROOT / "reports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--script",
        type=Path,
        nargs="+",
        default=sorted((PROJECT_ROOT / "bench" / "conversations").glob("*.yml")),
        help="conversation files (default: bench/conversations/*.yml)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help="write the markdown report here (default: reports/conversations.md when the "
        "default scripts run)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import logging

    # Rasa logs every parse at debug level; the report is what matters here.
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from bot.eval.conversation_report import markdown, score
    from bot.eval.conversation_scripts import ScriptError, load_scripts
    from bot.eval.conversations import Simulator
    from bot.runtime import build_engines

    started = time.perf_counter()
    settings = get_settings()
    engines = build_engines(settings, watch=False)
    entries = _entry_ids(settings.faq_dir)
    try:
        scripts = load_scripts(list(args.script), entries=entries)
    except (OSError, ScriptError) as error:
        print(f"ERROR   {error}", file=sys.stderr)
        return 1
    simulator = Simulator(engines=engines, nlu=_rasa_nlu())
    logs = [simulator.run(script) for script in scripts]
    result = score(logs)
    runtime = time.perf_counter() - started
    command = "frontline eval conversations " + " ".join(sys.argv[3:])
    date = datetime.now(timezone.utc).isoformat(timespec="seconds")
    report = markdown(result, command=command.strip(), date=date, runtime=runtime)
    print(report)
    if args.json is not None:
        payload = {"command": command.strip(), "date": date, **result}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    defaults = sorted((PROJECT_ROOT / "bench" / "conversations").glob("*.yml"))
    default_run = list(args.script) == defaults
    target = args.report or (REPORTS / "conversations.md" if default_run else None)
    if target is not None:
        target.write_text(report, encoding="utf-8")
    return 0


def _entry_ids(folder: Path) -> set[str]:
    from bot.faq.loader import load_knowledge_base

    default = get_settings().default_language
    return set(load_knowledge_base(folder, default_language=default).entries)


def _rasa_nlu() -> Callable[[str], tuple[str | None, float, Mapping[str, str]]]:
    """Rasa's NLU from the trained model (trained first if the training data changed)."""
    from rasa.core.agent import Agent

    from bot.training import ModelPaths, ensure_model

    ensure_model(PROJECT_ROOT)
    agent = Agent.load(str(ModelPaths(PROJECT_ROOT).model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> tuple[str | None, float, Mapping[str, str]]:
        parsed = loop.run_until_complete(agent.parse_message(text))
        intent = (parsed.get("intent") or {}).get("name")
        confidence = float((parsed.get("intent") or {}).get("confidence") or 0.0)
        entities = {
            str(e["entity"]): str(e["value"])
            for e in parsed.get("entities") or []
            if e.get("entity") and e.get("value") is not None
        }
        return intent, confidence, entities

    return parse
