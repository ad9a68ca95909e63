"""One customer turn as a pure function: typed context in (:mod:`bot.turn.context`),
typed reply out (:mod:`bot.turn.reply`), decided by :func:`bot.turn.turn.take_turn`."""
