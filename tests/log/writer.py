"""A separate writer process for the concurrency and crash tests.

    python -m tests.log.writer URL add N TAG [GO_FILE]   add N records, print each id once committed
    python -m tests.log.writer URL hold                  insert 50 records in one transaction,
                                                         print "ready" and wait to be killed
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from ccmkit.log.models import Change, Entry
from ccmkit.log.store import Fields, Log

STATES = ("KEN", "HTI", "LKA", "PHL", "CIV", "ARG")


def main(url: str, mode: str, *rest: str) -> None:
    if mode == "add":
        count, tag = int(rest[0]), rest[1]
        if len(rest) > 2:  # start together: wait for the go file, then open (and migrate)
            while not Path(rest[2]).exists():
                time.sleep(0.005)
        log = Log(url, user=tag)
        for i in range(count):
            record = log.add(Fields(state=STATES[i % len(STATES)], date=date(2026, 1, 1),
                                    stage="contacted", note=f"{tag}-{i}"))
            print(record.id, flush=True)
        return
    log = Log(url, user="victim")
    with log._write() as session:
        for i in range(50):
            entry = Entry(state="KEN", date=date(2026, 1, 1), stage="contacted",
                          note=f"uncommitted-{i}", recorded_by="victim",
                          recorded_at=datetime.now(UTC))
            session.add(entry)
            session.add(Change(entry=entry, action="add", changed_by="victim",
                               changed_at=datetime.now(UTC)))
        session.flush()
        print("ready", flush=True)
        time.sleep(120)


if __name__ == "__main__":
    main(*sys.argv[1:])
