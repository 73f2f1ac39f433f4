"""Use cases: each owns its transaction, calls core, and returns plain data."""
