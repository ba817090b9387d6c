"""Serve the dashboard with the shared data loading from the moment the server starts:
`python -m conflictmap.app.serve [streamlit run options]` is `streamlit run dashboard.py`, plus a
background load begun before the first visitor arrives (see `conflictmap.app.loading`)."""

from __future__ import annotations

import sys
import threading
import time

from conflictmap.app import loading
from conflictmap.settings import ROOT


def main(argv: list[str]) -> None:
    from streamlit.web import cli

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
    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
