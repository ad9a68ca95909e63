"""``reports/gap-mining.md`` and its plot, from the figures ``bench/gap_mining.py`` measured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

METHODS = {
    "hdbscan": "HDBSCAN (frontline faq suggest)",
    "linkage": "average linkage, fixed cosine distance",
    "exact_text": "exact text (frontline faq gaps today)",
}
TARGETS = (
    ("held-out intents recovered as their own cluster", "recovered", 12, "of 15"),
    ("purity", "purity", 0.85, ""),
    ("adjusted Rand index", "ari", 0.6, ""),
)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def write_report(figures: dict[str, Any], out: Path) -> list[str]:
    """Write the report and the plot; returns the headline lines to print."""
    test = figures["test"]
    english = test["banking77-test-en"]
    arabic = test["banking77-test-en+ar"]
    xsid = {name: result for name, result in test.items() if name.startswith("xsid-")}
    xsid_mean = sum(r["hdbscan"]["cross_language"] for r in xsid.values()) / max(len(xsid), 1)
    headline = [
        f"recovered {english['hdbscan']['recovered']} of 15 held-out intents (target >= 12)",
        f"purity {english['hdbscan']['purity']:.3f} (>= 0.85), "
        f"ARI {english['hdbscan']['ari']:.3f} (>= 0.6)",
        f"cross-language, English + Arabic: {_pct(arabic['hdbscan']['cross_language'])} "
        f"of intents in one cluster; English + an xSID language: {_pct(xsid_mean)} on average "
        "(>= 80%)",
        f"reproduce with: {figures['command']}",
    ]
    lines = [
        "# Gap mining: clustering unanswered questions without an LLM",
        "",
        f"Generated {figures['generated']} by `{figures['command']}` "
        f"({figures['elapsed_s']:.0f} s; encoder `{figures['encoder']}`, seed {figures['seed']}).",
        "",
        "**Headline (test split):** " + "; ".join(headline[:3]) + ".",
        "",
        "## Set-up",
        "",
        "- Knowledge base: BANKING77 with 15 intents held out, 10 train phrasings per other "
        "intent (`banking77(k=10)`). The matcher is the bot's own (shipped scoring, thresholds "
        "the knowledge base calibrates itself).",
        "- The unanswered log: every query of the held-out intents, plus the answerable "
        "queries the bot would log as well: no answer, or a question back that does not offer "
        'the right entry (the customer\'s "none of these"). The matcher answered '
        f"{_pct(figures['answered_right_share']['test'])} of the answerable test queries "
        "right directly.",
        "- Test held-out intents: " + ", ".join(figures["held_out"]["test"]) + ".",
        "- Calibration held-out intents (parameters chosen here, never on the test): "
        + ", ".join(figures["held_out"]["calibration"])
        + ". Calibration queries come from BANKING77's train split (rows outside the "
        "knowledge base) and ArBanking77's validation split; test queries from the test splits.",
        "- Cross-language: half of each intent's queries replaced by ArBanking77 Arabic (MSA "
        "test), or, on xSID's own intents (those with at least 10 test sentences; no xSID "
        "intent is in the knowledge base), even sentences in English and odd ones in the other "
        "language, so no sentence appears twice.",
        "",
        "## Definitions",
        "",
        "- *purity*: of the questions in a cluster, the share whose intent is their cluster's "
        "most frequent intent (questions left out of every cluster do not count);",
        "- *adjusted Rand index*: over every question, each left-out question counted as a "
        "cluster of its own, so leaving questions out is not free;",
        "- *coverage*: the share of questions in some cluster;",
        "- an intent is *recovered* when a cluster whose most frequent intent it is holds at "
        "least half of that intent's questions in the log;",
        "- an intent's two languages *land in one cluster* when the cluster holding most of its "
        "English questions also holds most of its other-language questions (a left-out "
        "question is in no cluster); *strictly* when that cluster holds at least half of each.",
        "",
        "## Targets (test split)",
        "",
        "| measure | target | measured | |",
        "|---|---|---|---|",
    ]
    for title, key, target, unit in TARGETS:
        value = english["hdbscan"][key]
        shown = f"{value} {unit}".strip() if key == "recovered" else f"{value:.3f}"
        met = "met" if value >= target else "missed"
        lines.append(f"| {title} | >= {target} {unit} | {shown} | {met} |")
    for label, value in (
        ("cross-language, English + Arabic", arabic["hdbscan"]["cross_language"]),
        ("cross-language, English + xSID language (mean)", xsid_mean),
    ):
        met = "met" if value >= 0.8 else "missed"
        lines.append(f"| {label} | >= 80% of intents | {_pct(value)} | {met} |")
    lines += ["", "## BANKING77, test split: HDBSCAN against the baselines", ""]
    lines += _method_table({"English": english, "English + Arabic": arabic})
    lines += [
        "",
        "## xSID: English and another language, half and half (test split)",
        "",
        "| language | questions | HDBSCAN: one cluster (strict) | purity | ARI | recovered "
        "| linkage: one cluster | exact text: one cluster |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, result in sorted(xsid.items()):
        h = result["hdbscan"]
        lines.append(
            f"| {name.rsplit('+', 1)[1]} | {h['questions']} | {_pct(h['cross_language'])} "
            f"({_pct(h['cross_language_strict'])}) | {h['purity']:.3f} | {h['ari']:.3f} "
            f"| {h['recovered']} of {h['held_out']} | "
            f"{_pct(result['linkage']['cross_language'])} | "
            f"{_pct(result['exact_text']['cross_language'])} |"
        )
    lines += _choice(figures) + _nearest(figures["nearest_entry"], figures["variant_similarity"])
    lines += [
        "",
        "![gap mining](gap-mining.png)",
        "",
        "Reproduce:",
        "",
        "```",
        figures["command"],
        "```",
        "",
    ]
    (out / "gap-mining.md").write_text("\n".join(lines), encoding="utf-8")
    _plot(figures, out / "gap-mining.png")
    return headline


def _method_table(logs: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| log | method | questions | clusters | purity | ARI | coverage | recovered "
        "| one cluster across languages (strict) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for log_name, result in logs.items():
        for key, title in METHODS.items():
            r = result[key]
            cross = (
                f"{_pct(r['cross_language'])} ({_pct(r['cross_language_strict'])})"
                if "cross_language" in r
                else "-"
            )
            lines.append(
                f"| {log_name} | {title} | {r['questions']} | {r['clusters']} | "
                f"{r['purity']:.3f} | {r['ari']:.3f} | {_pct(r['coverage'])} | "
                f"{r['recovered']} of {r['held_out']} | {cross} |"
            )
    return lines


def _choice(figures: dict[str, Any]) -> list[str]:
    chosen = figures["chosen"]
    lines = [
        "",
        "## How the parameters were chosen (calibration split only)",
        "",
        f"{len(figures['search'])} settings were tried on the calibration logs (English, and "
        "English + Arabic); the one with the highest sum of recovered share, purity, ARI and "
        "cross-language share was kept: "
        + ", ".join(f"`{k}={v}`" for k, v in chosen.items())
        + ". The same settings are the defaults of `bot/insight/clusters.py`. The linkage "
        f"baseline's distance ({figures['linkage_threshold']}) was chosen the same way. "
        "Vectors are the FAQ encoder's, centred per language, whitened with the knowledge "
        "base's spread of phrasings around each entry (`whitening`), projected onto the "
        "batch's leading directions (`dims`), unit length (so Euclidean distance orders pairs "
        "as the cosine does).",
        "",
        "| calibration log | purity | ARI | coverage | recovered | one cluster across languages |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in figures["calibration"].items():
        cross = _pct(r["cross_language"]) if "cross_language" in r else "-"
        lines.append(
            f"| {name} | {r['purity']:.3f} | {r['ari']:.3f} | {_pct(r['coverage'])} | "
            f"{r['recovered']} of {r['held_out']} | {cross} |"
        )
    return lines


def _nearest(found: list[dict[str, Any]], level: float) -> list[str]:
    held = [c for c in found if c["held_out"]]
    known = [c for c in found if not c["held_out"]]
    right = sum(c["nearest"] == c["intent"] for c in known)
    return [
        "",
        "## Missing entry or missing variant (test split, English)",
        "",
        f"A cluster is shown as a missing variant of an entry when its centre's cosine to the "
        f"entry's nearest phrasing is at least {level} (chosen on the calibration split: the "
        "level that labels the most calibration clusters right). "
        f"Of {len(held)} clusters whose most frequent intent is held out, "
        f"{sum(c['nearest'] is None for c in held)} are shown as a new entry (right) and "
        f"{sum(c['nearest'] is not None for c in held)} as a missing variant of some entry. Of "
        f"{len(known)} clusters of answerable questions, "
        f"{sum(c['nearest'] is not None for c in known)} are shown as a missing variant, "
        f"{right} of them of the right entry.",
    ]


def _plot(figures: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    test = figures["test"]
    english, arabic = test["banking77-test-en"], test["banking77-test-en+ar"]
    measures = ("purity", "ari", "recovered share", "cross-language (en+ar)")
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    width = 0.27
    for offset, (key, title) in enumerate(METHODS.items()):
        values = [
            english[key]["purity"],
            max(english[key]["ari"], 0.0),
            english[key]["recovered"] / english[key]["held_out"],
            arabic[key]["cross_language"],
        ]
        left.bar([i + (offset - 1) * width for i in range(4)], values, width, label=title)
    for level, label in ((0.85, "purity target"), (0.6, "ARI target"), (0.8, "12/15, 80%")):
        left.axhline(level, color="grey", linewidth=0.6, linestyle="--")
        left.text(3.5, level, label, fontsize=7, va="bottom", ha="right")
    left.set_xticks(range(4), measures, fontsize=8)
    left.set_ylim(0, 1.05)
    left.set_title("BANKING77 test: 15 held-out intents")
    left.legend(fontsize=7, loc="upper left")
    xsid = sorted((n.rsplit("+", 1)[1], r) for n, r in test.items() if n.startswith("xsid-"))
    right.bar([n for n, _ in xsid], [r["hdbscan"]["cross_language"] for _, r in xsid])
    right.axhline(0.8, color="grey", linewidth=0.6, linestyle="--")
    right.set_ylim(0, 1.05)
    right.set_title("xSID: intents whose English and other-language halves share a cluster")
    right.tick_params(axis="x", labelsize=7, rotation=45)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
