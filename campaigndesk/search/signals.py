"""Keeps the search index current on every write (filled in by the search app)."""
