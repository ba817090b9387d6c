"""Data for the map's scripts: JSON safe inside a `<script>` element, numbers as base64 arrays."""

from __future__ import annotations

import base64
import json

import numpy as np


def script_json(value: object) -> str:
    """JSON that is safe inside a `<script>` element: `"</script>"` -> `"\\u003c/script\\u003e"`."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def compact(values: np.ndarray) -> dict[str, str]:
    """Whole numbers >= 0 as base64 in the smallest of uint8, uint16 and int32 that holds them,
    with the name of the JavaScript array type to read them with.

    >>> compact(np.array([1, 300]))
    {'type': 'Uint16Array', 'data': 'AQAsAQ=='}
    """
    top = int(values.max()) if len(values) else 0
    kind, dtype = ("Uint8Array", "<u1") if top < 2**8 else ("Uint16Array", "<u2")
    if top >= 2**16:
        kind, dtype = "Int32Array", "<i4"
    return {"type": kind, "data": b64(values.astype(dtype))}
