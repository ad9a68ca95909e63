"""Tests of the evaluation dataset loaders.

The format tests run everywhere. The dataset tests need the public datasets folder
(``shared/datasets`` beside the repository, or ``FRONTLINE_DATASETS_DIR``) and are skipped
without it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.eval.datasets import (
    LOADERS,
    OOS,
    EvalSet,
    LabelledText,
    arbanking77,
    banking77,
    banking77_oos,
    clinc150,
    load,
    read_csv,
    write_csv,
    xsid,
    xsid_languages,
)


def _datasets_dir() -> Path:
    configured = os.environ.get("FRONTLINE_DATASETS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "shared" / "datasets"


DATASETS = _datasets_dir()
needs_datasets = pytest.mark.skipif(
    not (DATASETS / "banking77").is_dir(), reason=f"datasets folder not found at {DATASETS}"
)


# --------------------------------------------------------------------------- CSV format


def test_csv_round_trip(tmp_path: Path) -> None:
    rows = [
        LabelledText("plain", "a"),
        LabelledText('with "quotes", a comma\nand a newline', "b"),
        LabelledText("عربي", OOS),
    ]
    path = tmp_path / "sub" / "set.csv"
    write_csv(path, rows)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "text,label"
    assert read_csv(path) == rows


def test_read_csv_rejects_a_malformed_row(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("text,label\nfine,a\ntoo,many,fields\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.csv, line 3"):
        read_csv(path)


def test_read_csv_rejects_an_empty_label(tmp_path: Path) -> None:
    path = tmp_path / "nolabel.csv"
    path.write_text("text,label\nhello,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"nolabel\.csv, line 2"):
        read_csv(path)


def test_read_csv_rejects_a_wrong_header(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("utterance,intent\nhello,greet\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"header\.csv, line 1"):
        read_csv(path)


def test_read_csv_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("text,label\n\nhello,greet\n\n", encoding="utf-8")
    assert read_csv(path) == [LabelledText("hello", "greet")]


def test_load_rejects_an_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown dataset"):
        load("nope", tmp_path)


def test_registry_names() -> None:
    assert set(LOADERS) == {
        "banking77",
        "banking77_oos",
        "clinc150",
        "arbanking77",
        "xsid",
        "stackfaq",
    }


# --------------------------------------------------------------------------- datasets


def _texts(rows: list[LabelledText]) -> set[str]:
    return {row.text.casefold() for row in rows}


@needs_datasets
def test_banking77_k10_sizes() -> None:
    data = banking77(DATASETS, k=10)
    assert len(data.kb) == 770
    assert len(data.queries) == 3080
    assert len(data.kb_labels) == 77
    assert len(data.calibration) == 77 * 3


@needs_datasets
def test_banking77_calibration_is_disjoint_from_kb() -> None:
    for k in (10, None):
        data = banking77(DATASETS, k=k)
        assert not _texts(data.kb) & _texts(data.calibration)


@needs_datasets
def test_banking77_calibration_does_not_depend_on_k() -> None:
    assert banking77(DATASETS, k=5).calibration == banking77(DATASETS, k=None).calibration


@needs_datasets
def test_banking77_sampling_is_reproducible_and_seeded() -> None:
    first = banking77(DATASETS, k=10, seed=13)
    again = banking77(DATASETS, k=10, seed=13)
    other = banking77(DATASETS, k=10, seed=14)
    assert first == again
    assert first.kb != other.kb
    assert first.calibration != other.calibration


@needs_datasets
def test_banking77_oos_splits() -> None:
    data = banking77_oos(DATASETS)
    assert len(data.kb_labels) == 50
    assert OOS not in data.kb_labels
    assert {row.label for row in data.queries} - set(data.kb_labels) == {OOS}
    # id-oos/test/seq.in has four blank lines, which are dropped.
    assert sum(row.label == OOS for row in data.queries) == 1080 - 4 + 1000
    assert len(data.queries) == 2000 + 1076 + 1000
    assert any(row.label == OOS for row in data.calibration)
    assert not _texts(data.kb) & _texts(data.calibration)


@needs_datasets
def test_clinc150_has_1000_oos_queries() -> None:
    data = clinc150(DATASETS)
    assert sum(row.label == OOS for row in data.queries) == 1000
    assert len(data.queries) == 5500
    assert len(data.kb) == 15000
    assert len(data.kb_labels) == 150
    assert sum(row.label == OOS for row in data.calibration) == 100


@needs_datasets
def test_arbanking77_labels_are_english_banking77_labels() -> None:
    english = set(banking77(DATASETS, k=1).kb_labels)
    data = arbanking77(DATASETS, k=10)
    assert data.kb == banking77(DATASETS, k=10).kb
    assert {row.label for row in data.queries} == english
    assert {row.label for row in data.calibration} <= english
    assert data.calibration


@needs_datasets
def test_xsid_kb_is_english_and_queries_are_not() -> None:
    languages = xsid_languages(DATASETS)
    assert {"en", "de", "ar"} <= set(languages)
    data = xsid(DATASETS, "de")
    assert data.kb == xsid(DATASETS, "en").kb
    assert data.queries and data.calibration
    assert data.queries[0].text != xsid(DATASETS, "en").queries[0].text
    assert {row.label for row in data.queries} - set(data.kb_labels) <= {OOS}
    assert xsid(DATASETS, "en").calibration == []


@needs_datasets
@pytest.mark.parametrize(
    ("name", "kw"),
    [
        ("banking77", {"k": 3}),
        ("banking77_oos", {}),
        ("clinc150", {"k": 5}),
        ("arbanking77", {"k": 3, "dialect": "PAL"}),
        ("xsid", {"lang": "ja"}),
    ],
)
def test_every_loader_gives_a_usable_set(name: str, kw: dict[str, object]) -> None:
    data = load(name, DATASETS, **kw)
    assert isinstance(data, EvalSet)
    assert data.kb and data.queries
    assert all(row.text and row.label for row in data.kb + data.queries + data.calibration)
    assert OOS not in data.kb_labels


@needs_datasets
def test_stackfaq_is_one_question_per_entry_with_its_answer() -> None:
    data = load("stackfaq", DATASETS)
    assert len(data.kb) == len({row.label for row in data.kb}) == 125
    assert len(data.queries) > 1200 and not any(q.text == "*" for q in data.queries)
    assert set(data.answers) == {row.label for row in data.kb}
    assert {q.label for q in data.queries} <= set(data.answers)
