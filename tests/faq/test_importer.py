"""Importing a company's FAQ from a CSV export (bot/faq/importer.py, frontline faq import)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.faq.importer import CsvImportError, import_csv
from bot.faq.loader import load_knowledge_base
from bot.faq.schema import KnowledgeBaseInvalid

TODAY = date(2026, 11, 30)
CSV = (
    "\ufeffQuestion,Answer,Variants,Tags\n"
    'How do I reset my password?,"Click **Forgot password?**, then follow the email.",'
    "I forgot my password|password reset,account\n"
    "Do you ship to Switzerland?,Yes: 3-5 working days.,,shipping|international\n"
    "\n"
    "How do I reset my password?,Another answer.,,\n"
)


def test_every_row_becomes_an_entry_the_bot_can_read(tmp_path: Path) -> None:
    imported = import_csv(CSV, source="faq.csv", owner="support", today=TODAY)

    ids = [entry.id for entry in imported.entries]
    assert ids == ["how-do-i-reset-my-password", "do-you-ship-to-switzerland",
                   "how-do-i-reset-my-password-2"]  # fmt: skip
    first = imported.entries[0]
    assert first.variants["en"] == ("I forgot my password", "password reset")
    assert first.answer["en"] == "Click **Forgot password?**, then follow the email."
    assert first.tags == ("account",) and imported.entries[2].tags == ("imported",)
    (tmp_path / "imported.yml").write_text(imported.yaml_text, encoding="utf-8")
    kb = load_knowledge_base(tmp_path, default_language="en")
    assert len(kb) == 3 and kb["do-you-ship-to-switzerland"].owner == "support"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("question,reply\nq,a\n", "no column answer"),
        ("question,answer\nWhere is it?,\n", "row 2: the answer is empty"),
        ("id,question,answer\nx,q1,a1\nx,q2,a2\n", "row 3: id 'x' is used twice"),
        ("question,answer\n", "no rows"),
    ],
)
def test_a_bad_export_names_the_row_and_column(text: str, message: str) -> None:
    with pytest.raises(CsvImportError, match=message):
        import_csv(text, source="faq.csv", owner="support", today=TODAY)


def test_a_row_in_another_language_needs_the_default_language_too() -> None:
    with pytest.raises(KnowledgeBaseInvalid, match="missing the default language 'en'"):
        import_csv("question,answer\n¿Dónde está?,Aquí.\n", source="faq.csv",
                   owner="support", language="es", today=TODAY)  # fmt: skip


def test_the_command_never_overwrites_a_file(tmp_path: Path, capsys) -> None:
    source = tmp_path / "faq.csv"
    source.write_text(CSV, encoding="utf-8")
    out = tmp_path / "kb" / "imported.yml"

    assert main(["faq", "import", str(source), "--out", str(out), "--owner", "support"]) == 0
    written = out.read_text(encoding="utf-8")
    assert main(["faq", "import", str(source), "--out", str(out), "--owner", "other"]) == 1
    assert out.read_text(encoding="utf-8") == written
    assert "exists" in capsys.readouterr().err
