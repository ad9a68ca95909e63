"""Run the Rasa server with the clock frozen (time-machine) at ``FRONTLINE_TEST_FROZEN_AT``.

``python -m bot.eval.frozen_rasa run --port 5005 ...``. With the action server frozen at
the same instant (:mod:`bot.eval.frozen_actions`), the handoff desk in the Rasa server
sees the same business hours as the turns: a ticket queued "on Sunday evening" stays
queued until "Monday morning", whatever the day the tests run. Tooling only.
"""

from __future__ import annotations

import os
import sys

import time_machine

from bot.rasa_server import main

if __name__ == "__main__":
    with time_machine.travel(os.environ["FRONTLINE_TEST_FROZEN_AT"], tick=True):
        sys.exit(main())
