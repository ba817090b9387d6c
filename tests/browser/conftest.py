"""Fixtures for the browser tests: the served app, headless Chromium, and a page that knows the app.

One Streamlit server and one browser serve the whole session; every test gets a fresh browser
context (its own cookies and Streamlit session). `start_server` starts further servers on other
data folders (hostile or broken files). Every request a page makes, in the page and in the map's
iframe, is recorded so that a test can assert that nothing left this machine.

Waiting is on the app's state: Streamlit's script-run state on `[data-testid="stApp"]`, the map
iframe and its markers, `data-outlines="drawn"` on the Leaflet container, or a value changing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from playwright.sync_api import Browser, Frame, Locator, Page, Playwright, expect, sync_playwright

from benchmarks.chromium import CHROMIUM_FLAGS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = CHROMIUM_FLAGS  # Debian's chromium, headless, with no background networking
SERVER_START_TIMEOUT = 120  # seconds until /_stcore/health answers "ok"
FIRST_RUN_TIMEOUT = 90_000  # ms: a server's first script run imports everything and loads the data
TIMEOUT = 30_000  # ms: any other wait

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: The located events the map holds, as [title, lat, lng] (spiderfied markers by their real place).
MAP_EVENTS_JS = """() => {
    if (!window.map || !window.L || !L.MarkerClusterGroup) return null;  // (re)loading
    const events = [];
    window.map.eachLayer(layer => {
        if (layer instanceof L.MarkerClusterGroup) {
            layer.getLayers().forEach(marker => {
                const at = marker._preSpiderfyLatlng || marker.getLatLng();
                events.push([marker.options.title, at.lat, at.lng]);
            });
        }
    });
    return events;
}"""

expect.set_options(timeout=15_000)

if str(REPO) not in sys.path:  # the in-process reference data imports the app's core
    sys.path.insert(0, str(REPO))


# --- servers -------------------------------------------------------------------------------------


@dataclass
class Server:
    """A `streamlit run dashboard.py` process serving at `url`."""

    url: str
    process: subprocess.Popen
    log: Path

    @property
    def origins(self) -> tuple[str, ...]:
        port = urlsplit(self.url).port
        return tuple(f"{scheme}://{host}:{port}" for scheme in ("http", "ws") for host in ("localhost", "127.0.0.1"))

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _start(
    log_dir: Path, cache_dir: Path, data_dir: Path | None, base_path: str = "", extra_env: dict | None = None
) -> Server:
    port = _free_port()
    env = os.environ.copy()
    # The session's temporary cache (tests/conftest.py's session_cache), seeded with a prebuilt index.
    env["CONFLICTMAP_CACHE_DIR"] = str(cache_dir)
    env.pop("CONFLICTMAP_DATA_DIR", None)
    if data_dir is not None:
        env["CONFLICTMAP_DATA_DIR"] = str(data_dir)
    env.update(extra_env or {})
    log = log_dir / f"streamlit-{port}.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.port", str(port),
        "--server.address", "localhost",  # also keeps the server from probing an external IP lookup
        "--server.headless", "true",
        "--server.fileWatcherType", "none",  # the app's files may change under us: never rerun on that
        "--browser.gatherUsageStats", "false",
        *(["--server.baseUrlPath", base_path] if base_path else []),
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(url=f"http://localhost:{port}{base_path}", process=process, log=log)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not _healthy(server.url):
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with code {process.returncode}:\n{server.log_tail()}", pytrace=False)
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"streamlit not healthy after {SERVER_START_TIMEOUT} s:\n{server.log_tail()}", pytrace=False)
        time.sleep(0.2)
    return server


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> Iterator[Callable[..., Server]]:
    """Start a server, optionally on another data folder (CONFLICTMAP_DATA_DIR) or under a path prefix
    (--server.baseUrlPath); all stop at session end."""
    log_dir = tmp_path_factory.mktemp("streamlit-logs")
    started: list[Server] = []

    def start(data_dir: Path | None = None, base_path: str = "", env: dict | None = None) -> Server:
        server = _start(log_dir, session_cache, data_dir, base_path, env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def server(start_server: Callable[..., Server]) -> Server:
    """The app on the shipped data."""
    return start_server()


# --- what the app should show, computed in-process from the same files ----------------------------


@dataclass
class Reference:
    """The shipped events loaded in this process, to check the page's figures against."""

    loaded: object  # conflictmap.datasets.Loaded

    @property
    def events(self):
        return self.loaded.events

    def shown(self, start: dt.date, end: dt.date, event_types: tuple[str, ...] = ()):
        from conflictmap.filters import Filters, apply_filters

        return apply_filters(self.events, Filters(start=start, end=end, event_types=event_types))

    @cached_property
    def default_window(self) -> tuple[dt.date, dt.date]:
        from conflictmap.filters import default_window

        return default_window(self.events)

    @cached_property
    def event_types(self) -> list[str]:
        from conflictmap.filters import choices

        return choices(self.events, "event_type")


