"""When the team is open: the business-hours calendar of ``hours.yml``."""
