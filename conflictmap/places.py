"""The places table as the Places page shows it: every place name in exactly one of three tables,
by how it was located, and the counts the Data page reports after placing a file."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from conflictmap.schema import LocatedBy

#: The ways the geocoder places a name: every way of locating but the source's own coordinates
#: and no place at all (so a new way of geocoding, like "online", is counted as geocoded).
GEOCODED = frozenset(LocatedBy) - {LocatedBy.SOURCE, LocatedBy.UNRESOLVED}


@dataclass(frozen=True)
class PlaceTables:
    """A places table (`conflictmap.geocode.placing.PLACE_COLUMNS`) split in three, without overlap."""

    unresolved: pd.DataFrame  # no coordinates: the geocoder could not place the name
    geocoded: pd.DataFrame  # placed by the geocoder (`GEOCODED`)
    with_coordinates: pd.DataFrame  # the data set's own coordinates


def place_tables(places: pd.DataFrame) -> PlaceTables:
    """Split `places` so that each row lands in exactly one table. A place without coordinates is
    unresolved whatever its label; one with coordinates that the geocoder did not give (the
    source's, or a label of the file's own "located by" column) kept the data set's coordinates.

    >>> places = pd.DataFrame({"located_by": ["online", "unresolved", "source coordinates"],
    ...                        "latitude": [33.3, None, 36.3], "longitude": [44.4, None, 43.1]})
    >>> tables = place_tables(places)
    >>> len(tables.unresolved), len(tables.geocoded), len(tables.with_coordinates)
    (1, 1, 1)
    """
    located = places["located_by"].astype("string")
    unplaced = places["latitude"].isna() | places["longitude"].isna() | located.eq(LocatedBy.UNRESOLVED).fillna(False)
    geocoded = ~unplaced & located.isin([str(way) for way in GEOCODED])
    return PlaceTables(
        unresolved=places[unplaced], geocoded=places[geocoded], with_coordinates=places[~unplaced & ~geocoded]
    )


def unplaced_count(events: pd.DataFrame) -> int:
    """How many of `events` have no coordinates (a file's rows to geocode, or left unplaced)."""
    return int((events["latitude"].isna() | events["longitude"].isna()).sum())


def unresolved_of(working: pd.DataFrame, added: pd.DataFrame) -> int:
    """How many of a file's events (`added`, by event id) the working set could not place."""
    mine = working[working["event_id"].isin(added["event_id"])]
    return int((mine["located_by"] == LocatedBy.UNRESOLVED).sum())