@pytest.fixture(scope="session")
def load_reference() -> Callable[[Path | None], Reference]:
    """Load a data folder in-process (as the server does); the geocoder is built once."""
    from conflictmap.datasets import load_events, shipped
    from conflictmap.geocode.gazetteer import load_gazetteer
    from conflictmap.geocode.geocoder import OfflineGeocoder

    geocoder = OfflineGeocoder(load_gazetteer())
    return lambda directory=None: Reference(load_events(shipped(directory or REPO / "data"), geocoder))


@pytest.fixture(scope="session")
def reference(load_reference: Callable[[Path | None], Reference]) -> Reference:
    return load_reference(None)


# --- browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item, so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass
class AppPage:
    """A browser tab on one server, with the app's selectors and waits, and a log of every request."""

    page: Page
    server: Server
    requests: list[str] = field(default_factory=list, repr=False)
    failed: list[str] = field(default_factory=list, repr=False)
    dialogs: list[str] = field(default_factory=list)

    # navigation and waiting

    def goto(self, path: str = "/") -> None:
        """Open `path` (with its query string) and wait for the first script run to finish."""
        self.page.goto(self.server.url + path)
        self.wait_for_run(timeout=FIRST_RUN_TIMEOUT)

    def wait_for_run(self, timeout: float = TIMEOUT) -> None:
        """Wait until Streamlit is connected and no script run is in progress."""
        app = self.page.locator('[data-testid="stApp"]')
        expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)

    def heading(self) -> Locator:
        return self.page.locator('[data-testid="stMain"] h1')

    # the map

    @property
    def map_iframe(self) -> Locator:
        return self.page.locator(MAP_IFRAME)

    @property
    def map(self):
        """A FrameLocator inside the map's iframe."""
        return self.page.frame_locator(MAP_IFRAME)

    def map_frame(self) -> Frame:
        """The map iframe's current frame, for running JavaScript in it (fetched afresh each time)."""
        frame = self.map_iframe.element_handle().content_frame()
        assert frame is not None
        return frame

    def wait_for_map(self, timeout: float = FIRST_RUN_TIMEOUT) -> None:
        """Wait for markers and country outlines in the map iframe."""
        expect(self.map.locator(".leaflet-marker-icon").first).to_be_visible(timeout=timeout)
        # Set by the outlines script once drawn, or to "failed: <error>".
        expect(self.map.locator(".leaflet-container")).to_have_attribute("data-outlines", "drawn")

    def map_events(self) -> list[tuple[str, float, float]]:
        """Every event marker in the map's cluster layer (not only the ones in view)."""
        events = self.map_frame().evaluate(MAP_EVENTS_JS)
        assert events is not None, "the map is not loaded"
        return [tuple(event) for event in events]

    def wait_for_map_events(self, condition: Callable[[list], bool], timeout: float = TIMEOUT) -> list:
        """Poll the map's events until `condition(events)` holds (the map updates after the run)."""
        deadline = time.monotonic() + timeout / 1000
        while True:
            frame = self.map_iframe.element_handle().content_frame()
            events = frame.evaluate(MAP_EVENTS_JS) if frame else None
            if events is not None and condition(events := [tuple(event) for event in events]):
                return events
            if time.monotonic() > deadline:
                raise AssertionError(f"the map's events never met the condition; last: {events}")
            self.page.wait_for_timeout(50)

    def show_iframe_whole(self) -> None:
        """Scroll so the whole map iframe is in the viewport (a marker click reaches Python only then)."""
        self.map_iframe.scroll_into_view_if_needed()
        self.map_iframe.element_handle().wait_for_element_state("stable")  # the page may scroll smoothly
        box = self.map_iframe.bounding_box()
        viewport = self.page.viewport_size
        assert box and viewport
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (box, viewport)

    def click_marker(self, marker: Locator) -> None:
        """Click a map marker with the mouse at its centre, once the marker and the page are still.

        Not `Locator.click()`: when its hit test fails (a fanned-out marker still sliding into place),
        Playwright scrolls the page to retry; the page scrolls smoothly, so the mouse-up can land beside
        the marker, which Leaflet takes for a click on the map (the fan closes, no popup).
        """
        self.show_iframe_whole()
        handle = marker.element_handle()
        handle.wait_for_element_state("stable")
        box, frame = handle.bounding_box(), self.map_iframe.bounding_box()  # both in page coordinates
        assert box and frame
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        hit = "(marker, [x, y]) => marker.contains(document.elementFromPoint(x, y))"
        assert handle.evaluate(hit, [x - frame["x"], y - frame["y"]]), "something covers the marker"
        self.page.mouse.click(x, y)

    # widgets

    def widget(self, key: str) -> Locator:
        """The element of the widget with this key (Streamlit writes `st-key-<key>`, dots as dashes)."""
        return self.page.locator(".st-key-" + re.sub(r"[^\w-]", "-", key))

    def slider_thumbs(self, key: str) -> Locator:
        return self.widget(key).locator('input[type="range"]')

    def slider_dates(self, key: str) -> tuple[dt.date, dt.date]:
        start, end = (thumb.get_attribute("aria-valuetext") for thumb in self.slider_thumbs(key).all())
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)

    def selected(self, key: str) -> list[str]:
        """The values chosen in a multiselect."""
        return [tag.get_attribute("aria-label") for tag in self.widget(key).locator("[data-tag]").all()]

    def choose(self, key: str, option: str) -> None:
        """Pick `option` in the multiselect `key` and close its list."""
        self.widget(key).locator("input").click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.page.keyboard.press("Escape")

    def metric(self, label: str) -> Locator:
        return self.page.locator('[data-testid="stMetric"]', has_text=label).locator('[data-testid="stMetricValue"]')

    def metric_number(self, label: str) -> int:
        return int(self.metric(label).inner_text().replace(",", ""))

    def page_link(self, label: str) -> Locator:
        return self.page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]', has_text=label)

    def wait_for_query(self, name: str, value: str | None = None) -> None:
        """Wait until the script has written `name` (with `value`, if given) into the page's URL."""
        pattern = re.escape(name) + "=" + (re.escape(quote_plus(value)) + "(&|$)" if value is not None else "")
        expect(self.page).to_have_url(re.compile(r"[?&]" + pattern))

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)

    # what left the page

    def external_requests(self) -> list[str]:
        """Requests (page, iframes, websockets) to anything but this server or data:/blob:/about: URLs."""
        local = self.server.origins
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:", "about:")) and not any(url.startswith(o + "/") for o in local)
        ]

    def assert_only_local_requests(self) -> None:
        assert self.requests, "no request was recorded"
        assert self.external_requests() == []

    def xss_markers(self) -> tuple[object, object]:
        """`window.__xss` in the page and in the map iframe (None when undefined)."""
        probe = "() => window.__xss === undefined ? null : window.__xss"
        return self.page.evaluate(probe), self.map_frame().evaluate(probe)


