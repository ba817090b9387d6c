"""The data the dashboard ships and loads: read, checked, geocoded and joined, with every
problem kept for the page to show."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from conflictmap.filters import filter_choices
from conflictmap.geocode.compose import build_geocoder
from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.geocode.placing import needs_geocoding, place_events
from conflictmap.labels import visible_columns
from conflictmap.readers.importing import import_file
from conflictmap.readers.table import ReadError, ReadResult
from conflictmap.schema import Format, conform
from conflictmap.settings import events_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shipped:
    """An event file the dashboard loads, in its format, named as its events' data set."""

    dataset: str
    path: Path
    format: Format

    def read(self) -> ReadResult:
        return import_file(self.path, format=self.format, dataset=self.dataset).result


def shipped(directory: Path | None = None) -> tuple[Shipped, ...]:
    """The event files the dashboard loads from `directory` (default: `events_dir()`)."""
    directory = Path(directory or events_dir())
    return (
        Shipped("UCDP GED", directory / "ucdp_ged_iraq.csv", Format.UCDP),
        Shipped("News report", directory / "report_events.csv", Format.CURATED),
    )


@dataclass(frozen=True)
class Loaded:
    """All events (sorted by start date), their places, and what went wrong, per file."""

    events: pd.DataFrame
    places: pd.DataFrame
    problems: tuple[str, ...]  # files that could not be read at all, one message each
    rejected: dict[str, pd.DataFrame]  # file name -> rejected rows with reasons
    read: dict[str, int]  # file name -> rows read
    choices: dict[str, list[str]] = field(default_factory=dict)  # what the filters offer (filter_choices)


def _folder_problem(shipped: tuple[Shipped, ...]) -> str | None:
    """What is wrong with the data folder itself, when it is missing or holds none of the files."""
    folders = {item.path.parent for item in shipped}
    if len(folders) != 1:
        return None
    (folder,) = folders
    names = ", ".join(item.path.name for item in shipped)
    if not folder.is_dir():
        return f"data folder {folder}: it does not exist (CONFLICTMAP_DATA_DIR names the folder holding {names})"
    if not any(item.path.exists() for item in shipped):
        return f"data folder {folder}: it holds none of the event files ({names})"
    return None


def read_events(
    shipped: tuple[Shipped, ...],
) -> tuple[pd.DataFrame, list[str], dict[str, pd.DataFrame], dict[str, int]]:
    """Every file read, not yet placed: (events, problems, rejected rows per file, rows read per file).
    A file that fails is reported ("<file>: <reason>"), the others still read; a missing or empty
    data folder is one problem ("data folder <folder>: <reason>"). Nothing a file holds stops the load."""
    frames, problems, rejected, read = [], [], {}, {}
    folder = _folder_problem(shipped)
    if folder is not None:
        problems.append(folder)
        shipped = ()
    for item in shipped:
        try:
            result = item.read()
        except ReadError as error:
            problems.append(str(error))
            continue
        except Exception as error:  # a reader's own bug must not stop the app: said, logged with its trace
            log.exception("conflictmap: reading %s failed", item.path)
            kind = "as a table" if isinstance(error, csv.Error) else f"({type(error).__name__})"
            problems.append(f"{item.path.name}: it could not be read {kind}: {error}")
            continue
        frames.append(result.events)
        read[item.path.name] = result.read
        if len(result.rejected):
            rejected[item.path.name] = result.rejected
    for problem in problems:  # the server's log too: whoever runs it may never open the page
        log.warning("conflictmap: could not load %s", problem)
    events = conform(pd.concat(frames, ignore_index=True)) if frames else conform(pd.DataFrame())
    return visible_columns(events), problems, rejected, read  # no bidi override or invisible character (labels)


def problem_table(loaded: Loaded) -> pd.DataFrame:
    """The load's problems as a table: the file (or data folder) and the reason, one row each."""
    rows = [problem.partition(": ")[::2] for problem in loaded.problems]
    return pd.DataFrame(rows, columns=["file", "problem"], dtype="string")


