"""Debian's chromium, headless, as the browser tests and the browser benchmark launch it.

`playwright install` cannot download a browser on these machines, so Playwright drives the
system's /usr/bin/chromium with these flags (no sandbox as root, no background networking, so
that nothing but the app is contacted).
"""

EXECUTABLE = "/usr/bin/chromium"

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
