"""The load benchmark's protocol client (benchmarks/load.py) against a real dashboard server, so the client
that stands in for 50 browsers keeps speaking Streamlit's websocket protocol as the server does."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import sys
from pathlib import Path

# loaded by path: putting benchmarks/ on sys.path would hide the pages package behind benchmarks/pages.py
_SPEC = importlib.util.spec_from_file_location("benchmarks_load",
                                               Path(__file__).resolve().parents[1] / "benchmarks" / "load.py")
load = sys.modules["benchmarks_load"] = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(load)


def test_protocol_client_opens_the_overview_and_switches_page(sample_install, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_install, data)  # the server creates the admin account: not in the shared folder

    async def visit(url: str):
        async with load.Client(url) as client:
            return await client.run(), await client.run("xep-hang"), client

    with load.servers(1, data, "") as running:
        first, ranking, client = asyncio.run(visit(running.urls[0]))
    assert (first.page, first.error, first.headings[0]) == ("tong-quan", "", "Tổng quan")
    assert set(load.PAGES) <= set(client.pages)  # every reading page's hash came with the navigation
    assert client.cached  # the overview's charts are cacheable messages, offered back on the next run
    assert (ranking.page, ranking.error, ranking.headings[0]) == ("xep-hang", "", "Xếp hạng")
    assert ranking.seconds > 0
