"""Analytics at national scale: DuckDB (database-side filtering and aggregation) vs plain pandas, same run.

Synthetic data: 34 provinces × 170 units, ten years 2011–2020 with four quarterly reports and one yearly
report each, every catalog indicator → ≈ 10 million value rows; ≈ 0.3 million submissions. Timed, for
one province (what the dashboard shows) and nationally:

- progress of one unit (all periods, all indicators);
- the province roll-up (Σ numerators / Σ denominators per indicator and period) and its progress;
- completeness of every unit and period (national);
- the PAR ranking of one province's district block for 2020.

Both variants end in the same ``cchc`` functions (``progress``, ``rollup``, ``completeness``, ``ranking``);
they differ in how the rows are fetched and reduced: SQL with bound parameters on a DuckDB file vs boolean
masks and ``groupby`` on an in-memory pandas frame. Outputs are checked equal. Goal: each under 200 ms.

With ``--database-url postgresql://…`` (an empty database) PostgreSQL is the store: the values go into the
store's ``submission`` and ``value`` tables (``COPY``), the store loads its DuckDB analytics copy from them
(:meth:`cchc.store.Store.analytics_copy`, timed: in full, and after one upload by another process), and the
same SQL runs on that copy (the value rows as of ``current_values``, with the province column added once).

Run: ``python benchmarks/analytics.py [--units-per-province 170] [--repeat 5] [--database-url URL]``.
The ten years reach before the plan's first year (2016), so the monitored years are widened for this
process only (``periods.yaml`` stays as it is).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cchc import periods  # noqa: E402
from cchc.catalog import Unit, load_catalog  # noqa: E402
from cchc.completeness import completeness  # noqa: E402
from cchc.ingest import ingest_file  # noqa: E402
from cchc.progress import PROVINCE, indicator_frame, progress, rollup  # noqa: E402
from cchc.ranking import ranking  # noqa: E402
from cchc.store import Store  # noqa: E402

YEARS = range(2011, 2021)
PROVINCES = 34
GOAL_MS = 200.0


def widen_years() -> None:
    config = {**periods._config(), "first_year": YEARS[0], "last_year": YEARS[-1]}
    periods._config = lambda: config  # this process only


def period_codes() -> list[str]:
    return [code for y in YEARS for code in (*(f"{y}-Q{q}" for q in range(1, 5)), str(y))]


def make_units(per_province: int) -> list[Unit]:
    """Per province: one sở in three, the rest districts (kind huyen), all valid throughout."""
    start = dt.date(YEARS[0], 1, 1)
    return [Unit(f"P{p:02d}U{u:03d}", f"Đơn vị {u} tỉnh {p}", f"ĐV{u}", "so" if u % 3 == 0 else "huyen",
                 "UBNDT", start, None) for p in range(PROVINCES) for u in range(per_province)]


def make_values(units: list[Unit], seed: int = 2016) -> pd.DataFrame:
    """Every unit × period × indicator, with a noisy upward trend per series (category columns)."""
    rng = np.random.default_rng(seed)
    inds = indicator_frame(load_catalog())
    codes = period_codes()
    n_u, n_p, n_i = len(units), len(codes), len(inds)
    t = np.array([int(c[:4]) - YEARS[0] + (int(c[-1]) / 4 if "Q" in c else 1.0) for c in codes])
    base = rng.uniform(0, 60, (n_u, 1, n_i))
    slope = rng.uniform(-1, 8, (n_u, 1, n_i))
    level = np.clip(base + slope * t[None, :, None] + rng.normal(0, 3, (n_u, n_p, n_i)), 0, 100)
    measure = inds["measure"].to_numpy()[None, None, :]
    den = np.where(measure == "percent", rng.integers(50, 500, (n_u, 1, n_i)).astype(float), 1.0)
    den = np.broadcast_to(den, level.shape)
    num = np.where(measure == "yes_no", (level > 50).astype(float), np.round(level * den / 100))
    value = np.where(measure == "count", np.round(level * 3), 100 * num / den)
    num = np.where(measure == "count", np.nan, num)
    den = np.where(measure == "count", np.nan, den)
    unit_codes = np.array([u.code for u in units])
    return pd.DataFrame({
        "province": pd.Categorical(np.repeat(np.array([c[:3] for c in unit_codes]), n_p * n_i)),
        "unit": pd.Categorical(np.repeat(unit_codes, n_p * n_i)),
        "period": pd.Categorical(np.tile(np.repeat(codes, n_i), n_u)),
        "indicator": pd.Categorical(np.tile(inds["indicator"].to_numpy(), n_u * n_p)),
        "numerator": num.ravel(), "denominator": den.ravel(), "value": value.ravel(),
    })


def make_submissions(units: list[Unit], seed: int = 2016) -> pd.DataFrame:
    """One upload per unit and period around the deadline (a third late, 5 % never, 3 % rejected first)."""
    rng = np.random.default_rng(seed)
    deadlines = {c: pd.Timestamp(periods.parse_period(c).deadline) for c in period_codes()}
    grid = pd.MultiIndex.from_product([[u.code for u in units], list(deadlines)], names=["unit", "period"])
    frame = grid.to_frame(index=False)
    frame = frame[rng.random(len(frame)) > 0.05]
    offset = pd.to_timedelta(rng.integers(-20 * 24, 10 * 24, len(frame)), unit="h")
    frame = frame.assign(status="accepted", uploaded_at=frame["period"].map(deadlines) + offset,
                         province=frame["unit"].str[:3])
    rejected = frame.sample(frac=0.03, random_state=seed).assign(
        status="rejected", uploaded_at=lambda f: f["uploaded_at"] - pd.Timedelta(days=2))
    return pd.concat([frame, rejected], ignore_index=True)


def build_duckdb(path: Path, values: pd.DataFrame, submissions: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.register("v", values)
    con.execute("CREATE TABLE value AS SELECT province::VARCHAR AS province, unit::VARCHAR AS unit,"
                " period::VARCHAR AS period, indicator::VARCHAR AS indicator, numerator, denominator, value"
                " FROM v ORDER BY province, unit")
    con.register("s", submissions)
    con.execute("CREATE TABLE submission AS SELECT province, unit, period, status, uploaded_at FROM s"
                " ORDER BY province, unit")
    con.register("m", indicator_frame(load_catalog())[["indicator", "measure", "rollup"]])
    con.execute("CREATE TABLE measure AS SELECT * FROM m")
    con.execute("CHECKPOINT")
    return con


def build_from_postgres(url: str, folder: Path, values: pd.DataFrame,
                        submissions: pd.DataFrame) -> tuple[duckdb.DuckDBPyConnection, dict[str, float]]:
    """PostgreSQL as the store: one accepted submission per unit and period holding its value rows, loaded with
    COPY; then the store's analytics copy (timed) and, on it, the benchmark's tables. Returns a cursor on the
    copy and the seconds of each step."""
    store = Store(folder, database_url=url)
    if not store.is_empty():
        raise SystemExit(f"{store.describe()} is not empty")
    seconds, start = {}, time.perf_counter()
    pairs = values[["unit", "period"]].drop_duplicates(ignore_index=True).astype(str)
    pairs["id"] = np.arange(1, len(pairs) + 1)
    deadlines = {c: periods.parse_period(c).deadline for c in period_codes()}
    rows = pairs.assign(sha256=[f"{i:064x}" for i in pairs["id"]], at=pairs["period"].map(deadlines).astype(str),
                        status="accepted")[["id", "unit", "period", "sha256", "at", "status"]]
    ids = values[["unit", "period"]].astype(str).merge(pairs, on=["unit", "period"], how="left")["id"].to_numpy()
    value_rows = pd.DataFrame({"submission_id": ids, "indicator": values["indicator"].astype(str),
                               "numerator": values["numerator"], "denominator": values["denominator"],
                               "value": values["value"]})
    with psycopg.connect(url, autocommit=True) as pg:
        copy_csv(pg, "submission (id, unit, period, sha256, uploaded_at, status)", rows)
        copy_csv(pg, "value (submission_id, indicator, numerator, denominator, value)", value_rows)
        pg.execute("SELECT setval('submission_id', (SELECT max(id) FROM submission))")
        pg.execute("UPDATE meta SET num = num + 1 WHERE key IN ('data_version', 'submission_version')")
        pg.execute("ANALYZE")
    seconds["load into PostgreSQL (COPY)"] = time.perf_counter() - start
    start = time.perf_counter()
    copy = store.analytics_copy()
    seconds["snapshot refresh, full (PostgreSQL → DuckDB copy)"] = time.perf_counter() - start
    report = next((ROOT / "sample_data" / "2018").glob("*.xlsx"))
    ingest_file(Store(folder / "other", database_url=url), report.read_bytes(), report.name, user="bench")
    start = time.perf_counter()
    assert store.analytics_copy() is copy
    seconds["snapshot refresh after one upload by another process"] = time.perf_counter() - start
    start = time.perf_counter()
    con = copy.cursor()
    con.execute("CREATE SCHEMA bench")
    con.execute("USE bench")
    con.execute("CREATE TABLE value AS SELECT left(unit, 3) AS province, unit, period, indicator, numerator,"
                " denominator, value FROM main.current_values WHERE submission_id IN (SELECT id FROM main.submission"
                " WHERE uploaded_by IS NULL) ORDER BY province, unit")  # the synthetic rows: the timed upload left out
    con.register("s", submissions)
    con.execute("CREATE TABLE submission AS SELECT province, unit, period, status, uploaded_at FROM s"
                " ORDER BY province, unit")
    con.register("m", indicator_frame(load_catalog())[["indicator", "measure", "rollup"]])
    con.execute("CREATE TABLE measure AS SELECT * FROM m")
    seconds["benchmark tables on the copy"] = time.perf_counter() - start
    return con, seconds


def copy_csv(pg: psycopg.Connection, target: str, frame: pd.DataFrame, chunk: int = 1_000_000) -> None:
    with pg.cursor().copy(f"COPY {target} FROM STDIN (FORMAT csv)") as copy:
        for first in range(0, len(frame), chunk):
            copy.write(frame.iloc[first:first + chunk].to_csv(index=False, header=False))


# -- the database-side variant: SQL fetches and reduces, the cchc functions do the rest -------------------
ROWS = "SELECT unit, period, indicator, numerator, denominator, value FROM value"
_SUMS = ("SELECT period, indicator, sum(numerator) AS n, sum(denominator) AS d, sum(value) AS v, avg(value) AS a,"
         " count(*) AS reporters FROM value WHERE value IS NOT NULL{where} GROUP BY period, indicator")
_ROLLUP = ("SELECT ? AS unit, s.period, s.indicator,"
           " CASE WHEN m.rollup = 'mean' THEN NULL ELSE s.n END AS numerator,"
           " CASE WHEN m.rollup = 'mean' THEN NULL ELSE s.d END AS denominator,"
           " CASE WHEN m.measure = 'count' THEN s.v WHEN m.rollup = 'mean' THEN s.a"
           " ELSE 100 * s.n / nullif(s.d, 0) END AS value, s.reporters"
           " FROM (" + _SUMS + ") s JOIN measure m USING (indicator)")
ROLLUP_PROVINCE = _ROLLUP.format(where=" AND province = ?")
ROLLUP_NATION = _ROLLUP.format(where="")
FIRST_ACCEPTED = ("SELECT unit, period, 'accepted' AS status, min(uploaded_at) AS uploaded_at FROM submission"
                  " WHERE status = 'accepted' AND province = ? GROUP BY unit, period")
FIRST_ACCEPTED_NATION = FIRST_ACCEPTED.replace(" AND province = ?", "")
YEARLY = ROWS + " WHERE province = ? AND period IN (SELECT unnest(?::VARCHAR[]))"


def db_unit(con, unit: str) -> pd.DataFrame:
    return progress(con.execute(ROWS + " WHERE unit = ?", [unit]).df(), province=False)


def db_rollup(con, province: str | None) -> pd.DataFrame:
    sql, params = (ROLLUP_NATION, [PROVINCE]) if province is None else (ROLLUP_PROVINCE, [PROVINCE, province])
    return progress(con.execute(sql, params).df(), province=False)


def db_completeness(con, province: str | None, catalog) -> pd.DataFrame:
    sql, params = (FIRST_ACCEPTED_NATION, []) if province is None else (FIRST_ACCEPTED, [province])
    return completeness(con.execute(sql, params).df(), period_codes(), catalog)


def ranking_years(year: int) -> list[str]:
    """The yearly periods a ranking needs: from the plan's baseline year (2016) to ``year``."""
    return [str(y) for y in range(2016, year + 1)]