def problem_summary(loaded: Loaded) -> str | None:
    """What the load's problems mean for the pages: None when there are none."""
    if not loaded.problems:
        return None
    if not loaded.read:
        return (
            "No data set could be loaded, so the pages are empty: the Data page lists why, and a file added "
            "there is shown as usual."
        )
    loaded_names = ", ".join(loaded.read)
    return f"The other data sets are loaded ({loaded_names}); the Data page lists what could not be read and why."


def load_events(shipped: tuple[Shipped, ...], geocoder: OfflineGeocoder) -> Loaded:
    """Read every file; a file that fails is reported, the others still load."""
    events, problems, rejected, read = read_events(shipped)
    # the one composition (conflictmap.geocode.compose): the files' own precisely placed events
    # teach the geocoder their spellings first; answers are kept on disk, so the next start
    # geocodes nothing
    geocoding = build_geocoder(geocoder, learn_from=events)
    placed = place_events(events, geocoding)
    geocoding.save()
    ordered = placed.events.sort_values("date_start", kind="stable").reset_index(drop=True)
    return Loaded(
        events=ordered,
        places=placed.places,
        problems=tuple(problems),
        rejected=rejected,
        read=read,
        choices=filter_choices(ordered),
    )


def with_synthetic(loaded: Loaded, count: int, seed: int = 1) -> Loaded:
    """`loaded` plus `count` synthetic events, labelled "SYNTHETIC (benchmark)" in their data set."""
    if count <= 0:
        return loaded
    from conflictmap.synthetic import synthetic_events

    extra = conform(
        synthetic_events(count, seed=seed).assign(event_id=lambda e: "synthetic:" + e["event_id"].astype(str))
    )
    events = pd.concat([loaded.events, extra], ignore_index=True).sort_values("date_start", kind="stable")
    events = events.reset_index(drop=True)
    return replace(loaded, events=events, choices=filter_choices(events))


def combine(base: Loaded, added: pd.DataFrame, added_places: pd.DataFrame, name: str, instead: bool) -> Loaded:
    """A working data set: `added` (placed events of an analyst's file) beside `base`, or instead of it."""
    frames = [added] if instead else [base.events, added]
    events = conform(pd.concat(frames, ignore_index=True)).sort_values("date_start", kind="stable")
    events = events.reset_index(drop=True)
    places = added_places if instead else pd.concat([base.places, added_places], ignore_index=True)
    read = {name: len(added)} if instead else {**base.read, name: len(added)}
    return Loaded(
        events=events,
        places=places.reset_index(drop=True),
        problems=() if instead else base.problems,
        rejected={} if instead else base.rejected,
        read=read,
        choices=filter_choices(events),
    )


@dataclass(frozen=True)
class AddedFile:
    """An analyst's file, read, as added to a working set: beside the data, or instead of it."""

    events: pd.DataFrame
    name: str
    instead: bool


def add_file(
    base: Loaded, added: AddedFile, geocoder: OfflineGeocoder, progress: Callable[[int, int], None] | None = None
) -> Loaded:
    """`added` placed and combined with `base`. The working set and the file itself first teach
    the geocoder the spellings they place precisely (a file's own "Hay al-Nasr" with coordinates
    places its rows without them). Its text loses bidi overrides and invisible characters first
    (`labels.visible`): "I\u200bS" is the actor "IS", and a place name is geocoded as it reads."""
    added = replace(added, events=visible_columns(added.events))
    if not needs_geocoding(added.events).any():  # every row has coordinates: nothing to learn or resolve
        placed = place_events(added.events, geocoder, progress=progress)
        return combine(base, placed.events, placed.places, added.name, instead=added.instead)
    teacher = pd.concat([base.events, added.events], ignore_index=True)
    geocoding = build_geocoder(geocoder, learn_from=teacher)  # the one composition, as the shipped load's
    placed = place_events(added.events, geocoding, progress=progress)
    geocoding.save()
    return combine(base, placed.events, placed.places, added.name, instead=added.instead)


def replay(base: Loaded, added: Sequence[AddedFile], geocoder: OfflineGeocoder) -> Loaded:
    """The working set made again from `base` and the files added to it, in order (after the
    overrides changed, every file is placed again)."""
    working = base
    for item in added:
        working = add_file(working, item, geocoder)
    return working
