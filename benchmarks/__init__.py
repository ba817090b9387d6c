"""Benchmarks that print figures, run from the repository: `python -m benchmarks.NAME`. Never timed tests."""
