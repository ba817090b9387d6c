"""Debian's chromium, headless, as the browser tests and the browser benchmark launch it.

`playwright install` cannot download a browser on these machines, so Playwright drives the
system's /usr/bin/chromium with these flags (no sandbox as root, no background networking, so
that nothing but the app is contacted).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EXECUTABLE = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def served_app(synthetic_events: int, start_timeout: float = 180) -> Iterator[str]:
    """The dashboard served on a free local port with that many synthetic events; yields its URL
    once /_stcore/health answers, and stops the server afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CONFLICTMAP_SYNTHETIC_EVENTS": str(synthetic_events)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port), "--server.address",
         "localhost", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
