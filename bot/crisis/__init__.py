"""Crisis mode: notice when many customers suddenly write about one thing.

Pure policy, clocks passed in. ``topics`` says what a message is about, ``windows`` and
``history`` count messages per topic in 15-minute windows, ``baseline`` says what is
normal for a window (median and MAD of the same hour of the week over past weeks),
``detector`` raises a :class:`~bot.crisis.alerts.SurgeAlert` with its evidence, and
``state`` is what survives a restart. ``config`` reads ``crisis.yml``.
"""
