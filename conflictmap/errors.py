"""The one base of the errors the core raises for a person to read.

Each error says what is wrong in one line, with the bad value in it, and also derives from the
standard exception it is a kind of (as geopy's `GeocoderTimedOut(GeocoderServiceError, TimeoutError)`
does), so callers may catch either. The command line catches `ConflictmapError` and prints its
message; the pages show it.
"""


class ConflictmapError(Exception):
    """An error with a message for the analyst: one line, naming the file, row or value."""
