"""Workbooks are parsed in limited worker processes: a worker that runs out of memory, dies or hangs turns the
file into a ``resource-limit`` refusal and the next file is read by a fresh worker."""

from __future__ import annotations

import os
import random
import signal

import pytest

from cchc.read import MAX_FILE_BYTES, read_workbook
from cchc.sandbox import Pool
from tests.workbooks import build_workbook


@pytest.fixture
def pool():
    pool = Pool(1)
    yield pool
    pool.close()


def _codes(result) -> list[str]:
    return [i.code for i in result[1]]


def _worker_pid(pool: Pool) -> int:
    pool.read(build_workbook())
    return pool._idle[0].process.pid


def test_a_worker_reads_as_the_reader_does(pool):
    data = build_workbook("SYT", "2019")
    assert pool.read(data, "syt.xlsx") == read_workbook(data, "syt.xlsx")
    assert pool.read(b"", lang="en") == read_workbook(b"", lang="en")


def test_out_of_memory_is_refused_and_the_pool_carries_on():
    small = Pool(1, memory=24 * 1024 * 1024)  # below what receiving a 9 MiB file takes
    try:
        result = small.read(random.Random(1).randbytes(MAX_FILE_BYTES - 1024 * 1024))
        assert result[0] is None and _codes(result) == ["resource-limit"]
        assert "24 MiB" in result[1][0].message and "giới hạn bộ nhớ" in result[1][0].message
        assert small.read(build_workbook())[0] is not None  # a fresh worker
    finally:
        small.close()


def test_a_batch_that_breaks_its_worker_is_read_again_file_by_file():
    small = Pool(1, memory=24 * 1024 * 1024)
    try:
        good, huge = build_workbook(), random.Random(2).randbytes(MAX_FILE_BYTES - 1024 * 1024)
        results = small.read_batch([(good, "a.xlsx"), (huge, "b.xlsx"), (good, "c.xlsx")])
        assert [_codes(r) for r in results] == [[], ["resource-limit"], []]
        assert results[0] == results[2] == read_workbook(good, "a.xlsx")
    finally:
        small.close()


def test_a_hung_worker_is_killed_and_replaced():
    quick = Pool(1, wall=1)
    try:
        pid = _worker_pid(quick)
        os.kill(pid, signal.SIGSTOP)  # stands for a parse that never ends
        result = quick.read(build_workbook())
        assert _codes(result) == ["resource-limit"] and not quick._idle
        assert quick.read(build_workbook())[0] is not None
    finally:
        quick.close()


@pytest.mark.parametrize("sig", [signal.SIGABRT, signal.SIGKILL, signal.SIGXCPU])
def test_a_worker_that_died_between_files_is_replaced(pool, sig):
    pid = _worker_pid(pool)
    os.kill(pid, sig)
    pool._idle[0].process.wait()
    assert pool.read(build_workbook())[0] is not None
