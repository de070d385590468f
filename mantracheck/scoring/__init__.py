"""Scores: the mantra score (mantra.py) and the courtesy score (courtesy.py)."""
