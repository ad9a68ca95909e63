"""Hot reload of the FAQ folder (bot/faq/reload.py), on small files written here."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.faq.index import FaqIndex
from bot.faq.reload import HotReloader
from tests.auxil.fake_encoder import FakeEncoder
from tests.auxil.faq_files import faq_entry, faq_text, write_faq, write_text

RESET = faq_entry(
    "reset-password",
    question={"en": "How do I reset my password?", "de": "Wie setze ich mein Passwort zurück?"},
    variants={"en": ["I forgot my password"]},
    answer={"en": "Click Forgot password.", "de": "Klicken Sie auf Passwort vergessen."},
)
EMAIL = faq_entry("change-email", question={"en": "How do I change my email address?"})
TRACK = faq_entry(
    "track-order",
    question={"en": "Where is my order?"},
    variants={"en": ["track my parcel"], "es": ["dónde está mi pedido"]},
)
CANCEL = faq_entry("cancel-order", question={"en": "Can I cancel my order?"})
REFUND = faq_entry("refund-time", question={"en": "How long does a refund take?"})

FILES = {"account.yml": [RESET, EMAIL], "orders.yml": [TRACK, CANCEL], "returns.yml": [REFUND]}


def edited(entry: dict, **changes) -> dict:
    return {**entry, **changes}


def answer_of(reloader: HotReloader, entry_id: str, language: str = "en") -> str | None:
    kb = reloader.index.kb
    return kb[entry_id].answer[language] if entry_id in kb else None


def consistent(index: FaqIndex) -> bool:
    """The index's rows, ids and knowledge base describe the same entries."""
    rows = sum(len(dict.fromkeys(e.phrasings())) for e in index.kb.entries.values())
    return (
        index.vectors.shape[0] == rows == len(index.phrasings)
        and index.entry_ids == tuple(index.kb.entries)
        and len(index.starts) == len(index.kb)
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    kb = tmp_path / "faq"
    kb.mkdir()
    for name, entries in FILES.items():
        write_faq(kb / name, entries)
    return kb


@pytest.fixture
def reloader(folder: Path, fake_encoder: FakeEncoder) -> Iterator[HotReloader]:
    reloader = HotReloader(
        folder=folder, encoder=fake_encoder, interval=0.2, today=lambda: date(2024, 6, 1)
    )
    first = reloader.check()
    assert first is not None and first.errors == ()
    fake_encoder.documents.clear()
    yield reloader
    reloader.stop()


# --------------------------------------------------------------------------- edits go live


def test_the_first_check_loads_every_file(folder: Path) -> None:
    encoder = FakeEncoder()
    reloader = HotReloader(folder=folder, encoder=encoder, today=lambda: date(2024, 6, 1))

    report = reloader.check()

    assert report is not None
    assert sorted(reloader.index.kb.entries) == sorted(
        ["reset-password", "change-email", "track-order", "cancel-order", "refund-time"]
    )
    assert report.entries == 5
    assert report.embedded == encoder.documents_encoded == 9
    assert reloader.check() is None  # nothing changed since


def test_an_edited_answer_is_live_without_embedding_anything(
    reloader: HotReloader, folder: Path, fake_encoder: FakeEncoder
) -> None:
    new = edited(RESET, answer={"en": "Use the new reset page.", "de": "Neue Seite."})
    write_faq(folder / "account.yml", [new, EMAIL])

    report = reloader.check()

    assert answer_of(reloader, "reset-password") == "Use the new reset page."
    assert answer_of(reloader, "reset-password", "de") == "Neue Seite."
    assert fake_encoder.documents_encoded == 0
    assert report is not None and report.embedded == 0
    assert report.changed_files == (str(folder / "account.yml"),)


def test_an_edited_variant_is_the_only_text_embedded(
    reloader: HotReloader, folder: Path, fake_encoder: FakeEncoder
) -> None:
    new = edited(TRACK, variants={"en": ["where is my parcel"], "es": ["dónde está mi pedido"]})
    write_faq(folder / "orders.yml", [new, CANCEL])

    report = reloader.check()

    assert fake_encoder.documents == ["where is my parcel"]
    assert report is not None and report.embedded == 1
    assert ("en", "where is my parcel") in reloader.index.phrasings
    assert ("en", "track my parcel") not in reloader.index.phrasings
    (hit,) = reloader.index.search(fake_encoder.vector("where is my parcel"), k=1)
    assert (hit.entry_id, hit.matched) == ("track-order", "where is my parcel")


def test_a_new_entry_embeds_only_its_own_phrasings(
    reloader: HotReloader, folder: Path, fake_encoder: FakeEncoder
) -> None:
    gift = faq_entry(
        "gift-cards",
        question={"en": "Do you sell gift cards?", "de": "Gibt es Gutscheine?"},
        variants={"en": ["buy a voucher"]},
    )
    write_faq(folder / "returns.yml", [REFUND, gift])

    reloader.check()

    assert sorted(fake_encoder.documents) == sorted(
        ["Do you sell gift cards?", "Gibt es Gutscheine?", "buy a voucher"]
    )
    assert answer_of(reloader, "gift-cards") == "Answer to gift-cards (en)."
    assert len(reloader.index.kb) == 6


def test_a_touched_but_unchanged_file_keeps_the_same_index(
    reloader: HotReloader, folder: Path, fake_encoder: FakeEncoder
) -> None:
    before = reloader.index
    write_text(folder / "orders.yml", (folder / "orders.yml").read_text(encoding="utf-8"))

    reloader.check()

    assert reloader.index is before
    assert fake_encoder.documents_encoded == 0


def test_a_deleted_file_takes_its_entries_with_it(
    reloader: HotReloader, folder: Path, fake_encoder: FakeEncoder
) -> None:
    (folder / "orders.yml").unlink()

    report = reloader.check()

    assert sorted(reloader.index.kb.entries) == ["change-email", "refund-time", "reset-password"]
    assert consistent(reloader.index)
    assert fake_encoder.documents_encoded == 0
    assert report is not None and report.changed_files == (str(folder / "orders.yml"),)


# --------------------------------------------------------------------------- broken files


def broken_answer(text: str) -> str:
    broken = text.replace("en: Click Forgot password.", "en: Click: Forgot password.")
    assert broken != text
    return broken


def test_a_broken_file_keeps_serving_its_last_good_version(
    reloader: HotReloader, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    account = folder / "account.yml"
    new_reset = edited(RESET, answer={"en": "Click Forgot password.", "de": "Neu."})
    write_text(account, broken_answer(faq_text([new_reset, edited(EMAIL, owner="someone")])))
    write_faq(folder / "orders.yml", [edited(CANCEL, answer={"en": "Yes, within an hour."})])

    with caplog.at_level(logging.ERROR, logger="bot.faq.reload"):
        report = reloader.check()

    # The broken file's old entries are still served...
    assert answer_of(reloader, "reset-password", "de") == "Klicken Sie auf Passwort vergessen."
    assert reloader.index.kb["change-email"].owner == "test-team"
    # ...while the other file's edit (which also removed an entry) went live.
    assert answer_of(reloader, "cancel-order") == "Yes, within an hour."
    assert "track-order" not in reloader.index.kb
    # The log names the file, the entry and the field.
    (error,) = report.errors
    assert (error.file, error.entry, error.field) == (str(account), "reset-password", "answer")
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(
        str(account) in m and "entry 'reset-password'" in m and "field 'answer'" in m
        for m in logged
    ), logged

    # Fixing the file puts the new version live.
    write_faq(account, [new_reset, edited(EMAIL, owner="someone")])
    fixed = reloader.check()

    assert fixed is not None and fixed.errors == ()
    assert answer_of(reloader, "reset-password", "de") == "Neu."
    assert reloader.index.kb["change-email"].owner == "someone"


def test_an_invalid_entry_rejects_its_whole_file(
    reloader: HotReloader, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    future = edited(EMAIL, last_reviewed="2030-01-01")
    write_faq(folder / "account.yml", [edited(RESET, answer={"en": "New."}), future])

    with caplog.at_level(logging.ERROR, logger="bot.faq.reload"):
        report = reloader.check()

    assert answer_of(reloader, "reset-password") == "Click Forgot password."
    assert report is not None
    assert [(e.entry, e.field) for e in report.errors] == [("change-email", "last_reviewed")]
    assert "field 'last_reviewed'" in caplog.text


def test_a_new_file_that_is_broken_from_the_start_stays_out(
    reloader: HotReloader, folder: Path
) -> None:
    write_text(folder / "gifts.yml", "entries:\n  - id: gift-cards\n    question: [\n")

    report = reloader.check()

    assert report is not None and len(report.errors) == 1
    assert report.errors[0].file == str(folder / "gifts.yml")
    assert len(reloader.index.kb) == 5


# --------------------------------------------------------------------------- duplicate ids


def test_a_duplicate_id_in_a_changed_file_is_rejected(
    reloader: HotReloader, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    copy = edited(RESET, answer={"en": "A second answer."})
    write_faq(folder / "orders.yml", [TRACK, edited(CANCEL, owner="new-owner"), copy])

    with caplog.at_level(logging.ERROR, logger="bot.faq.reload"):
        report = reloader.check()

    assert reloader.index.kb["reset-password"].source == str(folder / "account.yml")
    assert answer_of(reloader, "reset-password") == "Click Forgot password."
    assert reloader.index.kb["cancel-order"].owner == "test-team"  # the whole file waits
    assert report is not None
    assert [(e.file, e.entry, e.field) for e in report.errors] == [
        (str(folder / "orders.yml"), "reset-password", "id")
    ]
    assert "duplicate" in caplog.text


def test_a_file_held_back_by_a_duplicate_goes_live_once_the_other_copy_is_gone(
    reloader: HotReloader, folder: Path
) -> None:
    # An editor moves an entry: first pastes it into orders.yml, then deletes it from account.yml.
    moved = edited(RESET, answer={"en": "Moved answer."})
    write_faq(folder / "orders.yml", [TRACK, CANCEL, moved])
    reloader.check()
    assert answer_of(reloader, "reset-password") == "Click Forgot password."

    write_faq(folder / "account.yml", [EMAIL])
    report = reloader.check()

    assert report is not None and report.errors == ()
    assert answer_of(reloader, "reset-password") == "Moved answer."
    assert reloader.index.kb["reset-password"].source == str(folder / "orders.yml")


def test_an_entry_moved_between_files_in_one_reload_stays_live(
    reloader: HotReloader, folder: Path, fake_encoder: FakeEncoder
) -> None:
    # orders.yml sorts after account.yml: the entry moves to a file that is checked first.
    write_faq(folder / "account.yml", [RESET, EMAIL, TRACK])
    write_faq(folder / "orders.yml", [CANCEL])

    report = reloader.check()

    assert report is not None and report.errors == ()
    assert reloader.index.kb["track-order"].source == str(folder / "account.yml")
    assert len(reloader.index.kb) == 5
    assert fake_encoder.documents_encoded == 0


# --------------------------------------------------------------------------- in the background


def test_the_background_thread_puts_an_edit_live_within_two_seconds(
    reloader: HotReloader, folder: Path
) -> None:
    reloader.start()
    write_faq(folder / "returns.yml", [edited(REFUND, answer={"en": "Five working days."})])

    deadline = time.monotonic() + 2.0
    while answer_of(reloader, "refund-time") != "Five working days.":
        assert time.monotonic() < deadline, "the edit was not live within 2 seconds"
        time.sleep(0.02)


def test_readers_never_see_a_half_built_index(
    reloader: HotReloader, folder: Path, fake_encoder: FakeEncoder
) -> None:
    stop = threading.Event()
    seen: set[int] = set()
    problems: list[str] = []
    query = fake_encoder.vector("where is my order")

    def read() -> None:
        while not stop.is_set():
            index = reloader.index
            seen.add(id(index))
            try:
                if not consistent(index):
                    problems.append(f"{len(index.kb)} entries, {index.vectors.shape[0]} rows")
                for hit in index.search(query, k=3):
                    index.kb[hit.entry_id]
            except Exception as exc:
                problems.append(repr(exc))
            time.sleep(0)  # let the reloading thread run as well

    versions = []  # orders.yml growing and shrinking in entries and phrasings
    for round_ in range(20):
        extra = [
            faq_entry(f"extra-{i}", question={"en": f"extra question {i} round {round_}"})
            for i in range(round_ % 5)
        ]
        variants = {"en": [f"track parcel {n}" for n in range(round_ % 4 + 1)]}
        versions.append(faq_text([edited(TRACK, variants=variants), CANCEL, *extra]))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        for text in versions:
            write_text(folder / "orders.yml", text)
            reloader.check()
            time.sleep(0.002)
    finally:
        stop.set()
        reader.join(timeout=5)

    assert problems == []
    assert len(seen) > 1  # the reader did run across reloads
    assert consistent(reloader.index)
