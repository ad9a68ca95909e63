"""How Frontline's texts look on each platform."""