@dataclass
class FilePage:
    """A browser tab on a file (a standalone export), with every request it made."""

    page: Page
    requests: list[str]


@pytest.fixture
def open_file(browser: Browser) -> Iterator[Callable[..., FilePage]]:
    """Open an HTML file in a fresh context (1200x800 unless told), recording each request (page and
    iframes); the contexts close when the test ends."""
    contexts = []

    def open_(path: Path, viewport: dict | None = None) -> FilePage:
        context = browser.new_context(viewport=viewport or {"width": 1200, "height": 800})
        contexts.append(context)
        opened = FilePage(page=context.new_page(), requests=[])
        context.on("request", lambda request: opened.requests.append(request.url))
        opened.page.goto(path.as_uri())
        return opened

    yield open_
    for context in contexts:
        context.close()


def _open(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[AppPage]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    app = AppPage(page=page, server=server)
    # Context-wide: requests from the page and from every iframe in it.
    context.on("request", lambda req: app.requests.append(req.url))
    context.on("requestfailed", lambda req: app.failed.append(f"{req.url} ({req.failure})"))
    page.on("websocket", lambda socket: app.requests.append(socket.url))

    def on_dialog(dialog) -> None:
        app.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield app
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        try:
            page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        except Exception as error:  # a screenshot must not hide the test's own failure
            print(f"screenshot failed: {error}")
        print(f"server log:\n{server.log_tail()}")
    context.close()


@pytest.fixture
def app(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[AppPage]:
    """A fresh browser context and tab on the shipped-data server."""
    yield from _open(browser, server, request)


@pytest.fixture
def open_app(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[[Server], AppPage]]:
    """Open a fresh browser context and tab on another server."""
    opened: list[Iterator[AppPage]] = []

    def open_on(server: Server) -> AppPage:
        session = _open(browser, server, request)
        opened.append(session)
        return next(session)

    yield open_on
    for session in opened:
        next(session, None)
