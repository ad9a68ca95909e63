from __future__ import annotations

from bot.handoff.summary import summarise


def test_the_messages_that_carry_the_problem_are_kept_in_order() -> None:
    messages = [
        "hi",
        "my parcel 4471 never arrived, tracking says delivered",
        "ok",
        "thanks but the tracking still says delivered and there is no parcel",
        "??",
    ]
    assert summarise(messages) == (
        "my parcel 4471 never arrived, tracking says delivered … "
        "thanks but the tracking still says delivered and there is no parcel"
    )


def test_small_talk_alone_makes_no_summary_and_long_text_is_cut() -> None:
    assert summarise(["ok", "👍", "!!"]) == ""
    long = summarise(["word " * 200], max_chars=50)
    assert len(long) <= 52 and long.endswith(" …")


def test_other_scripts_are_summarised_too() -> None:
    assert summarise(["مرحبا", "لم يصل طلبي رقم 1234 حتى الآن"], max_sentences=1) == (
        "لم يصل طلبي رقم 1234 حتى الآن"
    )
