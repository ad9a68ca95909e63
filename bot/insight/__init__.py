"""Insight: what customers asked that the knowledge base could not answer, grouped into
content suggestions for editors (``frontline faq suggest``)."""
