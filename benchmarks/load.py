"""Many users at once: simulated visitors speaking Streamlit's own websocket protocol against real servers.

The script loads the sample data into a temporary data folder (the app's own first-start path), then for each
step starts fresh dashboard servers (``python -m cchc serve``), warms their caches with one visit to every
page, and lets N users work for ``--duration`` seconds. Each user is one asyncio task holding one websocket to
``/_stcore/stream``, as a browser tab does: it sends ``BackMsg.rerun_script`` (the page's ``page_script_hash``
from the ``navigation`` message, the hashes of the messages it has cached, the browser context) and reads
``ForwardMsg`` frames until ``script_finished``. It opens the overview, then switches to a random other reading
page after a random think time (seeded), and fetches the ``/media/…`` file behind every download button shown,
as a browser does. A page run is timed from sending the rerun to ``script_finished``.

Steps: 1 user (the baseline), 10, 50 on one server, and 50 spread round-robin over two servers (``--users``,
``--replicas``). Printed per step: page runs per second, p50/p95/max seconds per page and overall, errors, the
server processes' peak memory (RSS of each server's process tree, from /proc), their CPU per page run, and the
machine's load average; then the ratios of the p50s and p95s to the 1-user step's. Replicas share the embedded database
of the temporary folder, or, with ``--database-url postgresql://…/postgres``, a fresh PostgreSQL database the
script creates on that server (and drops afterwards).

A cross-check (``--browsers 3``, 0 to skip) runs that many headless Chromium tabs (Debian's /usr/bin/chromium)
and as many protocol clients side by side against one server on the same page sequence: for each it prints the
time from the rerun the browser sends to the ``script_finished`` it receives (read from the browser's own
websocket frames) and until the page has settled on screen (title, chart drawn, no run going).

Goal (issue 12): 50 users with p95 < 1 s per page run and < 2 GiB server memory. Run:
``python benchmarks/load.py [--users 1,10,50] [--replicas 1,2] [--duration 30] [--think 2,5] [--seed 12]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import websockets
from psycopg import sql
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.AppPage_pb2 import AppPage
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("tong-quan", "don-vi", "linh-vuc", "xep-hang", "ban-do", "tinh-hinh-nop")  # reading, no login needed
GOAL_P95_S, GOAL_RSS_BYTES = 1.0, 2 * 1024 ** 3
RUN_TIMEOUT_S = 120.0
CHROMIUM = "/usr/bin/chromium"
SETTLED = """() => document.querySelector('[data-testid="stMain"] h1')
    && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stStatusWidget"], [data-stale="true"]')"""


@dataclass
class PageRun:
    """One script run: which page, how long from the rerun to ``script_finished``, what it showed."""

    page: str
    seconds: float
    error: str = ""
    headings: list[str] = field(default_factory=list)
    first: bool = False  # the first run of a new tab (a new session)


class Client:
    """One browser tab, without the browser: a websocket speaking Streamlit's protobuf messages."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.pages: dict[str, AppPage] = {}  # url path -> the page (hash, title), from the navigation message
        self.cached: set[str] = set()  # hashes of the cacheable messages received (the browser's message cache)
        self.media: set[str] = set()  # /media/… files already fetched
        self.ws: websockets.ClientConnection | None = None

    async def __aenter__(self) -> Client:
        host = self.base.split("://", 1)[1]
        self.ws = await websockets.connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit", "load"],
                                           max_size=None, compression=None, open_timeout=RUN_TIMEOUT_S)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def run(self, page: str = "") -> PageRun:
        """Open ``page`` (a url path; empty: the default page) and wait for its run to finish."""
        message = BackMsg()
        state = message.rerun_script
        state.page_script_hash = self.pages[page].page_script_hash if page in self.pages else ""
        state.cached_message_hashes.extend(sorted(self.cached))
        state.context_info.CopyFrom(ContextInfo(timezone="Asia/Ho_Chi_Minh", timezone_offset=-420, locale="vi-VN",
                                                url=f"{self.base}/{page}", is_embedded=False, color_scheme="light"))
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        run = PageRun(page or PAGES[0], 0.0)
        downloads: list[str] = []
        try:
            async with asyncio.timeout(RUN_TIMEOUT_S):
                while True:
                    forward = ForwardMsg.FromString(await self.ws.recv())
                    kind = forward.WhichOneof("type")
                    if forward.metadata.cacheable:
                        self.cached.add(forward.hash)
                    if kind == "navigation":
                        # the default page (the overview) has an empty url path
                        self.pages = {p.url_pathname or PAGES[0]: p for p in forward.navigation.app_pages}
                        run.page = next((path for path, p in self.pages.items()
                                         if p.page_script_hash == forward.navigation.page_script_hash), run.page)
                    elif kind == "page_not_found":
                        run.error = run.error or f"page not found: {page}"
                    elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                        self._read_element(forward.delta.new_element, run, downloads)
                    elif kind == "script_finished" and forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                            run.error = run.error or f"script_finished {forward.script_finished}"
                        break
        except TimeoutError:
            run.error = f"no script_finished within {RUN_TIMEOUT_S:.0f} s"
        run.seconds = time.perf_counter() - start
        await self._fetch(downloads)
        return run

    @staticmethod
    def _read_element(element, run: PageRun, downloads: list[str]) -> None:
        kind = element.WhichOneof("type")
        if kind == "heading":
            run.headings.append(element.heading.body)
        elif kind == "exception":
            run.error = run.error or f"exception {element.exception.type}: {element.exception.message[:80]}"
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            run.error = run.error or f"error shown: {element.alert.body[:80]}"
        elif kind == "download_button" and element.download_button.url.startswith("/media/"):
            downloads.append(element.download_button.url)

    async def _fetch(self, urls: list[str]) -> None:
        """Fetch each new download button's file, as a browser does when the button appears."""
        for url in (u for u in urls if u not in self.media):
            self.media.add(url)
            await asyncio.to_thread(lambda u=url: urllib.request.urlopen(self.base + u, timeout=60).read())