def db_ranking(con, province: str, catalog, year: int) -> pd.DataFrame:
    rows = con.execute(YEARLY, [province, ranking_years(year)]).df()
    return ranking(year, "huyen", progress(rows, catalog, province=False), EMPTY_SCORES, catalog)


# -- the plain pandas variant: masks and groupby on the in-memory frame --------------------------------------
def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="province").astype({"unit": str, "period": str, "indicator": str})


def pd_unit(values: pd.DataFrame, unit: str) -> pd.DataFrame:
    return progress(_plain(values[values["unit"] == unit]), province=False)


def pd_rollup(values: pd.DataFrame, province: str | None) -> pd.DataFrame:
    chosen = values if province is None else values[values["province"] == province]
    sums = rollup(chosen.drop(columns="province"))
    return progress(sums.astype({"period": str, "indicator": str}), province=False)


def pd_completeness(submissions: pd.DataFrame, province: str | None, catalog) -> pd.DataFrame:
    chosen = submissions if province is None else submissions[submissions["province"] == province]
    return completeness(chosen, period_codes(), catalog)


def pd_ranking(values: pd.DataFrame, province: str, catalog, year: int) -> pd.DataFrame:
    rows = _plain(values[(values["province"] == province) & values["period"].isin(ranking_years(year))])
    return ranking(year, "huyen", progress(rows, catalog, province=False), EMPTY_SCORES, catalog)


