"""Extraction of candidate events from a news report, against the events curated by hand from it:
`python -m conflictmap bench extract [--runs 30]`.

Reads the seed article (../shared/seed/000_*.txt; the copy in tests/fixtures/ when ../shared is
missing, saying so) and its curated events (data/report_events.csv). The publication date and
country are guessed from the text, as the page and the command do. For each curated event:

- found: a candidate marked as an event with the right date: the same day where the candidate is
  day-precise; where the article is vague ("earlier this week", "early January"), the curated day
  inside the candidate's days, which span at most 10;
- placed: that candidate within 25 km of the curated place (its `place_identified_as` where given,
  geocoded by the same geocoder), or within 250 km when the candidate is at region or country level;
- false candidates: candidates marked as events that match no curated event (candidates marked as
  aggregates, statements, background or general remarks are counted apart).

Throughput: reports of 1,000 words (the article cut to 1,000 words) per second, median of --runs.
With --app, the Report page in headless Chromium: the time from a pasted report (the article, with
one date changed each time, so nothing is reused) to its candidates shown, median of 5, after one
first paste that pays the server's first load; beside it, the extraction of the whole article in process.
The naive approach, in the same run: every sentence with an event word is an event, dated by
dateparser's search_dates on the sentence (against the same publication date) and placed at the
first capitalised word the geocoder answers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
#: ../shared/seed beside the clone (or beside the folder of worktrees a clone may sit in)
SHARED_SEED = next(
    (
        folder / "shared" / "seed"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "seed").is_dir()
    ),
    ROOT.parent / "shared" / "seed",
)
FIXTURE = ROOT / "tests" / "fixtures" / "seed_report_000_a92851d7e98dfb02.txt"
GOLD = ROOT / "data" / "report_events.csv"


def seed_text() -> tuple[str, str]:
    found = sorted(SHARED_SEED.glob("000_*.txt")) if SHARED_SEED.is_dir() else []
    if found:
        return found[0].read_text(encoding="utf-8"), str(found[0])
    print(f"note: {SHARED_SEED} is missing: using the copy in {FIXTURE.relative_to(ROOT)}", file=sys.stderr)
    return FIXTURE.read_text(encoding="utf-8"), str(FIXTURE)


@dataclass(frozen=True)
class Guess:
    """A candidate reduced to what is scored."""

    start: dt.date | None
    end: dt.date | None
    latitude: float | None
    longitude: float | None
    precision: str | None
    is_event: bool
    evidence: str


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def date_right(guess: Guess, day: dt.date) -> bool:
    if guess.start is None or guess.end is None:
        return False
    if guess.start == guess.end:
        return guess.start == day
    return guess.start <= day <= guess.end and (guess.end - guess.start).days < 10


def allowance(guess: Guess) -> float:
    return 250.0 if guess.precision in ("region of a country", "country") else 25.0


def score(guesses: list[Guess], gold: pd.DataFrame, points: list[tuple[float, float] | None]) -> dict:
    used: set[int] = set()
    found = placed = 0
    rows = []
    for (_, event), point in zip(gold.iterrows(), points, strict=True):
        day = dt.date.fromisoformat(str(event["date_start"]))
        best = None
        for index, guess in enumerate(guesses):
            if index in used or not guess.is_event or not date_right(guess, day):
                continue
            distance = (
                km(point, (guess.latitude, guess.longitude)) if point and guess.latitude is not None else math.inf
            )
            if best is None or distance < best[1]:
                best = (index, distance)
        if best is None:
            rows.append((event["event_id"], "not found", ""))
            continue
        used.add(best[0])
        found += 1
        ok = best[1] <= allowance(guesses[best[0]])
        placed += ok
        rows.append(
            (event["event_id"], "found", f"{best[1]:,.0f} km ({guesses[best[0]].precision}){'' if ok else ' TOO FAR'}")
        )
    false = sum(1 for index, guess in enumerate(guesses) if guess.is_event and index not in used)
    marked = sum(1 for guess in guesses if not guess.is_event)
    return {"found": found, "placed": placed, "false": false, "marked": marked, "rows": rows}


def ours(text: str, geocoder: object, known: list[str]) -> tuple[list[Guess], dt.date | None]:
    from conflictmap.report.batch import read_report

    extraction, _ = read_report(text, geocoder, None, None, known)  # type: ignore[arg-type]
    return [
        Guess(c.date_start, c.date_end, c.latitude, c.longitude, c.geo_precision, c.is_event, c.evidence)
        for c in extraction.candidates
    ], extraction.published


def naive(text: str, geocoder: object, published: dt.date) -> list[Guess]:
    """Every sentence with an event word, dated by dateparser's search, at the first capitalised
    word the geocoder answers."""
    from dateparser.search import search_dates

    from conflictmap.report.segment import pieces
    from conflictmap.report.vocabulary import TRIGGERS

    settings = {"RELATIVE_BASE": dt.datetime.combine(published, dt.time()), "PREFER_DATES_FROM": "past"}
    out = []
    for piece in pieces(text):
        if not any(t.pattern.search(piece.text) for t in TRIGGERS):
            continue
        found = search_dates(piece.text, languages=["en"], settings=settings) or []  # type: ignore[arg-type]
        day = found[0][1].date() if found else None
        where = None
        for word in re.findall(r"\b[A-Z][\w-]+(?: [A-Z][\w-]+)*", piece.text):
            answer = geocoder.resolve(word, country="IQ")  # type: ignore[attr-defined]
            if answer.latitude is not None:
                where = answer
                break
        out.append(
            Guess(
                day, day, where.latitude if where else None, where.longitude if where else None,
                where.precision if where else None, True, piece.text,
            )
        )  # fmt: skip
    return out


def words(text: str, count: int) -> str:
    """The first `count` words of `text`, its lines kept."""
    out, total = [], 0
    for line in text.split("\n"):
        taken = line.split()
        if total + len(taken) > count:
            out.append(" ".join(taken[: count - total]))
            break
        out.append(line)
        total += len(taken)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conflictmap bench extract", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="reports timed for the throughput (default 30)")
    parser.add_argument("--app", action="store_true", help="also time the Report page in headless Chromium")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from conflictmap.datasets import read_events, shipped
    from conflictmap.geocode.compose import base_geocoder, build_geocoder

    text, origin = seed_text()
    gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False)
    shipped_events = read_events(shipped())[0]
    known = sorted(set(shipped_events["actor1"].dropna()) | set(shipped_events["actor2"].dropna()))
    geocoder = build_geocoder(base_geocoder(), learn_from=shipped_events, cache=False)
    points = []
    for _, event in gold.iterrows():
        answer = geocoder.resolve(event["place_identified_as"] or event["place"], country=event["country"])
        points.append((answer.latitude, answer.longitude) if answer.latitude is not None else None)
    print(f"report: {origin}; curated events: {GOLD.relative_to(ROOT)} ({len(gold)} events)")

    guesses, published = ours(text, geocoder, known)
    assert published is not None
    baseline = naive(text, geocoder, published)
    ours_score, naive_score = score(guesses, gold, points), score(baseline, gold, points)
    print(f"publication date guessed: {published}")
    print()
    print("| approach | events found (right date) | placed within allowance | false candidates | marked not events |")
    print("|---|---|---|---|---|")
    for name, result in (("conflictmap.report", ours_score), ("naive (search_dates + first place)", naive_score)):
        print(
            f"| {name} | {result['found']}/{len(gold)} | {result['placed']}/{len(gold)} "
            f"| {result['false']} | {result['marked']} |"
        )
    print()
    for event_id, status, detail in ours_score["rows"]:
        print(f"  {event_id:55} {status:10} {detail}")

    sample = words(text, 1000)
    timings, naive_timings, cpu = [], [], []
    ours(sample, geocoder, known)  # warm: month names, the geocoder's first answers
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        ours(sample, geocoder, known)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    for _ in range(max(3, args.runs // 10)):
        start = time.perf_counter()
        naive(sample, geocoder, published)
        naive_timings.append(time.perf_counter() - start)
    rate, naive_rate = 1 / statistics.median(timings), 1 / statistics.median(naive_timings)
    print()
    print(f"throughput, reports of 1,000 words: {rate:,.1f}/s (median of {args.runs}); naive: {naive_rate:,.1f}/s "
          f"({rate / naive_rate:,.1f}x); {1 / statistics.median(cpu):,.1f} per CPU second; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared: the figures are noisy)")  # fmt: skip
    if args.app:
        whole = []
        for _ in range(5):
            start = time.perf_counter()
            ours(text.replace("Jan. 20", "Jan. 19"), geocoder, known)
            whole.append(time.perf_counter() - start)
        times = page_answers(text)
        print(f"Report page, pasted report to candidates shown: median {statistics.median(times):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)}); of which the extraction of the whole article "
              f"about {statistics.median(whole) * 1000:,.0f} ms, the rest the page and the browser")  # fmt: skip


def page_answers(text: str, runs: int = 5) -> list[float]:
    """Seconds from a paste (the text area losing focus) to the page's run finished with candidates."""
    from playwright.sync_api import expect, sync_playwright

    from benchmarks.chromium import CHROMIUM_FLAGS, served_app

    times = []
    with served_app(0) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/Report")
        app = page.locator('[data-testid="stApp"]')
        for run in range(runs + 1):
            expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=180_000)
            page.locator(".st-key-report-text textarea").fill(text.replace("Jan. 20", f"Jan. {10 + run}"))
            start = time.perf_counter()
            page.locator("h1").click()
            # the new text shown with its marks: this paste's answer (the date changed makes it new)
            expect(page.locator(".report-text")).to_contain_text(f"On Jan. {10 + run}, a U.S.", timeout=180_000)
            expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=180_000)
            if run:  # the first pays the server's first load of the shared data
                times.append(time.perf_counter() - start)
        browser.close()
    return times


if __name__ == "__main__":
    main()
