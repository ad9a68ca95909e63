"""``frontline report``'s files: a self-contained HTML page with plots, and a CSV.

The HTML embeds its plots as PNG data, so it can be mailed or attached to a ticket as
one file. ``conversations.csv`` has one row per conversation window, the same
records every figure counts.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from bot.insight.outcomes import OUTCOMES, REASONS, Outcome

CSV_FIELDS = [f.name for f in fields(Outcome)]


def write_csv(outcomes: Sequence[Outcome], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for outcome in outcomes:
            row = {name: getattr(outcome, name) for name in CSV_FIELDS}  # asdict deep-copies
            for name, value in row.items():
                if isinstance(value, tuple):
                    row[name] = ";".join(value)
                elif hasattr(value, "isoformat"):
                    row[name] = value.isoformat()
            writer.writerow(row)


def write_html(figures: dict[str, Any], path: Path, *, period: str) -> None:
    plots = "".join(
        f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,{png}">'
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
        for title, png in _plots(figures)
    )
    path.write_text(
        _PAGE.format(
            period=html.escape(period),
            summary=_summary(figures),
            plots=plots,
            entries=_entries_table(figures["entries"][:15]),
            unhelpful=_entries_table([e for e in figures["entries"] if e["unhelpful"]]),
            never=_list(figures["never_matched"]),
            stale=_list([f"{s['id']} (reviewed {s['last_reviewed']})" for s in figures["stale"]]),
            human=_human_table(figures["human"]),
        ),
        encoding="utf-8",
    )


def _summary(f: dict[str, Any]) -> str:
    cells = [
        ("conversations", f"{f['conversations']:,}"),
        ("automated resolution", _percent(f["automated_resolution_rate"])),
        ("handoff", _percent(f["handoff_rate"])),
        ("abandoned", _percent(f["abandoned_rate"])),
        ("no answer", _percent(f["no_answer_rate"])),
        ("CSAT", f"{f['csat_average']:.2f} ({f['csat_count']})" if f["csat_average"] else "-"),
    ]
    return "".join(f"<div><b>{value}</b><span>{name}</span></div>" for name, value in cells)


def _entries_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>None.</p>"
    body = "".join(
        f"<tr><td>{html.escape(r['id'])}</td><td>{html.escape(r['question'])}</td>"
        f"<td>{r['conversations']}</td><td>{_percent(r['resolution_rate'])}</td>"
        f"<td>{r['handoffs']}</td><td>{r['csat_average'] if r['csat_average'] else '-'}</td></tr>"
        for r in rows
    )
    return (
        "<table><tr><th>entry</th><th>question</th><th>conversations</th>"
        f"<th>resolved</th><th>handoffs</th><th>CSAT</th></tr>{body}</table>"
    )


def _human_table(human: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{name.replace('_', ' ')}</td>"
        f"<td>{_duration(human[f'{name}_median_s'])}</td><td>{_duration(human[f'{name}_p90_s'])}</td>"
        f"<td>{_duration(human[f'{name}_business_median_s'])}</td>"
        f"<td>{_duration(human[f'{name}_business_p90_s'])}</td><td>{human[f'{name}_count']}</td></tr>"
        for name in ("first_response", "resolution")
    )
    return (
        "<table><tr><th></th><th>median</th><th>p90</th><th>median, business hours</th>"
        f"<th>p90, business hours</th><th>tickets</th></tr>{rows}</table>"
    )


def _list(items: list[str]) -> str:
    if not items:
        return "<p>None.</p>"
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _plots(f: dict[str, Any]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots = []
    days = list(f["by_day"])
    if days:
        figure, axis = plt.subplots(figsize=(8, 3))
        for name, label in (
            ("automated_resolution", "automated resolution"),
            ("handoff", "handoff"),
        ):
            rates = [f["by_day"][d][f"{name}_rate"] * 100 for d in days]
            axis.plot(range(len(days)), rates, marker="o", label=label)
        axis.set_ylabel("% of conversations")
        axis.set_ylim(0, 100)
        axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
        axis.set_xticks(range(len(days)), days, rotation=45, fontsize=7)
        plots.append(("Resolution and handoff rates by day", _png(figure)))
    for key, title in (
        ("by_channel", "Outcomes by channel"),
        ("by_language", "Outcomes by language"),
    ):
        groups = list(f[key])
        if not groups:
            continue
        figure, axis = plt.subplots(figsize=(8, 3))
        bottom = [0.0] * len(groups)
        for name in OUTCOMES:
            values = [f[key][g][f"{name}_rate"] * 100 for g in groups]
            axis.bar(groups, values, bottom=bottom, label=name.replace("_", " "))
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axis.set_ylabel("% of conversations")
        axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
        plots.append((title, _png(figure)))
    figure, axis = plt.subplots(figsize=(8, 3))
    axis.bar([r.replace("_", " ") for r in REASONS], [f["handoff_reasons"][r] for r in REASONS])
    axis.set_ylabel("handoffs")
    plots.append(("Handoff reasons", _png(figure)))
    return plots


def _png(figure: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Frontline report</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; max-width: 980px; margin: 2em auto; }}
.summary {{ display: flex; gap: 1em; flex-wrap: wrap; }}
.summary div {{ border: 1px solid #d0d7de; border-radius: 8px; padding: .6em 1em; min-width: 8em; }}
.summary b {{ display: block; font-size: 1.5em; }}
.summary span {{ color: #57606a; }}
table {{ border-collapse: collapse; margin: .5em 0; }}
td, th {{ border-bottom: 1px solid #d0d7de; padding: .25em .6em; text-align: left; }}
figure {{ margin: 1em 0; }} img {{ max-width: 100%; }}
</style></head><body>
<h1>Frontline report</h1><p>{period}</p>
<section class="summary">{summary}</section>
{plots}
<h2>Human response</h2>{human}
<h2>Top entries</h2>{entries}
<h2>Answers that don't help</h2>
<p>Entries whose conversations mostly end with a person, or rate them 2 or lower.</p>{unhelpful}
<h2>Entries never matched</h2>{never}
<h2>Stale entries</h2>{stale}
</body></html>
"""