# -- servers and their resources --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
    return total


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


@dataclass
class Servers:
    urls: list[str]
    processes: list[subprocess.Popen]
    peak_rss: int = 0

    def pids(self) -> list[int]:
        return [pid for process in self.processes for pid in tree(process.pid)]

    async def watch(self, every: float = 0.25) -> None:
        """Keep the peak memory of every server process tree (the sum across replicas)."""
        while True:
            self.peak_rss = max(self.peak_rss, rss_bytes(self.pids()))
            await asyncio.sleep(every)


@contextmanager
def servers(count: int, data: Path, database_url: str) -> Iterator[Servers]:
    """``count`` fresh dashboard servers (``python -m cchc serve``) on free ports, healthy."""
    env = {**os.environ, "CCHC_DATA_DIR": str(data), "CCHC_DATABASE_URL": database_url,
           "CCHC_ADMIN_PASSWORD": "load-benchmark-Password-12"}
    processes, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            processes.append(subprocess.Popen([sys.executable, "-m", "cchc", "serve", "--port", str(port)], cwd=ROOT,
                                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 180
        for url, process in zip(urls, processes, strict=True):
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the server at {url} did not start") from None
                    time.sleep(0.3)
        yield Servers(urls, processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new PostgreSQL database on ``server``, dropped afterwards; empty ``server``: the embedded store."""
    if not server:
        yield ""
        return
    name = f"cchc_load_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield psycopg.conninfo.make_conninfo(server, dbname=name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def load_sample(data: Path, database_url: str) -> float:
    """The app's first start (``cchc.bootstrap.ensure_database``) in a child process; its seconds."""
    start = time.perf_counter()
    code = "import sys; from cchc import bootstrap; bootstrap.ensure_database(sys.argv[1], database_url=sys.argv[2])"
    subprocess.run([sys.executable, "-c", code, str(data), database_url], cwd=ROOT, check=True,
                   env={**os.environ, "CCHC_ADMIN_PASSWORD": "load-benchmark-Password-12"})
    return time.perf_counter() - start


# -- simulated users --------------------------------------------------------------------------------------------
@dataclass
class Step:
    users: int
    replicas: int
    runs: list[PageRun] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss: int = 0
    cpu: float = 0.0
    load: float = 0.0

    @property
    def label(self) -> str:
        users = f"{self.users} user{'s' if self.users > 1 else ''}"
        return f"{users} × {self.replicas} servers" if self.replicas > 1 else users


async def warm(urls: list[str]) -> dict[str, str]:
    """One visit to every page on every server: the first runs fill the caches (not measured). The pages'
    titles, by url path."""
    for url in urls:
        async with Client(url) as client:
            for page in PAGES:
                await client.run(page if client.pages else "")
    return {path: page.page_name for path, page in client.pages.items()}


def next_page(rng: random.Random, current: str) -> str:
    return rng.choice([p for p in PAGES if p != current])


async def user(url: str, rng: random.Random, think: tuple[float, float], until: float, runs: list[PageRun]) -> None:
    """One visitor: arrives within the first think time, opens the overview, then switches pages until ``until``."""
    await asyncio.sleep(rng.uniform(0, think[1]))
    try:
        async with Client(url) as client:
            page = ""
            while time.monotonic() < until:
                run = await client.run(page)
                run.first = not page
                runs.append(run)
                await asyncio.sleep(rng.uniform(*think))
                page = next_page(rng, run.page)
    except (OSError, websockets.WebSocketException) as error:
        runs.append(PageRun(PAGES[0], 0.0, error=f"connection: {error}"))


async def run_step(step: Step, data: Path, database_url: str, duration: float, think: tuple[float, float],
                   seed: int) -> Step:
    with servers(step.replicas, data, database_url) as running:
        watcher = asyncio.create_task(running.watch())
        await warm(running.urls)
        cpu_before, start = cpu_seconds(running.pids()), time.monotonic()
        until = start + duration
        await asyncio.gather(*(user(running.urls[i % step.replicas], random.Random(seed * 1000 + i), think, until,
                                    step.runs) for i in range(step.users)))
        step.seconds = time.monotonic() - start
        step.cpu = cpu_seconds(running.pids()) - cpu_before
        step.load = load_average()
        watcher.cancel()
        step.peak_rss = running.peak_rss
    return step


# -- the browser cross-check ------------------------------------------------------------------------------------
def frame(event: dict) -> bytes:
    """A websocket frame's bytes from Chromium's network events (binary frames come base64-encoded)."""
    response = event["response"]
    return base64.b64decode(response["payloadData"]) if response.get("opcode") == 2 else b""


async def browser_user(browser, url: str, titles: dict[str, str], rng: random.Random, think: tuple[float, float],
                       until: float, frames: list[PageRun], screen: list[PageRun]) -> None:
    """One Chromium tab on the same page sequence as a protocol client with the same seed: the run time from the
    rerun the tab sends to the ``script_finished`` it receives, stamped by Chromium's network layer (DevTools
    events), and the time from the navigation or click until the page has settled on screen."""
    context = await browser.new_context(viewport={"width": 1366, "height": 768})  # its own cache and cookies
    page = await context.new_page()
    devtools = await context.new_cdp_session(page)
    await devtools.send("Network.enable")
    current = {"page": PAGES[0]}
    asked: list[tuple[str, float]] = []  # the reruns sent: page, Chromium's time stamp

    def on_sent(event: dict) -> None:
        data = frame(event)
        if data and BackMsg.FromString(data).WhichOneof("type") == "rerun_script":
            asked.append((current["page"], event["timestamp"]))

    def on_received(event: dict) -> None:
        data = frame(event)
        forward = ForwardMsg.FromString(data) if data else None
        if forward and asked and forward.WhichOneof("type") == "script_finished" and \
                forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            frames.append(PageRun(asked[-1][0], event["timestamp"] - asked[-1][1]))

    devtools.on("Network.webSocketFrameSent", on_sent)
    devtools.on("Network.webSocketFrameReceived", on_received)
    await asyncio.sleep(rng.uniform(0, think[1]))
    start = time.perf_counter()
    await page.goto(url)
    await page.wait_for_function(SETTLED, timeout=RUN_TIMEOUT_S * 1000)
    screen.append(PageRun(PAGES[0], time.perf_counter() - start))
    while time.monotonic() < until:
        await asyncio.sleep(rng.uniform(*think))
        target = next_page(rng, current["page"])
        current["page"] = target
        start = time.perf_counter()
        await page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=titles[target], exact=True).click()
        await page.get_by_role("heading", name=titles[target], level=1).wait_for(timeout=RUN_TIMEOUT_S * 1000)
        await page.wait_for_function(SETTLED, timeout=RUN_TIMEOUT_S * 1000)
        screen.append(PageRun(target, time.perf_counter() - start))
    await context.close()


async def cross_check(count: int, data: Path, database_url: str, duration: float, think: tuple[float, float],
                      seed: int) -> dict[str, tuple[list[PageRun], float]]:
    """``count`` protocol clients, then ``count`` Chromium tabs with the same seeds (so the same page sequence),
    each for ``duration`` seconds against one warm server: per kind, the runs and the server CPU per run."""
    from playwright.async_api import async_playwright

    found: dict[str, tuple[list[PageRun], float]] = {}
    with servers(1, data, database_url) as running:
        titles = await warm(running.urls)
        url, pids = running.urls[0], running.pids()
        before, runs = cpu_seconds(pids), []
        until = time.monotonic() + duration
        await asyncio.gather(*(user(url, random.Random(seed * 1000 + i), think, until, runs) for i in range(count)))
        found["protocol"] = runs, (cpu_seconds(pids) - before) / max(1, len(runs))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            before, frames, screen = cpu_seconds(pids), [], []
            until = time.monotonic() + duration
            await asyncio.gather(*(browser_user(browser, url, titles, random.Random(seed * 1000 + i), think, until,
                                                frames, screen) for i in range(count)))
            cpu = (cpu_seconds(pids) - before) / max(1, len(frames))
            found["browser, frames"], found["browser, on screen"] = (frames, cpu), (screen, cpu)
            await browser.close()
    return found


# -- the report -------------------------------------------------------------------------------------------------
def quantiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max (nearest rank); zeros for no values."""
    if not values:
        return 0.0, 0.0, 0.0
    ordered = sorted(values)
    return (statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], ordered[-1])


def row(label: str, runs: list[PageRun]) -> str:
    p50, p95, top = quantiles([r.seconds for r in runs if not r.error])
    return f"  {label:<16}{len(runs):>6}{p50:>8.2f}{p95:>8.2f}{top:>8.2f}"


def report(step: Step) -> tuple[float, float]:
    """Print one step; its overall p50 and p95."""
    good = [r for r in step.runs if not r.error]
    errors = sorted({r.error for r in step.runs if r.error})
    p50, p95, _ = quantiles([r.seconds for r in good])
    print(f"\n{step.label}: {len(step.runs) / step.seconds:.2f} page runs/s, {len(step.runs) - len(good)} errors, "
          f"peak server RSS {step.peak_rss / 1024 ** 2:.0f} MiB, server CPU "
          f"{1000 * step.cpu / max(1, len(step.runs)):.0f} ms per page run, load average {step.load:.1f}")
    print(f"  {'page':<16}{'runs':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for page in PAGES:
        print(row(page, [r for r in step.runs if r.page == page]))
    print(row("(new tabs)", [r for r in step.runs if r.first]))
    print(row("switches", [r for r in step.runs if not r.first]))
    print(row("all runs", step.runs))
    for error in errors[:5]:
        print(f"  error: {error}")
    return p50, p95


def parse_ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=parse_ints, default=[1, 10, 50], help="users per step (default 1,10,50)")
    parser.add_argument("--replicas", type=parse_ints, default=[1, 2],
                        help="servers; more than 1 runs the largest user count over that many (default 1,2)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load per step (default 30)")
    parser.add_argument("--think", default="2,5", help="think time between page runs, MIN,MAX s (default 2,5)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--browsers", type=int, default=3, help="Chromium tabs in the cross-check (0: none)")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to create a fresh database on "
                        "(default: the embedded DuckDB in a temporary folder)")
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split(","))
    steps = [Step(u, 1) for u in args.users] + [Step(max(args.users), r) for r in args.replicas if r > 1]
    with tempfile.TemporaryDirectory() as folder, fresh_database(args.database_url) as database_url:
        data = Path(folder) / "data"
        loaded = load_sample(data, database_url)
        store = "PostgreSQL (a fresh database, shared by the replicas)" if database_url else \
            "embedded DuckDB (one data folder, shared by the replicas)"
        print(f"sample data loaded in {loaded:.1f} s into {store}; {os.cpu_count()} cores, think time "
              f"{think[0]:g}–{think[1]:g} s, {args.duration:g} s per step, seed {args.seed}")
        figures = {}
        for step in steps:
            figures[step.label] = report(asyncio.run(run_step(step, data, database_url, args.duration, think,
                                                           args.seed)))
        baseline = figures[steps[0].label]
        print(f"\nagainst the baseline ({steps[0].label}), p50 / p95: " + ", ".join(
            f"{label} {p50 / baseline[0]:.1f}× / {p95 / baseline[1]:.1f}×" for label, (p50, p95) in figures.items()
            if all(baseline)))
        final = steps[-1]
        met = figures[final.label][1] < GOAL_P95_S and final.peak_rss < GOAL_RSS_BYTES
        print(f"goal ({final.label}: p95 < {GOAL_P95_S:g} s, server memory < 2 GiB): {'met' if met else 'NOT met'}")
        if args.browsers:
            found = asyncio.run(cross_check(args.browsers, data, database_url, args.duration, think, args.seed))
            print(f"\ncross-check on one server: {args.browsers} protocol clients, then {args.browsers} Chromium tabs "
                  f"(same pages, same think times; load average {load_average():.1f}); p50 / p95 seconds (runs)")
            print(f"  {'page':<16}" + "".join(f"{name:>24}" for name in found))
            for page in (*PAGES, None):
                cells = []
                for runs, _ in found.values():
                    chosen = [r.seconds for r in runs if page is None or r.page == page]
                    p50, p95, _ = quantiles(chosen)
                    cells.append(f"{p50:.2f} / {p95:.2f} ({len(chosen)})")
                print(f"  {page or 'all':<16}" + "".join(f"{cell:>24}" for cell in cells))
            print(f"  {'server CPU/run':<16}" + "".join(f"{1000 * cpu:>21.0f} ms" for _, cpu in found.values()))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
