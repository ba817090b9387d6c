"""Command-line options the benchmarks share."""

import argparse


def sizes(text: str) -> list[int]:
    """ "10000,100000" -> [10000, 100000]; anything else is a usage error."""
    try:
        return [int(size) for size in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a comma-separated list of whole numbers") from None
