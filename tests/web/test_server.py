"""The servers: `ccmkit serve` refuses a busy port in one line; gunicorn serves the app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

BIN = Path(sys.executable).parent


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CCMKIT_DB": str(tmp_path / "log.sqlite3"),
            "CCMKIT_WEB_OUTPUT": str(tmp_path / "jobs"), "CCMKIT_SECRET_KEY": "server-test"}


def test_serve_on_a_busy_port_is_one_error_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([str(BIN / "ccmkit"), "serve", "--port", str(port)],
                              env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("Error: cannot listen on 127.0.0.1:")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.skipif(not (BIN / "gunicorn").is_file(), reason="gunicorn not installed")
def test_gunicorn_serves_the_app(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4", "--bind",
         f"127.0.0.1:{port}", "ccmkit.web:create_app()"],
        env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.3)
        assert "Sign in" in page.read().decode()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(f"http://127.0.0.1:{port}/log", timeout=5)
        assert refused.value.code == 302
    finally:
        process.terminate()
        process.wait(timeout=30)
