"""``make cluster``: Frontline scaled out on one machine, on the engines production uses."""
