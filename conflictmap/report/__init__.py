"""A pasted news report -> candidate events the analyst confirms: text from files (text.py),
sentences and captions (segment.py), dates (dates.py), places (places.py), the words for events and
actors (vocabulary.py), and the extraction itself (extract.py); tables for the page, the CLI and the
curated CSV (table.py)."""
