"""Benchmarks that print figures, run from the repository: `python -m conflictmap bench NAME`. Never timed tests."""
