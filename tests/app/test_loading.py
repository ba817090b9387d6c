"""The shared data loads once per process in a background thread: started at server start, or by
the first visitor; later callers wait for that one load (seeing its stage), never start another."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from conflictmap.app.loading import ProcessLoad
from tests.conftest import ROOT


def test_the_work_runs_once_whoever_asks_and_waiters_see_its_stage():
    release, calls, stages = threading.Event(), [], []

    def work(say):
        calls.append(1)
        say("reading the events")
        release.wait(10)
        return "the data"

    load = ProcessLoad(work)
    load.start()
    load.start()
    results = []
    waiter = threading.Thread(target=lambda: results.append(load.result(lambda stage, s: stages.append(stage), 0.01)))
    waiter.start()
    while not stages:  # the waiter is polling: the work is still running
        threading.Event().wait(0.01)
    assert not load.ready and stages[-1] == "reading the events"
    release.set()
    waiter.join(10)
    assert results == ["the data"] and load.result() == "the data" and calls == [1]


def test_a_failure_is_kept_for_every_caller_and_a_reset_tries_again():
    outcomes = iter([ValueError("the data folder is missing"), "loaded"])

    def work(say):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    load = ProcessLoad(work)
    for _ in range(2):
        with pytest.raises(ValueError, match="data folder is missing"):
            load.result()
    load.reset()
    assert load.result() == "loaded"


def test_the_server_loads_the_shared_data_before_anyone_visits(session_cache):
    """`python -m conflictmap.app.serve` (what scripts/dashboard.sh runs) reports the data ready
    with no request made to it at all."""
    env = {**os.environ, "CONFLICTMAP_CACHE_DIR": str(session_cache)}
    command = [sys.executable, "-m", "conflictmap.app.serve", "--server.port", "0", "--server.headless", "true",
               "--server.address", "localhost", "--server.fileWatcherType", "none"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        timer = threading.Timer(240, server.kill)  # a bound, should the line never come
        timer.start()
        lines = []
        for line in server.stderr:
            lines.append(line)
            if "conflictmap: the shared data" in line:
                break
        timer.cancel()
        assert "the shared data is ready (7,482 events" in lines[-1], "".join(lines[-20:])
    finally:
        server.terminate()
        server.wait(20)
