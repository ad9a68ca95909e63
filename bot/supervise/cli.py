"""``frontline supervise``: the command line of the supervisor (``make run`` uses it)."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
from pathlib import Path

from bot.supervise.envfile import parse_env_file
from bot.supervise.output import LinePrinter
from bot.supervise.procfile import ProcfileError, read_procfile
from bot.supervise.restarts import RestartPolicy
from bot.supervise.supervisor import Supervisor


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``frontline supervise`` to its parser."""
    parser.add_argument(
        "--procfile", type=Path, default=Path("Procfile"), help="default: ./Procfile"
    )
    parser.add_argument(
        "--max-restarts-per-minute",
        type=int,
        default=RestartPolicy.max_stops_per_minute,
        metavar="N",
        help="past N restarts of a process in a minute, raise the alarm (and keep restarting "
        "every 30 s); default: %(default)s",
    )
    parser.add_argument(
        "--env",
        type=Path,
        default=Path(".env"),
        help="variables for the processes, if the file exists (default: ./.env)",
    )
    parser.add_argument(
        "--stop-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="on stop, SIGKILL what SIGTERM has not ended after this long; default: %(default)s",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Supervise the Procfile's processes until a signal; the exit status."""
    try:
        specs = read_procfile(args.procfile)
    except ProcfileError as error:
        print(f"ERROR   {error}", file=sys.stderr)
        return 1
    try:
        env = _environment(args.env)
    except (OSError, UnicodeDecodeError) as error:
        print(f"ERROR   {args.env}: cannot read it ({error})", file=sys.stderr)
        return 1
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper):  # a line the terminal cannot show is escaped
        stream.reconfigure(errors="backslashreplace")
    printer = LinePrinter(
        names=[spec.name for spec in specs],
        stream=stream,
        colour=stream.isatty() and "NO_COLOR" not in os.environ,
    )
    policy = RestartPolicy(max_stops_per_minute=args.max_restarts_per_minute)
    supervisor = Supervisor(
        specs=specs, env=env, printer=printer, policy=policy, stop_timeout=args.stop_timeout
    )
    return asyncio.run(supervisor.run())


def _environment(env_file: Path) -> dict[str, str]:
    """The processes' environment: ours, over the ``.env`` file's variables if it exists."""
    env = parse_env_file(env_file.read_text(encoding="utf-8")) if env_file.is_file() else {}
    env.update(os.environ)
    # Python children would otherwise buffer their output in blocks, and it would come late.
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env
