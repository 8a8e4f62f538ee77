"""Statistics are computed from the records, never stored: this app has no tables of its own."""
