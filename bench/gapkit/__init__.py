"""Helpers of ``bench/gap_mining.py``: the unanswered logs it clusters, the parameter search
on the calibration split, and the report. Tooling: never imported by the running bot."""
