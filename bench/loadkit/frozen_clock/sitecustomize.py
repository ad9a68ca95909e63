"""Freeze the clock of the cluster's action servers, as ``bot.eval.frozen_actions`` does
for ``make run``'s (``frontline cluster run`` starts plain ``frontline actions``).

``bench/load.py`` puts this folder on ``PYTHONPATH`` of the cluster only, with
``FRONTLINE_TEST_FROZEN_AT``; Python imports it at start-up in every process of the
cluster, and it acts in the action servers alone. Tooling: time-machine is a
development dependency.
"""

import os
import sys

_AT = os.environ.get("FRONTLINE_TEST_FROZEN_AT")
_ARGV = getattr(sys, "argv", [])
if _AT and len(_ARGV) > 1 and _ARGV[0].endswith("frontline") and _ARGV[1] == "actions":
    import time_machine

    _TRAVEL = time_machine.travel(_AT, tick=True)
    _TRAVEL.start()
