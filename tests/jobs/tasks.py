"""Small tasks for the executor tests (importable by the worker processes)."""

from __future__ import annotations

import logging
import os
import time


def pause(seconds: float, tag: str) -> str:
    """Sleep, then return ``tag``."""
    time.sleep(seconds)
    return tag


def boom() -> None:
    """A bug in a task: its traceback must reach the log."""
    logging.getLogger("ccmkit.tests").info("about to fail")
    {}["missing"]


def my_pid() -> int:
    return os.getpid()
