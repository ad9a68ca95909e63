"""Run the action server with the clock frozen (time-machine) at ``FRONTLINE_TEST_FROZEN_AT``.

``python -m bot.eval.frozen_actions --interface 127.0.0.1 --port 5055``. The clock starts
at that instant and ticks on, so a conversation in a test or a benchmark happens "at" that
time. Tooling: time-machine is a development dependency.
"""

from __future__ import annotations

import os
import sys

import time_machine

from bot.cli import main

if __name__ == "__main__":
    with time_machine.travel(os.environ["FRONTLINE_TEST_FROZEN_AT"], tick=True):
        sys.exit(main(["actions", *sys.argv[1:]]))
