"""Helpers of ``bench/surge.py``: synthetic traffic, injected surges, calibration, the report
and its plots. Tooling: never imported by the running bot."""