EMPTY_SCORES = pd.DataFrame(columns=["year", "unit", "criterion", "source", "score", "entered_by", "reason"])


def timed(call: Callable[[], pd.DataFrame], repeat: int) -> tuple[float, float, pd.DataFrame]:
    """Median wall-clock and process CPU milliseconds of ``repeat`` runs after a warm-up, and the result."""
    result = call()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = call()
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
    return statistics.median(wall), statistics.median(cpu), result


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    key = [c for c in ("unit", "indicator", "period") if c in a.columns]
    left, right = (f.sort_values(key).reset_index(drop=True) for f in (a, b))
    try:
        pd.testing.assert_frame_equal(left, right, check_dtype=False, check_exact=False, rtol=1e-9)
    except AssertionError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units-per-province", type=int, default=170)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use as the store")
    args = parser.parse_args()
    widen_years()
    started = time.perf_counter()
    units = make_units(args.units_per_province)
    values, submissions = make_values(units), make_submissions(units)
    base = load_catalog()
    catalog = dataclasses.replace(base, units=(base.unit_by_code[PROVINCE], *units))
    province = "P07"
    local = dataclasses.replace(base, units=(base.unit_by_code[PROVINCE],
                                             *(u for u in units if u.code.startswith(province))))
    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            con, steps = build_from_postgres(args.database_url, Path(tmp), values, submissions)
            for step, took in steps.items():
                print(f"{step}: {took:.1f} s")
        else:
            con = build_duckdb(Path(tmp) / "bench.duckdb", values, submissions)
        print(f"{len(values):,} value rows, {len(submissions):,} submissions, {len(units):,} units "
              f"({PROVINCES} provinces), {len(period_codes())} periods; built in "
              f"{time.perf_counter() - started:.0f} s; {duckdb.__version__=}, {pd.__version__=}")
        unit = f"{province}U004"
        cases = [
            ("progress, one unit", lambda: db_unit(con, unit), lambda: pd_unit(values, unit)),
            ("roll-up + progress, one province", lambda: db_rollup(con, province),
             lambda: pd_rollup(values, province)),
            ("completeness, one province", lambda: db_completeness(con, province, local),
             lambda: pd_completeness(submissions, province, local)),
            ("ranking 2020, one province's huyện", lambda: db_ranking(con, province, local, 2020),
             lambda: pd_ranking(values, province, local, 2020)),
            ("(extra) roll-up + progress, national", lambda: db_rollup(con, None), lambda: pd_rollup(values, None)),
            ("(extra) completeness, national", lambda: db_completeness(con, None, catalog),
             lambda: pd_completeness(submissions, None, catalog)),
        ]
        print(f"load average before timing: {os.getloadavg()[0]:.1f} (other processes share the {os.cpu_count()} "
              "cores; CPU ms is this process's own time, all threads)")
        print(f"{'computation':40} {'duckdb ms':>9} {'(cpu)':>7} {'pandas ms':>9} {'(cpu)':>7} {'pd/db':>6}"
              "  same  goal")
        for name, db_call, pd_call in cases:
            db_ms, db_cpu, db_out = timed(db_call, args.repeat)
            pd_ms, pd_cpu, pd_out = timed(pd_call, args.repeat)
            verdict = "ok" if db_ms < GOAL_MS else "MISSED"
            print(f"{name:40} {db_ms:9.1f} {db_cpu:7.1f} {pd_ms:9.1f} {pd_cpu:7.1f} {pd_ms / db_ms:6.2f}  "
                  f"{str(same(db_out, pd_out)):5} {verdict}")
        con.close()


if __name__ == "__main__":
    main()
