"""Synthetic events for benchmarks and load tests — clearly labelled, never shown as real data.

Spread like real conflict data: clustered around real cities of the region (GeoNames
coordinates, listed below) and bursty in time (short episodes of intense violence over a
quieter background). Every row's dataset is "SYNTHETIC (benchmark)".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from conflictmap.schema import ACLED_EVENT_TYPES, EVENT_COLUMNS

DATASET = "SYNTHETIC (benchmark)"
#: (name, latitude, longitude, weight): cities where synthetic violence clusters.
CITIES = (
    ("Baghdad", 33.3406, 44.4009, 10),
    ("Mosul", 36.335, 43.1189, 8),
    ("Ramadi", 33.4206, 43.3078, 5),
    ("Fallujah", 33.3491, 43.786, 5),
    ("Kirkuk", 35.4681, 44.3922, 4),
    ("Basra", 30.5085, 47.7804, 3),
    ("Tikrit", 34.6158, 43.6786, 3),
    ("Baqubah", 33.7466, 44.6437, 3),
    ("Aleppo", 36.2021, 37.1343, 7),
    ("Damascus", 33.5102, 36.2913, 6),
    ("Homs", 34.7324, 36.7137, 5),
    ("Idlib", 35.9306, 36.6339, 5),
    ("Deir ez-Zor", 35.3359, 40.1408, 4),
    ("Raqqa", 35.9528, 39.0079, 4),
    ("Sanaa", 15.3547, 44.2066, 6),
    ("Aden", 12.7797, 45.0367, 4),
    ("Taiz", 13.5795, 44.0209, 4),
    ("Kabul", 34.5281, 69.1723, 6),
    ("Kandahar", 31.6133, 65.7101, 4),
    ("Gaza", 31.5017, 34.4668, 6),
    ("Tripoli", 32.8872, 13.1913, 3),
    ("Benghazi", 32.1167, 20.0667, 3),
    ("Khartoum", 15.5518, 32.5324, 5),
    ("Mogadishu", 2.0371, 45.3438, 5),
)
TYPES = ACLED_EVENT_TYPES
TYPE_WEIGHTS = (0.3, 0.3, 0.2, 0.1, 0.05, 0.05)
ACTORS = (*(f"Synthetic armed group {n}" for n in range(1, 41)), "Civilians", "Synthetic government forces")


def _coded(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical[str]:
    """`pd.Categorical.from_codes`, its categories given as the Index the stubs ask for."""
    return pd.Categorical.from_codes(codes, pd.Index(categories))


def synthetic_events(count: int, seed: int = 1, start: str = "2000-01-01", end: str = "2024-12-31") -> pd.DataFrame:
    """`count` synthetic events in the canonical columns, sorted by date.

    Text columns are categoricals (a few distinct values repeated) and ids are plain integers,
    so ten million rows fit in memory.
    """
    rng = np.random.default_rng(seed)
    weights = np.array([c[3] for c in CITIES], dtype=float)
    city = rng.choice(len(CITIES), size=count, p=weights / weights.sum())
    lat = np.array([c[1] for c in CITIES])[city]
    lon = np.array([c[2] for c in CITIES])[city]
    spread = rng.choice([0.02, 0.1, 0.4], size=count, p=[0.5, 0.35, 0.15])  # town, district, province
    lat = np.clip(lat + rng.normal(0, 1, count) * spread, -89.9, 89.9)
    lon = np.clip(lon + rng.normal(0, 1, count) * spread, -179.9, 179.9)

    first, last = pd.Timestamp(start).value // 86_400_000_000_000, pd.Timestamp(end).value // 86_400_000_000_000
    days = last - first + 1
    bursts = max(count // 2000, 1)
    centres = rng.integers(0, days, bursts)
    in_burst = rng.random(count) < 0.7
    day = np.where(
        in_burst,
        centres[rng.integers(0, bursts, count)] + rng.normal(0, 6, count).astype(np.int64),
        rng.integers(0, days, count),
    )
    day = np.clip(day, 0, days - 1) + first
    order = np.argsort(day, kind="stable")
    dates = pd.to_datetime(day[order], unit="D")

    kind = rng.choice(len(TYPES), size=count, p=TYPE_WEIGHTS)[order]
    deaths = rng.negative_binomial(1, 0.4, size=count)[order]
    events = pd.DataFrame(
        {
            "event_id": np.arange(count, dtype=np.int64),
            "date_start": dates,
            "date_end": dates,
            "date_precision": _coded(np.zeros(count, dtype=np.int8), ["day"]),
            "event_type": _coded(kind.astype(np.int8), list(TYPES)),
            "actor1": _coded(rng.integers(0, len(ACTORS), count, dtype=np.int16), list(ACTORS)),
            "actor2": _coded(rng.integers(0, len(ACTORS), count, dtype=np.int16), list(ACTORS)),
            "fatalities": deaths.astype(np.int32),
            "place": _coded(city[order].astype(np.int16), [c[0] for c in CITIES]),
            "latitude": lat[order],
            "longitude": lon[order],
            "geo_precision": _coded(np.zeros(count, dtype=np.int8), ["exact place"]),
            "dataset": _coded(np.zeros(count, dtype=np.int8), [DATASET]),
        }
    )
    for column in EVENT_COLUMNS:
        if column not in events:
            events[column] = _coded(np.full(count, -1, dtype=np.int8), ["-"])
    events["located_by"] = _coded(np.zeros(count, dtype=np.int8), ["source coordinates"])
    return events[list(EVENT_COLUMNS)]
