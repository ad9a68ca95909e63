"""Traces for the surge evaluation: customer messages with their times, as CSV.

Columns: ``timestamp,text`` and optionally ``label`` (the id of the incident a row was
injected for, empty for ordinary traffic), ``channel`` and ``language`` (evidence only).
Timestamps are ISO 8601; one without a timezone is read as UTC. Rows may come in any
order; they are replayed sorted by time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REQUIRED = ("timestamp", "text")
OPTIONAL = ("label", "channel", "language")


@dataclass(frozen=True, slots=True)
class TraceRow:
    """One customer message of a trace.

    Attributes:
        at: When it arrived.
        text: What the customer wrote.
        label: The injected incident's id, or ``""`` for ordinary traffic.
        channel: The channel, where the trace says.
        language: The language, where the trace says.
    """

    at: datetime
    text: str
    label: str = ""
    channel: str = ""
    language: str = ""


def read_trace(path: Path) -> list[TraceRow]:
    """Read a trace CSV, sorted by time.

    Raises:
        ValueError: The header lacks ``timestamp`` or ``text`` or has an unknown column, or
            a row's time is not ISO 8601; the message names the file and line.
    """
    rows: list[TraceRow] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in REQUIRED if name not in header]
        unknown = [name for name in header if name not in (*REQUIRED, *OPTIONAL)]
        if missing or unknown or len(set(header)) != len(header):
            raise ValueError(
                f"{path}, line 1: expected the columns timestamp,text[,label,channel,language]"
                f", found {','.join(header) or 'nothing'}"
            )
        where = {name: header.index(name) for name in header}
        for record in reader:
            if not record or not any(field.strip() for field in record):
                continue
            line = reader.line_num
            if len(record) != len(header):
                raise ValueError(
                    f"{path}, line {line}: expected {len(header)} fields, found {len(record)}"
                )
            rows.append(
                TraceRow(
                    at=_time(record[where["timestamp"]], f"{path}, line {line}"),
                    text=record[where["text"]],
                    **{name: record[where[name]].strip() for name in OPTIONAL if name in where},
                )
            )
    rows.sort(key=lambda row: row.at)
    return rows


def write_trace(path: Path, rows: Iterable[TraceRow]) -> None:
    """Write rows as a trace CSV that :func:`read_trace` reads back (all five columns)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*REQUIRED, *OPTIONAL])
        for row in rows:
            writer.writerow([row.at.isoformat(), row.text, row.label, row.channel, row.language])


def _time(text: str, where: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(f"{where}: {text!r} is not an ISO 8601 time") from error
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
