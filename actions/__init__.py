"""Rasa glue: the one custom action (``action_turn``) and its action server.

Every customer message makes one call here. The adapter turns Rasa's tracker into a
:class:`~bot.turn.context.TurnContext`, calls :func:`bot.turn.take_turn`, stores what
the turn asks to store, and turns the reply back into messages and events.
"""
