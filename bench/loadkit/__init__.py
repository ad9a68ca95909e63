"""Helpers of ``bench/load.py``: clients for REST and the widget, the tracker-store check,
the cluster and its faults, and the report. Tooling: never imported by the running bot."""
