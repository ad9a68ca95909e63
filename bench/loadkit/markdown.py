"""The words and tables of ``reports/load.md``."""

from __future__ import annotations

from typing import Any

from bench.loadkit.results import PEER, Results

METHOD = """\
Everything runs on this machine and talks to 127.0.0.1 only, in one run, one system
after the other (never two at once):

- **{peer}**: `rasa init`'s project, trained on the fly once into `var/bench/moodbot`,
  Rasa's defaults (in-memory tracker store, no action server), its HTTP API on for the
  tracker check.
- **Frontline (make run)**: one Rasa server and one action server (`bot/eval/servers.py`),
  SQLite tracker store.
- **Frontline (make cluster)**: `frontline cluster run --dir var/bench/cluster` as a
  subprocess: PostgreSQL, Redis, two Rasa servers and two action servers, HAProxy on
  :5005 (customers) and :5055 (action calls).

Both Frontline shapes get the same environment (`server_env`): the action servers' clock
frozen on a Monday at 11:00 in Berlin (open hours), REST and widget rate limits raised
far above this load (a load test from one address is not what they are for). Each level
runs conversations of {messages} messages; a conversation sends its next message once the
previous one is answered, and *C* conversations run at once. REST: `POST
/webhooks/rest/webhook` with a `message_id`. Widget: socket.io over a WebSocket at
`/chat/socket.io` (`session_request`, then `user_uttered`; a message is answered once its
acknowledgement and its first `bot_uttered` are in). Latency is per message, from sending
to the reply; throughput is replies per second of the level's wall time.

**Tracker-store check.** After each level every conversation's tracker is read back (SQL
for Frontline: SQLite / PostgreSQL `events`; moodbot: its HTTP API) and each sent message
is judged: its user event present exactly once (else *lost* or *duplicated*) and followed
by a bot event before the next user event (else *unanswered*). A message answered with
Frontline's *busy* reply never reached the bot and is counted apart. *Lost* counts every
message missing from the tracker store; "(n got an error)" says how many of them the
client at least heard about (an HTTP error, no reply), the rest were lost silently.
"""


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    def numeric(column: int) -> bool:
        return bool(rows) and all(isinstance(row[column], int | float) for row in rows)

    align = ["---:" if numeric(i) else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _headline(payload: dict[str, Any]) -> list[str]:
    header = ["system", "transport", "at once", "conversations", "messages", "p50 ms",
              "p95 ms", "p99 ms", "messages/s", "errors", "apologies", "busy", "empty",
              "lost", "duplicated", "unanswered"]  # fmt: skip
    rows = []
    for run in payload["runs"]:
        ledger = run["tracker_store"] or {}
        rows.append([
            run["system"], run["transport"], run["concurrency"], run["conversations"],
            run["messages"], run["p50_ms"], run["p95_ms"], run["p99_ms"],
            run["throughput_per_s"], run["errors"], run["apologies"], run["busy"],
            run["empty_replies"], _lost(ledger), ledger.get("duplicated", "?"),
            ledger.get("unanswered", "?"),
        ])  # fmt: skip
    lines = _table(header, rows)
    errors = [
        f"{r['system']}, {r['transport']}, {r['concurrency']} at once: "
        + ", ".join(f"{detail or '?'} ×{n}" for detail, n in r["error_details"].items())
        for r in payload["runs"]
        if r["error_details"]
    ]
    if errors:
        lines += ["", "Errors by what the client got (HTTP status, or why there was no reply):", ""]
        lines += [f"- {line}" for line in errors]
    return lines


def _lost(ledger: dict[str, Any]) -> str:
    """Lost messages, and how many of them the client was told about with an error."""
    lost, told = ledger.get("lost", "?"), ledger.get("lost_client_saw_error", 0)
    return f"{lost} ({told} got an error)" if told else str(lost)


def _ratios(payload: dict[str, Any]) -> list[str]:
    rows = [
        [r["system"], r["concurrency"], f"{r['p50_ratio']}×", f"{r['p95_ratio']}×",
         f"{r['p99_ratio']}×", f"{r['throughput_ratio']}×"]
        for r in payload["ratios"]
    ]  # fmt: skip
    header = ["Frontline ÷ moodbot (REST)", "at once", "p50", "p95", "p99", "throughput"]
    return _table(header, rows)


def _targets(payload: dict[str, Any]) -> list[str]:
    rows = [[t["target"], t["value"], "met" if t["met"] else "**missed**"]
            for t in payload["targets"]]  # fmt: skip
    return _table(["target", "measured", ""], rows)


def _outcomes(part: dict[str, Any]) -> str:
    shown = [f"{part[k]} {k}" for k in ("answer", "apology", "busy", "empty", "error") if part[k]]
    return ", ".join(shown) or "none"


def _faults(fault: dict[str, Any]) -> list[str]:
    lines = [
        f"Window {fault['window_s']:g} s ({fault['elapsed_s']:g} s with the last replies); "
        f"answers count as normal at most {fault['normal_limit_ms']:g} ms after the first "
        f"attempt (baseline p95 × 3, at least 1 s). Baseline before the first fault: "
        f"{_outcomes(fault['baseline'])}, p50 {fault['baseline']['p50_ms']} ms, p95 "
        f"{fault['baseline']['p95_ms']} ms.",
        "",
    ]
    header = ["fault (at s)", "what was done", "process back after s",
              "answers normal again after s", "customers got meanwhile",
              "retried (retries)",
              "replies until next fault: n, lost (silently) / dup / unanswered"]  # fmt: skip
    rows = []
    for f in fault["faults"]:
        seg, mid = f["segment"], f["meanwhile"]
        back, normal = f["component_back_after_s"], f["customers_recovered_after_s"]
        rows.append([
            f"{f['title']} ({f['injected_s']})", f["action"],
            "not within the probe's limit" if back is None else back,
            "not before the next fault" if normal is None else normal,
            f"{_outcomes(mid)}; p95 {mid['p95_ms']} ms, max {mid['max_ms']} ms",
            f"{mid['retried_messages']} ({mid['retries']})",
            f"{seg['messages']}: {seg['lost']} ({seg['lost_silently']}) / {seg['duplicated']} / "
            f"{seg['unanswered']}",
        ])  # fmt: skip
    lines += _table(header, rows)
    total = fault["all"]
    lines += [
        "",
        f"Whole fault run: {total['messages']} messages, {_outcomes(total)}; "
        f"{total['retried_messages']} messages needed retries ({total['retries']} in all); "
        f"tracker store: {total['lost']} lost, {total['duplicated']} duplicated, "
        f"{total['unanswered']} unanswered ({fault['tracker_store']['lost_client_saw_error']} "
        "of the lost got an error; the others got a reply: an answer, or an empty one).",
        "",
        "In the cluster's log during the fault run (`var/bench/cluster.log`): "
        + "; ".join(f"{name}: {count}" for name, count in fault["cluster_log"].items())
        + ".",
    ]
    return lines


def render(results: Results, payload: dict[str, Any]) -> str:
    minutes = results.elapsed_s / 60
    lines = [
        "# Load: Frontline (make run, make cluster) against bare Rasa",
        "",
        f"Command: `{results.command}` — {results.date}, {payload['machine']}, "
        f"whole run {minutes:.1f} min. Boot: "
        + ", ".join(f"{k} {v:.0f} s" for k, v in results.boot_s.items())
        + ". Load average (1 min) at each system's start: "
        + ", ".join(f"{k} {v[0]:.1f}" for k, v in results.load_average.items())
        + ".",
        "",
        METHOD.format(peer=PEER, messages=results.settings.get("messages")),
        "## Results",
        "",
        *_headline(payload),
        "",
        *_ratios(payload),
        "",
        "![latency per system and level](load-latency.png)",
        "",
        "## Targets",
        "",
        *_targets(payload),
    ]
    problems = [
        f"- {r['system']}, {r['transport']}, {r['concurrency']} at once: {example}"
        for r in payload["runs"]
        for example in (r["tracker_store"] or {}).get("examples", [])[:3]
    ]
    if problems:
        lines += ["", "Messages the tracker store did not keep once (first few):", "", *problems]
    if payload["fault_run"]:
        lines += [
            "",
            "## Faults (make cluster, REST)",
            "",
            f"{results.settings.get('fault_conversations')} conversations at once, each "
            "customer writing conversation after conversation (5 messages, 0.5 s between "
            "a reply and the next message), through HAProxy on :5005. The client retries "
            "the same message (same `message_id`) on a connection error, a timeout or HTTP "
            "502/503/504, pausing 0.5 s doubling to 8 s, for up to 60 s. One fault after "
            "the other; `frontline supervise` restarts what stopped.",
            "",
            *_faults(payload["fault_run"]),
            "",
            "![fault run timeline](load-faults.png)",
        ]
    if results.notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in results.notes]]
    return "\n".join(lines) + "\n"
