"""Output lines carry a time and a padded name, like honcho's; colour only on request."""

from __future__ import annotations

import io
from datetime import datetime

from bot.supervise.child import describe_exit
from bot.supervise.output import LinePrinter, format_line

NOON = datetime(2026, 12, 1, 12, 0, 1)


def test_a_plain_line_has_the_time_the_padded_name_and_the_text() -> None:
    line = format_line("up", name="rasa", width=7, at=NOON, colour=None)

    assert line == "12:00:01 rasa    | up\n"


def test_a_coloured_line_colours_only_the_prefix() -> None:
    line = format_line("up", name="rasa", width=4, at=NOON, colour="36")

    assert line == "\x1b[0m\x1b[36m12:00:01 rasa | \x1b[0mup\n"


def test_names_are_padded_to_the_longest_and_alarms_stand_out() -> None:
    stream = io.StringIO()
    printer = LinePrinter(names=["rasa", "actions"], stream=stream, colour=False, now=lambda: NOON)

    printer.line("rasa", "Rasa server is up and running.")
    printer.system("rasa crashed 6 times", alarm=True)

    assert stream.getvalue().splitlines() == [
        "12:00:01 rasa    | Rasa server is up and running.",
        "12:00:01 system  | ALARM: rasa crashed 6 times",
    ]


def test_each_process_gets_its_own_colour() -> None:
    stream = io.StringIO()
    printer = LinePrinter(names=["a", "b"], stream=stream, colour=True, now=lambda: NOON)

    printer.line("a", "x")
    printer.line("b", "y")

    first, second = stream.getvalue().splitlines()
    assert first.startswith("\x1b[0m\x1b[36m12:00:01 a      | ")
    assert second.startswith("\x1b[0m\x1b[33m12:00:01 b      | ")


class _GoneTerminal(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError


def test_a_write_to_a_closed_output_is_dropped_not_raised() -> None:
    printer = LinePrinter(names=["rasa"], stream=_GoneTerminal(), colour=False)

    printer.line("rasa", "nobody reads this")


def test_exits_are_described_by_code_or_signal_name() -> None:
    assert describe_exit(0) == "exited with code 0"
    assert describe_exit(3) == "exited with code 3"
    assert describe_exit(-9) == "was killed by SIGKILL"
    assert describe_exit(-15) == "was killed by SIGTERM"
