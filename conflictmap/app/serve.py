"""Serve the dashboard: `python -m conflictmap.app.serve [--server.port 8501 …]` serves what
`streamlit run dashboard.py` serves (the same options, the same `.streamlit/` config and secrets
beside dashboard.py), with two additions:

- the shared data starts loading the moment the server starts, before the first visitor
  (see `conflictmap.app.loading`);
- the access gate also guards what Streamlit's web server hands out outside the sessions (media
  and download URLs, uploads): `conflictmap.app.gate.GateMiddleware` runs in front of Streamlit's
  routes, through Streamlit's ASGI application (`st.App`, served by uvicorn as `streamlit run` is).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from typing import Any

from conflictmap.app import loading
from conflictmap.errors import ConflictmapError
from conflictmap.settings import ROOT

ENTRY = ROOT / "dashboard.py"


def config_from_args(argv: list[str]) -> dict[str, Any]:
    """`--server.port 8501` / `--server.port=8501` options as Streamlit config values, typed as
    Streamlit declares them (a repeated or multiple-valued option gives a list)."""
    from streamlit import config

    options: dict[str, Any] = {}
    rest = list(argv)
    while rest:
        given = rest.pop(0)
        if not given.startswith("--") or given == "--":
            raise ConflictmapError(f"unexpected argument {given!r}: options look like --server.port 8501")
        name, equals, value = given[2:].partition("=")
        if not equals:
            if not rest:
                raise ConflictmapError(f"--{name} needs a value")
            value = rest.pop(0)
        option = config._config_options_template.get(name)
        if option is None:
            raise ConflictmapError(f"--{name} is not a Streamlit option (see `streamlit config show`)")
        typed: Any = value
        if option.type is bool:
            if value.lower() not in ("true", "false"):
                raise ConflictmapError(f"--{name} takes true or false, not {value!r}")
            typed = value.lower() == "true"
        elif option.type in (int, float):
            try:
                typed = option.type(value)
            except ValueError:
                raise ConflictmapError(f"--{name} takes a number, not {value!r}") from None
        if option.multiple:
            options[name] = [*options.get(name, []), typed]
        else:
            options[name] = typed
    return options


M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Keep glibc to a few malloc arenas (as MALLOC_ARENA_MAX=2 would), unless MALLOC_ARENA_MAX is
    set. Every session runs its script in a thread of its own, and glibc gives threads arenas of
    their own (up to 8 a core), each holding freed memory apart: measured with five sessions on the
    shipped data, 10.6 MB of server RSS per session with the default, 4.9 MB with two arenas.
    Called before any thread starts; elsewhere than glibc it does nothing."""
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def app() -> Any:
    """The dashboard as Streamlit's ASGI application, with the gate's middleware in front."""
    import streamlit as st
    from starlette.middleware import Middleware

    from conflictmap.app.gate import GateMiddleware

    return st.App(ENTRY, middleware=[Middleware(GateMiddleware)])


def main(argv: list[str]) -> None:
    try:
        options = config_from_args(argv)
    except ConflictmapError as error:
        print(f"conflictmap: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    limit_malloc_arenas()
    load = loading.start()

    def report() -> None:
        try:
            loaded = load.result()
        except Exception as error:  # the pages show it too
            print(f"conflictmap: the shared data could not be loaded: {error}", file=sys.stderr, flush=True)
            return
        seconds = time.monotonic() - (load.started_at or time.monotonic())
        events = len(getattr(loaded, "events", ()))
        print(
            f"conflictmap: the shared data is ready ({events:,} events, {seconds:.1f} s)", file=sys.stderr, flush=True
        )

    threading.Thread(target=report, name="conflictmap-ready", daemon=True).start()
    # st.App.run takes the launcher (sys.argv[0]) as the script whose folder holds `.streamlit/`
    # (config.toml, secrets.toml): make that dashboard.py's, as under `streamlit run dashboard.py`.
    sys.argv = [str(ENTRY)]
    app().run(config=options)


if __name__ == "__main__":
    main(sys.argv[1:])
