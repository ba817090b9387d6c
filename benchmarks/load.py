"""Many analysts at once: `python -m conflictmap bench load --sessions 1,5,10,20`.

For each number of sessions, a freshly started server is warmed by one session (which stays
open), its memory read, then that many more browser sessions (Playwright contexts in one headless
Chromium) open the Map together. Printed per number: time to map for each session — from its
navigation to the first marker drawn in its map frame (median, max) —, how many drew, the server's
RSS (from /proc) and its growth per session, and the CPU seconds per session of the server and of
the browser (its processes' user + system time from /proc, while the sessions open; with 2 cores
shared by both, their sum is what the time to map of many sessions is made of). The same is
measured in the same run on a bare Streamlit + folium app with three markers (written to a
temporary folder, served by `streamlit run` with the same options and Leaflet from this
repository's static/, so it needs no internet), and the ratio of the two. conflictmap is served as deployments serve it
(`python -m conflictmap.app.serve`, shipped data, gate open). Both share 2 cores with the browser:
figures are noisy, the ratio within one run is what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from benchmarks.chromium import CHROMIUM_FLAGS, EXECUTABLE, ROOT
from benchmarks.options import sizes

BARE_APP = '''"""A bare Streamlit + folium app: one map, three markers (the load benchmark's baseline)."""
import folium
import streamlit as st
from streamlit_folium import st_folium

LEAFLET = "../../app/static/vendor/leaflet@1.9.3/dist/"  # served by this app (no CDN: offline)
folium.Map.default_js = [("leaflet", LEAFLET + "leaflet.js")]
folium.Map.default_css = [("leaflet_css", LEAFLET + "leaflet.css")]

st.title("Three markers")
m = folium.Map(location=[33.3, 44.4], zoom_start=6, tiles=None)
for lat, lon, name in [(33.31, 44.36, "Baghdad"), (36.34, 43.13, "Mosul"), (30.51, 47.78, "Basra")]:
    folium.Marker([lat, lon], tooltip=name, icon=folium.DivIcon(html="<b>&#9679;</b>")).add_to(m)
st_folium(m, height=560, use_container_width=True, returned_objects=[])
'''

#: In the map's frame: the wall-clock time (ms) its first marker appeared, as window.__cmMapped.
#: (Child frames only. It starts while the frame is still about:blank, whose window the component's
#: page then keeps, so the frame's address is checked on every tick, not once.)
MAPPED_SCRIPT = """(() => {
    if (window === window.top) return;
    const check = () => {
        if (location.pathname.includes("streamlit_folium") && document.querySelector(".leaflet-marker-icon")) {
            window.__cmMapped = Date.now();
            return;
        }
        setTimeout(check, 20);
    };
    check();
})();"""

SERVER_OPTIONS = ["--server.address", "localhost", "--server.headless", "true", "--server.fileWatcherType", "none",
                  "--browser.gatherUsageStats", "false"]  # fmt: skip


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_s() -> float:
    """CPU seconds used so far by the Chromium processes this benchmark started (its descendants;
    the other Chromiums of a shared machine are not counted)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, IndexError, ValueError):
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    me, total = os.getpid(), 0.0

    def mine(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == me:
                return True
        return False

    for pid in parents:
        if mine(pid):
            with suppress(OSError):
                if b"chrom" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    total += cpu_s(pid)
    return total


def rss_mb(pid: int) -> float:
    match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(match.group(1)) / 1024 if match else float("nan")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _private_cache(folder: Path) -> Path:
    """A cache folder of this run's own, holding the gazetteer index (linked from the default cache
    when it is there and current; otherwise the first server builds it once for the whole run)."""
    from conflictmap.geocode.gazetteer import fingerprint
    from conflictmap.settings import cache_dir

    cache = folder / "cache"
    cache.mkdir()
    index = Path(cache_dir()) / f"gazetteer-{fingerprint()}.pickle"
    if index.is_file():
        try:
            os.link(index, cache / index.name)
        except OSError:
            shutil.copyfile(index, cache / index.name)
    return cache


@contextmanager
def _server(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 180) -> Iterator[tuple[str, int]]:
    """A server started by `command` (with its port added); yields (url, pid) once it is healthy."""
    port = _free_port()
    process = subprocess.Popen(
        [*command, "--server.port", str(port), *SERVER_OPTIONS], cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env},
    )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the server did not start: {' '.join(command)}") from None
                time.sleep(0.3)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _mapped_at(page) -> float | None:
    for frame in page.frames:
        if "streamlit_folium" in frame.url:
            try:
                value = frame.evaluate("() => window.__cmMapped || null")
            except Exception:  # the frame is being replaced
                return None
            return float(value) if value else None
    return None


def measure(browser, url: str, pid: int, sessions: int, timeout: float = 600) -> dict:
    """One warm-up session, then `sessions` more at once; time to map of each, and the memory."""
    warm = browser.new_context(viewport={"width": 1400, "height": 1000})
    warm.add_init_script(MAPPED_SCRIPT)
    page = warm.new_page()
    page.goto(url + "/")
    deadline = time.monotonic() + timeout
    while _mapped_at(page) is None:
        if time.monotonic() > deadline:
            raise RuntimeError("the warm-up session never drew its map")
        page.wait_for_timeout(100)  # not time.sleep: Playwright sees new frames only while it runs
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    before = rss_mb(pid)
    server_cpu, browser_cpu = cpu_s(pid), browser_cpu_s()

    contexts, started = [], []
    for _ in range(sessions):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(MAPPED_SCRIPT)
        contexts.append((context, context.new_page()))
    for _, session in contexts:
        started.append(time.time() * 1000)
        session.goto(url + "/", wait_until="commit")  # the next one starts without waiting for this one
    mapped: dict[int, float] = {}
    deadline = time.monotonic() + timeout
    while len(mapped) < sessions and time.monotonic() < deadline:
        for index, (_, session) in enumerate(contexts):
            if index not in mapped and (at := _mapped_at(session)) is not None:
                mapped[index] = (at - started[index]) / 1000
        page.wait_for_timeout(50)
    for _, session in contexts:  # every run finished, then the memory
        with suppress(Exception):  # one that never drew is counted above
            session.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    after = rss_mb(pid)
    server_cpu, browser_cpu = cpu_s(pid) - server_cpu, browser_cpu_s() - browser_cpu
    for context, _ in contexts:
        context.close()
    warm.close()
    times = sorted(mapped.values())
    return {
        "sessions": sessions,
        "drawn": len(mapped),
        "median_s": round(statistics.median(times), 2) if times else None,
        "max_s": round(max(times), 2) if times else None,
        "rss_before_mb": round(before),
        "rss_after_mb": round(after),
        "mb_per_session": round((after - before) / sessions, 1),
        "server_cpu_s": round(server_cpu / sessions, 2),
        "browser_cpu_s": round(browser_cpu / sessions, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conflictmap bench load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=sizes, default="1,5,10,20", help="numbers of concurrent sessions")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    apps = {"conflictmap": ([sys.executable, "-m", "conflictmap.app.serve"], ROOT)}
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="conflictmap-bare-") as folder, sync_playwright() as playwright:
        bare = Path(folder)
        (bare / "bare.py").write_text(BARE_APP)
        (bare / "static").symlink_to(ROOT / "static")
        (bare / ".streamlit").mkdir()
        (bare / ".streamlit" / "config.toml").write_text("[server]\nenableStaticServing = true\n")
        apps["bare"] = ([sys.executable, "-m", "streamlit", "run", "bare.py"], bare)
        env = {"CONFLICTMAP_CACHE_DIR": str(_private_cache(bare)), "CONFLICTMAP_SYNTHETIC_EVENTS": "0"}
        browser = playwright.chromium.launch(executable_path=EXECUTABLE, args=CHROMIUM_FLAGS)
        for count in args.sessions:
            for name, (command, cwd) in apps.items():
                with _server(command, cwd, env) as (url, pid):
                    row = {"app": name, **measure(browser, url, pid, count)}
                print(json.dumps(row), flush=True)
                rows.append(row)
        browser.close()

    print()
    print(
        "| sessions | app | drawn | time to map median s | max s | RSS before → after MB | MB per session"
        " | CPU s per session: server | browser |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['sessions']} | {row['app']} | {row['drawn']}/{row['sessions']} | {row['median_s']}"
            f" | {row['max_s']} | {row['rss_before_mb']} → {row['rss_after_mb']} | {row['mb_per_session']}"
            f" | {row['server_cpu_s']} | {row['browser_cpu_s']} |"
        )
    print()
    for count in args.sessions:
        app, base = (next(r for r in rows if r["sessions"] == count and r["app"] == name) for name in apps)
        if app["median_s"] and base["median_s"]:
            print(
                f"{count} sessions: time to map {app['median_s'] / base['median_s']:.2f}× the bare app's (median),"
                f" {app['max_s'] / base['max_s']:.2f}× (max); {app['mb_per_session']} MB per session"
                f" (bare app {base['mb_per_session']} MB); CPU per session"
                f" {app['server_cpu_s'] + app['browser_cpu_s']:.2f} s"
                f" (bare app {base['server_cpu_s'] + base['browser_cpu_s']:.2f} s)"
            )


if __name__ == "__main__":
    main()
