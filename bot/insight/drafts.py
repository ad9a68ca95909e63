"""A draft FAQ entry from a cluster, in the schema of ``data/faq/`` (:mod:`bot.faq.loader`).

The medoid becomes the question (in the default language when the cluster has questions
in it), the other members the variants, an agent's reply the answer. Where there is no
reply, or the cluster has no question in the default language, the draft says what the
editor must write instead, so it still loads. Drafts go to ``data/faq/_suggested/``,
which the knowledge base never reads: an editor moves an entry out when it is ready.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.insight.gaps import GapCluster

SUGGESTED_FOLDER = "_suggested"
WRITE_ANSWER = "TODO: write the answer."
MAX_VARIANTS = 20


def draft_id(cluster: GapCluster) -> str:
    """``suggested-`` + the medoid's first words (ASCII) + a short hash of its text."""
    words = unicodedata.normalize("NFKD", cluster.medoid.text).encode("ascii", "ignore")
    slug = "-".join(re.findall(r"[a-z0-9]+", words.decode().lower())[:6])
    digest = hashlib.sha256(cluster.medoid.text.encode("utf-8")).hexdigest()[:6]
    return "-".join(part for part in ("suggested", slug, digest) if part)


def draft_entry(cluster: GapCluster, *, default_language: str, today: date) -> dict[str, Any]:
    """The entry as a mapping, ready for YAML; it validates as a ``data/faq/`` entry."""
    question: dict[str, str] = {}
    variants: dict[str, list[str]] = {}
    for member in cluster.members:  # closest to the centre first
        lang = member.language
        if lang not in question:
            question[lang] = member.text
        elif member.text not in variants.get(lang, []) and member.text != question[lang]:
            variants.setdefault(lang, []).append(member.text)
    if default_language not in question:
        question[default_language] = f"TODO: translate: {cluster.medoid.text}"
    answer = {default_language: cluster.agent_replies[0] if cluster.agent_replies else WRITE_ANSWER}
    entry: dict[str, Any] = {
        "id": draft_id(cluster),
        "question": dict(sorted(question.items(), key=lambda kv: kv[0] != default_language)),
        "answer": answer,
        "tags": ["suggested"],
        "owner": "unassigned",
        "last_reviewed": today.isoformat(),
    }
    if variants:
        entry["variants"] = {lang: texts[:MAX_VARIANTS] for lang, texts in variants.items()}
    return entry


def draft_yaml(cluster: GapCluster, *, default_language: str, today: date) -> str:
    """The file for one draft: what it is based on, as comments, then the entry."""
    lines = [
        f"# Suggested by `frontline faq suggest` on {today.isoformat()}: "
        f"{cluster.size} conversation(s), languages {', '.join(cluster.languages)}, "
        f"last asked {cluster.last_asked.date().isoformat()}.",
    ]
    if cluster.nearest is not None:
        lines.append(
            f"# Maybe a missing variant of '{cluster.nearest.entry_id}' "
            f"(similarity {cluster.nearest.similarity:.2f}): consider adding these there."
        )
    for reply in cluster.agent_replies[1:]:
        lines.append("# Another agent's answer: " + " ".join(reply.split()))
    lines.append(
        "# Move the entry into a data/faq/ file when it is ready; this folder is not read."
    )
    entry = draft_entry(cluster, default_language=default_language, today=today)
    body = yaml.safe_dump({"entries": [entry]}, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + body


def write_drafts(
    clusters: list[GapCluster], *, faq_dir: Path, default_language: str, today: date
) -> list[Path]:
    """Write each draft to ``faq_dir/_suggested/<id>.yml`` (replacing an older draft of
    the same id); returns the files written."""
    folder = faq_dir / SUGGESTED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for cluster in clusters:
        path = folder / f"{draft_id(cluster)}.yml"
        text = draft_yaml(cluster, default_language=default_language, today=today)
        temporary = path.with_suffix(".yml.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
        written.append(path)
    return written
