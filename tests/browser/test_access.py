"""Behind the password, what the web server hands out is refused to a browser that has not passed
the gate: a download URL taken from an analyst's browser and replayed from another browser context
(or with no cookies, or a forged cookie) gets 403; so does an upload. Served as deployments are,
by `python -m conflictmap.app.serve` (scripts/dashboard.sh, the container)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from conflictmap.access import hash_password
from tests.browser.conftest import REPO, SERVER_START_TIMEOUT, Server, _free_port, _healthy

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def private_server(tmp_path_factory, session_cache):
    folder = tmp_path_factory.mktemp("private")
    secrets = folder / "secrets.toml"
    secrets.write_text(f'[access]\npassword_hash = "{hash_password(PASSWORD)}"\n')
    port = _free_port()
    env = {**os.environ, "CONFLICTMAP_CACHE_DIR": str(session_cache)}
    env.pop("CONFLICTMAP_DATA_DIR", None)
    log = folder / "serve.log"
    command = [
        sys.executable, "-m", "conflictmap.app.serve", "--server.port", str(port), "--server.address", "localhost",
        "--server.headless", "true", "--server.fileWatcherType", "none", "--secrets.files", str(secrets),
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(url=f"http://localhost:{port}", process=process, log=log)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not _healthy(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"the server did not start:\n{server.log_tail()}", pytrace=False)
        time.sleep(0.2)
    yield server
    server.stop()


def _status(url: str, method: str = "GET", cookie: str | None = None) -> int:
    request = urllib.request.Request(url, method=method, data=b"x" if method == "PUT" else None)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_download_url_replayed_without_the_gate_is_refused(private_server, open_app):
    analyst = open_app(private_server)
    analyst.goto("/Events")
    expect(analyst.page.get_by_role("button", name="Open the dashboard")).to_be_visible()
    analyst.page.get_by_label("Password", exact=True).fill(PASSWORD)
    analyst.page.get_by_role("button", name="Open the dashboard").click()
    analyst.wait_for_run()
    expect(analyst.heading()).to_have_text("Events")
    # The page exchanged its ticket for the cookie: HttpOnly, so no script of the page can read it.
    expect(analyst.page.locator("body")).to_have_attribute("data-conflictmap-access", "granted")
    cookie = next(c for c in analyst.page.context.cookies() if c["name"] == "conflictmap_access")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    with analyst.page.expect_download() as download:
        analyst.page.get_by_role("button", name="Download these events (CSV)").click()
    url = download.value.url
    assert "/media/" in url
    assert "event_id" in download.value.path().read_text().splitlines()[0]
    mine = analyst.page.context.request.get(url)
    assert mine.status == 200 and "event_id" in mine.text().splitlines()[0]

    # Another browser, that has not given the password, replays the URL: refused.
    stranger = open_app(private_server)
    refused = stranger.page.context.request.get(url)
    assert refused.status == 403
    assert "event_id" not in refused.text()
    assert _status(url) == 403  # no cookies at all
    forged = cookie["value"].rsplit(".", 1)[0] + "." + "0" * 64
    assert _status(url, cookie=f"conflictmap_access={forged}") == 403
    assert _status(url, cookie=f"conflictmap_access={cookie['value']}") == 200
    # A ticket is single-use, and a made-up one opens nothing.
    assert stranger.page.context.request.post(private_server.url + "/_conflictmap/access", data="x").status == 403
    # Uploads too: the upload route answers nobody without the cookie.
    assert _status(private_server.url + "/_stcore/upload_file/some-session/some-file", method="PUT") == 403

    # And the stranger's page shows the password form, nothing of the data.
    stranger.goto("/Events")
    expect(stranger.page.get_by_role("button", name="Open the dashboard")).to_be_visible()
    expect(stranger.page.locator('[data-testid="stDataFrame"]')).to_have_count(0)
    analyst.assert_only_local_requests()
