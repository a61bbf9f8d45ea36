"""Follow-up log benchmark: prints the figures recorded in the closing note / README.

    .venv/bin/python benchmarks/bench_log.py              # SQLite (and PostgreSQL if
                                                          # CCMKIT_TEST_PG_URL is set)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from ccmkit.log.formats import render_report, rows, to_csv, to_xlsx
from ccmkit.log.importer import read_records
from ccmkit.log.store import Fields, Log, find_state

ROOT = Path(__file__).resolve().parents[1]
STATES = ("KEN", "HTI", "LKA", "PHL", "CIV", "ARG", "BRA", "IND", "EGY", "MAR")
STAGES = ("contacted", "meeting-held", "next-step-agreed")


def fields(i: int) -> Fields:
    return Fields(state=STATES[i % 10], date=date(2026, 1, 1) + timedelta(days=i % 300),
                  stage=STAGES[i % 3], channel="geneva", lead="Norway", note=f"note {i}",
                  next_step="follow up", due=date(2026, 1, 1) + timedelta(days=i % 300 + 30))


def bench(url: str, label: str) -> None:
    start = time.perf_counter()
    log = Log(url)
    print(f"[{label}] open + create schema (migrations 0001, 0002): "
          f"{time.perf_counter() - start:.3f} s")
    times = []
    for i in range(200):
        t = time.perf_counter()
        log.add(fields(i))
        times.append(time.perf_counter() - t)
    print(f"[{label}] add, one transaction each: median {statistics.median(times) * 1000:.1f} ms"
          f", p95 {sorted(times)[189] * 1000:.1f} ms")
    t = time.perf_counter()
    log.add_many([fields(i) for i in range(1000)], source="bench")
    print(f"[{label}] add_many 1000 records (one transaction): {time.perf_counter() - t:.3f} s")
    t = time.perf_counter()
    records = log.records()
    print(f"[{label}] list {len(records)} records: {time.perf_counter() - t:.3f} s")
    t = time.perf_counter()
    report = log.report(top15=STATES, today=date(2026, 6, 1))
    render_report(report, "table")
    print(f"[{label}] report on {len(records)} records: {time.perf_counter() - t:.3f} s")
    t = time.perf_counter()
    data = rows(records)
    xlsx = to_xlsx(data)
    print(f"[{label}] export xlsx {len(records)} records: {time.perf_counter() - t:.3f} s "
          f"({len(xlsx) // 1024} KiB); csv {len(to_csv(data)) // 1024} KiB")
    log.close()


def main() -> None:
    find_state("KEN")  # the State registry loads once per process
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{tmp}/bench.sqlite3", "sqlite")
        path = Path(tmp) / "in.csv"
        path.write_text(to_csv([{**r, "id": ""} for r in rows(
            Log(f"sqlite:///{tmp}/bench.sqlite3").records()[:1000])]), encoding="utf-8")
        t = time.perf_counter()
        read_records(path)
        print(f"[import] read and check 1000 CSV rows: {time.perf_counter() - t:.3f} s")
        env = {**os.environ, "CCMKIT_DB": f"{tmp}/cli.sqlite3"}
        cli = [sys.executable, "-m", "ccmkit", "log", "add", "KEN", "--stage", "contacted"]
        times = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run(cli, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
        print(f"[cli] `ccmkit log add` end to end (new process): median "
              f"{statistics.median(times):.2f} s")
    pg = os.environ.get("CCMKIT_TEST_PG_URL")
    if pg:
        admin = create_engine(pg.replace("postgresql://", "postgresql+psycopg://", 1),
                              isolation_level="AUTOCOMMIT")
        name = f"ccmkit_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            bench(pg.rsplit("/", 1)[0] + f"/{name}", "postgresql")
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    else:
        print("[postgresql] skipped: CCMKIT_TEST_PG_URL not set")


if __name__ == "__main__":
    main()
