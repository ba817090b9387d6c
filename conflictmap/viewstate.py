"""The view's state as URL query parameters, so a link reopens the same view.

Parameters: `start`, `end` (YYYY-MM-DD), and repeatable `type`, `actor`, `admin1`.
A link is input like any other: a bad value is dropped with a warning naming the parameter and
the value, and the rest of the link still applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

from conflictmap.filters import Filters

MAX_VALUE_LENGTH = 200
LIST_PARAMETERS = {"type": "event_types", "actor": "actors", "admin1": "admin1"}


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def filters_from_params(
    params: Mapping[str, Sequence[str]],
    default: Filters,
    bounds: tuple[dt.date, dt.date],
    known: Mapping[str, Sequence[str]],
) -> tuple[Filters, list[str]]:
    """Read filters from query parameters (each name -> its values), falling back to `default`.

    `known` gives the valid choices for "type", "actor" and "admin1". Returns the filters and a
    warning per value that was ignored.
    """
    warnings: list[str] = []
    filters = default
    dates = {}
    for name in ("start", "end"):
        values = params.get(name) or []
        if not values:
            continue
        value = values[-1]
        try:
            day = dt.date.fromisoformat(value[:MAX_VALUE_LENGTH])
        except ValueError:
            warnings.append(
                f"Link parameter '{name}': '{_shown(value)}' is not a date (YYYY-MM-DD); using the default."
            )
            continue
        if not bounds[0] <= day <= bounds[1]:
            warnings.append(
                f"Link parameter '{name}': {day} is outside the data ({bounds[0]} to {bounds[1]}); "
                "using the nearest date."
            )
            day = min(max(day, bounds[0]), bounds[1])
        dates[name] = day
    start, end = dates.get("start", filters.start), dates.get("end", filters.end)
    if start > end:
        warnings.append(f"Link parameters 'start' ({start}) and 'end' ({end}) are reversed; using the default dates.")
        start, end = default.start, default.end
    filters = replace(filters, start=start, end=end)
    for name, field_name in LIST_PARAMETERS.items():
        values = params.get(name) or []
        if not values:
            continue
        valid = set(known.get(name, ()))
        kept = []
        for value in values:
            if value in valid and value not in kept:
                kept.append(value)
            elif value not in valid:
                warnings.append(f"Link parameter '{name}': '{_shown(value)}' is not in the data; ignored.")
        filters = replace(filters, **{field_name: tuple(kept)})
    return filters, warnings


def params_from_filters(filters: Filters) -> dict[str, str | list[str]]:
    """Query parameters for `filters`; dates are always written, empty choices are left out."""
    params: dict[str, str | list[str]] = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    for name, field_name in LIST_PARAMETERS.items():
        values = list(getattr(filters, field_name))
        if values:
            params[name] = values
    return params
