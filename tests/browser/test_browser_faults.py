"""The server killed in the middle of an upload and started again leaves nothing behind.

Where an upload goes (Streamlit 1.67, starlette): the browser PUTs the file to
/_stcore/upload_file/<session>/<file>; starlette parses the multipart body into a
SpooledTemporaryFile (in memory up to 1 MB, then an already-unlinked temporary file under TMPDIR)
and Streamlit keeps the bytes in memory for that session. The app writes nothing for an upload:
files stay in the session. So a killed server can only leave a spooled temporary file, and the
app's own files (the data folder, the caches, the overrides) are written atomically. The test proves
it: it lets a real browser session start an upload, sends half of that upload's body itself, waits
until the server has spooled it to disk, kills the server (SIGKILL: no clean-up runs), and checks
that nothing is left and that a restarted server starts clean and takes an upload.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
UPLOADER = '[data-testid="stFileUploader"] input[type="file"]'


def _snapshot(*folders: Path) -> dict[str, str]:
    """Every file under `folders` (following the seeded index's link) by path, with its content's digest."""
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _spooled(pid: int, spool: Path) -> bool:
    """Whether process `pid` holds a file open under `spool` (the upload spooled to disk)."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd).startswith(str(spool)):
                return True
        except OSError:
            continue
    return False


def _big_csv(path: Path, rows: int = 60_000) -> Path:
    lines = ["date,place,country,event_type,fatalities,notes"]
    lines += [f"2024-01-{1 + n % 28:02d},Ramadi,Iraq,Battles,{n % 7},row {n} of a file cut short" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_server_killed_mid_upload_leaves_nothing_and_restarts_clean(start_server, open_app, tmp_path, session_cache):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(ROOT / "data" / "report_events.csv", data / "report_events.csv")
    spool = tmp_path / "spool"  # the server's TMPDIR: where starlette spools an upload over 1 MB
    spool.mkdir()
    env = {"TMPDIR": str(spool)}
    server = start_server(data, env=env)
    app = open_app(server)
    app.goto("/Data")
    before = _snapshot(data, ROOT / "data")

    # The browser starts the upload; it is held, and half of its body is sent by hand.
    held: list = []
    app.page.route("**/_stcore/upload_file/**", lambda route: held.append(route))
    upload = _big_csv(tmp_path / "events-cut-short.csv")
    app.page.locator(UPLOADER).set_input_files(str(upload))
    deadline = time.monotonic() + 30
    while not held and time.monotonic() < deadline:
        app.page.wait_for_timeout(50)  # lets Playwright deliver the route (a wait on the app's state)
    assert held, "the browser never started the upload"
    request = held[0].request
    # Playwright hands the multipart form without the file's bytes: they go where the file's part is empty
    form = request.post_data_buffer or b""
    assert form.count(b"\r\n\r\n\r\n--") == 1, form[:300]
    body = form.replace(b"\r\n\r\n\r\n--", b"\r\n\r\n" + upload.read_bytes() + b"\r\n--")
    assert len(body) > 2 * 1024 * 1024
    headers = {name: value for name, value in request.headers.items() if name not in ("host", "content-length")}
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in app.page.context.cookies())
    target = urlsplit(request.url)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    raw = socket.create_connection((target.hostname, target.port), timeout=10)
    try:
        raw.sendall(
            f"{request.method} {target.path} HTTP/1.1\r\nHost: {target.netloc}\r\n{head}"
            f"Cookie: {cookies}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body[: len(body) // 2]
        )
        deadline = time.monotonic() + 30
        while not _spooled(server.process.pid, spool):  # the server is in the middle of the upload
            assert time.monotonic() < deadline, f"the upload never reached the disk:\n{server.log_tail()}"
            time.sleep(0.05)
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=20)
    finally:
        raw.close()
        held[0].abort()

    assert list(spool.iterdir()) == [], "no spooled upload is left on disk"
    assert _snapshot(data, ROOT / "data") == before, "the data folder and the shipped files are untouched"
    folders = (data, session_cache, ROOT / "data")
    leftovers = [path.name for folder in folders for path in folder.iterdir() if path.suffix == ".tmp"]
    assert leftovers == [], "no temporary file of the app's own is left"

    again = start_server(data, env=env)
    fresh = open_app(again)
    fresh.goto("/Data")
    expect(fresh.page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(fresh.page.get_by_text("You are looking at your working data set")).to_have_count(0)
    expect(fresh.page.locator('[data-testid="stFileUploaderFile"]')).to_have_count(0)
    fresh.page.locator(UPLOADER).set_input_files(str(ROOT / "tests" / "fixtures" / "team_events.csv"))
    fresh.wait_for_run()
    assert fresh.metric_number("Rows read") > 0, "the restarted server takes an upload"
    assert list(spool.iterdir()) == []
