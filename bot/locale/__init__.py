"""Which language to answer in."""
