"""Web workbench figures: page latency idle and while a workshop generates, generation times.

Run: .venv/bin/python benchmarks/bench_web.py [GROUP]   (default CARICOM; 2 worker processes)
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ccmkit.web import create_app
from ccmkit.web.users import add_user

PAGES = ("/states", "/states/COD", "/package", "/log/report", "/targets", "/barrier-map")
WORKBENCH = ("/targets", "/targets?top=", "/barrier-map", "/targets/export.csv",
             "/targets/export.xlsx")


def latency(client, rounds: int = 5) -> list[float]:
    times = []
    for _ in range(rounds):
        for path in PAGES:
            start = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append(time.perf_counter() - start)
    return times


def timed(client, path: str, rounds: int = 5) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append(time.perf_counter() - start)
    return times


def token(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(
        as_text=True)).group(1)


def run_job(client, path: str, data: dict, during: list[float]) -> float:
    start = time.perf_counter()
    location = client.post(path, data={**data, "csrf_token": token(client, path)}).headers[
        "Location"]
    while 'data-state="running"' in client.get(location).get_data(as_text=True):
        during += latency(client, 1)
    return time.perf_counter() - start


def main() -> None:
    group = sys.argv[1] if len(sys.argv) > 1 else "CARICOM"
    tmp = Path(tempfile.mkdtemp(prefix="ccmkit-bench-web-"))
    app = create_app({"SECRET_KEY": "bench", "CCMKIT_DB": f"sqlite:///{tmp / 'db.sqlite3'}",
                      "CCMKIT_OUTPUT_DIR": str(tmp / "jobs"), "CCMKIT_WEB_DIR": str(tmp),
                      "CCMKIT_WORKERS": 2, "CCMKIT_WARM": True})
    add_user(app.extensions["ccmkit"].engine, "bench", "editor", "bench-password")
    client = app.test_client()
    client.post("/login", data={"name": "bench", "password": "bench-password",
                                "csrf_token": token(client, "/login")})
    idle = latency(client)
    time.sleep(5)  # let the warm workers finish importing the renderers
    during: list[float] = []
    package = run_job(client, "/package", {"state": "COD", "languages": "fr",
                                           "provisional_application": "y"}, during)
    workshop = run_job(client, "/workshop", {"selection": f"group:{group}"}, during)
    brief = run_job(client, "/package", {"state": "COD", "languages": "fr",
                                         "provisional_application": "y", "brief": "y"}, during)
    targets = run_job(client, "/targets", {"lang": "fr", "top": "15", "status": "outside"},
                      during)
    barrier_map = run_job(client, "/barrier-map", {"lang": "fr", "messaging": "y"}, during)
    workbench = {path: statistics.median(timed(client, path)) for path in WORKBENCH}
    app.extensions["ccmkit"].jobs.shutdown()
    ms = 1000
    print(f"page latency idle: median {statistics.median(idle) * ms:.0f} ms, "
          f"max {max(idle) * ms:.0f} ms ({len(idle)} requests)")
    print(f"page latency while generating: median {statistics.median(during) * ms:.0f} ms, "
          f"max {max(during) * ms:.0f} ms ({len(during)} requests)")
    print(f"package COD (fr, every document, DOCX+PDF, warm workers): {package:.1f} s")
    print(f"workshop {group} (every State outside, own languages, DOCX+PDF, 2 workers, "
          f"+ index, overview, ZIP): {workshop:.1f} s")
    print(f"package COD with its internal brief (fr, DOCX+PDF): {brief:.1f} s")
    print(f"one-page engagement list (fr, DOCX+PDF): {targets:.1f} s; barrier map and "
          f"messaging lines (fr, DOCX+PDF): {barrier_map:.1f} s")
    for path, median in workbench.items():
        print(f"  {path}: median {median * ms:.0f} ms")


if __name__ == "__main__":
    main()
