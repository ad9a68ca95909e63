"""The shipped knowledge base as evaluation rows, and the demo query files in ``bench/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.eval.datasets import OOS, LabelledText, read_csv, write_csv
from bot.eval.demo import DEMO_CALIBRATION, DEMO_QUERY_SETS, kb_rows, read_kb
from bot.eval.faq import THREAD_VARIABLES
from bot.faq.loader import load_knowledge_base
from bot.settings import PROJECT_ROOT
from tests.auxil.faq_files import faq_entry, write_faq

BENCH = PROJECT_ROOT / "bench"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    folder.mkdir()
    write_faq(
        folder / "account.yml",
        [
            faq_entry(
                "reset-password",
                question={"en": "How do I reset my password?", "es": "¿Cómo cambio la contraseña?"},
                variants={"en": ["I forgot my password"], "es": ["olvidé mi contraseña"]},
            ),
            faq_entry(
                "unsubscribe",
                question={"en": "How do I unsubscribe?", "de": "unsubscribe"},
                variants={"en": ["unsubscribe"]},
            ),
        ],
    )
    return folder


def test_kb_rows_keep_every_phrasing_labelled_with_its_entry(tmp_path: Path) -> None:
    kb = load_knowledge_base(_folder(tmp_path))

    rows = kb_rows(kb)

    assert LabelledText("olvidé mi contraseña", "reset-password") in rows
    assert [row.text for row in rows if row.label == "unsubscribe"] == [
        "How do I unsubscribe?",
        "unsubscribe",  # written in en and de: indexed once
    ]


def test_kb_rows_can_keep_english_only(tmp_path: Path) -> None:
    kb = load_knowledge_base(_folder(tmp_path))

    rows = kb_rows(kb, ["en"])

    assert rows == [
        LabelledText("How do I reset my password?", "reset-password"),
        LabelledText("I forgot my password", "reset-password"),
        LabelledText("How do I unsubscribe?", "unsubscribe"),
        LabelledText("unsubscribe", "unsubscribe"),
    ]


def test_kb_rows_refuse_to_drop_an_entry(tmp_path: Path) -> None:
    kb = load_knowledge_base(_folder(tmp_path))

    with pytest.raises(ValueError, match="'unsubscribe' has no question or variant"):
        kb_rows(kb, ["es"])


def test_read_kb_takes_a_csv_file_or_a_folder(tmp_path: Path) -> None:
    csv = tmp_path / "kb.csv"
    write_csv(csv, [LabelledText("hello", "greet")])

    assert read_kb(csv, None, default_language="en") == [LabelledText("hello", "greet")]
    assert len(read_kb(_folder(tmp_path), ["en"], default_language="en")) == 4
    with pytest.raises(ValueError, match="needs a FAQ folder"):
        read_kb(csv, ["en"], default_language="en")


def test_cli_scores_queries_against_the_english_text_of_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in THREAD_VARIABLES:  # the handler sets them; restore them afterwards
        monkeypatch.setenv(variable, "1")
    queries = tmp_path / "queries.csv"
    write_csv(queries, [LabelledText("I forgot my password", "reset-password")])
    out = tmp_path / "out.json"

    code = main(
        [
            "eval",
            "faq",
            "--kb",
            str(_folder(tmp_path)),
            "--kb-languages",
            "en",
            "--queries",
            str(queries),
            "--json",
            str(out),
        ]
    )

    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert (result["n_kb"], result["n_entries"], result["top1"]) == (4, 2, 1.0)


# --------------------------------------------------------------------------- the bench files


@pytest.mark.parametrize(("language", "name"), DEMO_QUERY_SETS)
def test_demo_query_files_name_real_entries(language: str, name: str) -> None:
    entries = set(load_knowledge_base(PROJECT_ROOT / "data" / "faq").entries)
    rows = read_csv(BENCH / name)

    assert len(rows) >= 25, language
    assert {row.label for row in rows} - entries == {OOS}
    assert len({row.text for row in rows}) == len(rows)


def test_demo_queries_in_new_languages_are_not_in_the_calibration_set() -> None:
    calibration = {row.text for row in read_csv(BENCH / DEMO_CALIBRATION)}
    for _, name in DEMO_QUERY_SETS:
        assert not calibration & {row.text for row in read_csv(BENCH / name)}, name
