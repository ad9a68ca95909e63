"""``frontline supervise``: run a Procfile's processes and restart any that stops.

Honcho stops every process when one dies, which left the whole bot down with nothing to
bring it back. Here a process that stops is restarted after a backoff while the others
keep running; only a signal to the supervisor stops them all.

- :mod:`bot.supervise.procfile`: which processes to run (pure);
- :mod:`bot.supervise.envfile`: the ``.env`` file they also get, as under honcho (pure);
- :mod:`bot.supervise.restarts`: when to restart one, and when to shout (pure);
- :mod:`bot.supervise.output`: their output, one prefixed line at a time;
- :mod:`bot.supervise.child`: one running process in its own process group;
- :mod:`bot.supervise.supervisor`: the loop that keeps them running and stops them;
- :mod:`bot.supervise.cli`: the command line.
"""
