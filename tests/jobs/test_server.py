"""`ccmkit serve` as deployed: real HTTP requests, real worker processes, real signals.

Eight parallel requests start three jobs; a worker killed with SIGKILL fails its own job and
another user's job completes; jobs left by a server killed with SIGKILL are interrupted at the
next start and free the quota; SIGTERM ends the server, its forkserver and its workers."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccmkit.vocab import DOC_KINDS
from tests.processes import descendants

pytestmark = pytest.mark.slow
PASSWORD = "correct-horse-battery"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
JOB = re.compile(r"^/(package|workshop)/([A-Za-z0-9_-]{16,64})$")


def forkserver_processes(pid: int) -> set[int]:
    """The forkserver and its workers below ``pid``."""
    found = set()
    for child in descendants(pid):
        try:
            if b"multiprocessing.forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One signed-in user over real HTTP (cookies kept by hand: they are Secure)."""

    def __init__(self, base: str, name: str) -> None:
        self.base, self.cookies = base, {}
        self.opener = urllib.request.build_opener(NoRedirect)
        page = self.get("/login")[1]
        status, _ = self.post("/login", {"name": name, "password": PASSWORD,
                                         "csrf_token": TOKEN.search(page).group(1)})
        assert status == 302, f"{name} could not sign in"

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        location = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        return response.status, response.read().decode("utf-8", "replace"), location

    def get(self, path: str) -> tuple[int, str]:
        status, body, _ = self._open(urllib.request.Request(self.base + path))
        return status, body

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        status, text, location = self._open(urllib.request.Request(
            self.base + path, data=body, method="POST"))
        return status, location if status == 302 else text

    def start(self, path: str, data: dict) -> tuple[int, str]:
        token = TOKEN.search(self.get(path)[1]).group(1)
        return self.post(path, {**data, "csrf_token": token})

    def wait(self, location: str, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while True:
            page = self.get(location)[1]
            if 'data-state="running"' not in page:
                return page
            assert time.monotonic() < deadline, f"{location} did not finish"
            time.sleep(0.5)

    def cancel(self, location: str) -> None:
        token = TOKEN.search(self.get(location)[1])
        if token:
            self.post(f"{location}/cancel", {"csrf_token": token.group(1)})


class Server:
    """`ccmkit serve` on a free port over a folder's database and job files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {**os.environ, "CCMKIT_DB": str(folder / "log.sqlite3"),
                    "CCMKIT_WEB_OUTPUT": str(folder / "jobs"),
                    "CCMKIT_SECRET_KEY": "jobs-server-test"}
        self.process: subprocess.Popen | None = None
        self.log = folder / "serve.log"

    def add_users(self, *names: str) -> None:
        for name in names:
            subprocess.run([sys.executable, "-m", "ccmkit", "users", "add", name, "--role",
                            "editor", "--password", PASSWORD], env=self.env, check=True,
                           capture_output=True)

    def start(self) -> str:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ccmkit", "serve", "--port", str(port), "--workers", "2"],
            env=self.env, stdout=self.log.open("a"), stderr=subprocess.STDOUT,
            start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                assert self.process.poll() is None, self.log.read_text()
                assert time.monotonic() < deadline, "ccmkit serve did not start"
                time.sleep(0.3)
        deadline = time.monotonic() + 120  # the forkserver and both workers are up
        while len(forkserver_processes(self.process.pid)) < 3:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        return base

    def jobs(self) -> list[tuple[str, str, int]]:
        with sqlite3.connect(self.folder / "log.sqlite3") as db:
            return db.execute("SELECT id, state, owner FROM job").fetchall()

    def stop(self, how: signal.Signals = signal.SIGTERM) -> set[int]:
        """Send ``how`` to the server alone; the processes below it that are still alive."""
        assert self.process is not None
        below = descendants(self.process.pid)
        assert len(forkserver_processes(self.process.pid)) >= 3, below  # server and workers
        self.process.send_signal(how)
        self.process.wait(timeout=60)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(alive(p) for p in below):
            time.sleep(0.2)
        return {p for p in below if alive(p)}

    def kill_all(self) -> None:
        """Whatever happened, leave no process behind."""
        if self.process is not None:
            for pid in descendants(self.process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    server.add_users("alice", "bob")
    try:
        yield server
    finally:
        server.kill_all()


SLOW_WORKSHOP = {"selection": "group:EAC", "documents": ["instrument", "steps", "qa"],
                 "formats": ["docx", "pdf"], "also": ["fr"]}


def test_eight_parallel_requests_start_three_jobs_and_sigterm_ends_every_worker(
        server: Server) -> None:
    base = server.start()
    alice = Browser(base, "alice")
    token = TOKEN.search(alice.get("/workshop")[1]).group(1)
    barrier, answers = threading.Barrier(8), []

    def start() -> None:
        barrier.wait()
        answers.append(alice.post("/workshop", {**SLOW_WORKSHOP, "csrf_token": token}))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started = [where for status, where in answers if status == 302]
    refused = [text for status, text in answers if status == 400]
    assert len(started) == 3 and len(refused) == 5, answers
    assert all(JOB.match(where) for where in started)
    assert all("you already have 3 generations running" in text for text in refused)
    assert len(server.jobs()) == 3
    for where in started:  # a user can cancel a job
        alice.cancel(where)
    assert {state for _, state, _ in server.jobs()} == {"cancelled"}
    assert "Cancelled" in alice.get(started[0])[1]
    assert server.stop(signal.SIGTERM) == set()  # no forkserver, no worker left


def test_a_killed_worker_fails_its_own_job_and_another_users_job_completes(
        server: Server) -> None:
    base = server.start()
    alice, bob = Browser(base, "alice"), Browser(base, "bob")
    status, doomed = alice.start("/package", {"state": "KEN", "languages": ["en", "fr"],
                                              "documents": list(DOC_KINDS),
                                              "formats": ["docx", "pdf"]})
    assert status == 302
    job_id = doomed.rsplit("/", 1)[1]
    deadline = time.monotonic() + 60
    while not (found := re.search(rf"\[job {job_id}\] run_task started in worker pid (\d+)",
                                  server.log.read_text())):
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.1)
    status, innocent = bob.start("/package", {"state": "HTI", "languages": "fr",
                                              "documents": "instrument", "formats": "docx"})
    assert status == 302
    os.kill(int(found.group(1)), signal.SIGKILL)
    page = alice.wait(doomed)
    assert 'data-state="failed"' in page and "worker process died" in page
    assert 'data-state="done"' in bob.wait(innocent)
    assert bob.get(f"{innocent}/files/HTI/fr/instrument.docx")[0] == 200
    # the pool was rebuilt: the next package is generated
    status, again = alice.start("/package", {"state": "KEN", "languages": "en",
                                             "documents": "instrument", "formats": "docx"})
    assert status == 302 and 'data-state="done"' in alice.wait(again)
    log = server.log.read_text()
    assert re.search(rf"ERROR .*\[job {job_id}\] a worker process \(pid \d+\) died", log)
    assert server.stop(signal.SIGTERM) == set()


def test_jobs_left_by_a_killed_server_are_interrupted_and_free_the_quota(
        server: Server) -> None:
    base = server.start()
    alice = Browser(base, "alice")
    left = []
    for _ in range(3):
        status, where = alice.start("/workshop", SLOW_WORKSHOP)
        assert status == 302
        left.append(where)
    assert alice.start("/workshop", SLOW_WORKSHOP)[0] == 400  # the quota is used up
    assert server.stop(signal.SIGKILL) == set()  # its workers die with it
    assert {state for _, state, _ in server.jobs()} == {"running"}

    base = server.start()  # the same database and folder
    alice = Browser(base, "alice")
    assert {state for _, state, _ in server.jobs()} == {"interrupted"}
    page = alice.get(left[0])[1]
    assert 'data-state="interrupted"' in page and "Interrupted" in page
    status, where = alice.start("/package", {"state": "KEN", "languages": "en",
                                             "documents": "instrument", "formats": "docx"})
    assert status == 302 and 'data-state="done"' in alice.wait(where)
    assert server.stop(signal.SIGTERM) == set()
