"""Bounds on rendering one document: size and characters of its HTML, time and memory.

Time is bounded with a real-time timer and memory by lowering the address-space limit for the
duration of the document; both apply on the main thread of a process (the CLI, a batch
worker). Exceeding a bound is a ``TemplateError`` naming the template, never a crash.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from ccmkit.data.text import UNCARRIABLE
from ccmkit.errors import TemplateError


@dataclass
class Limits:
    """Per-document bounds (module-level ``LIMITS``; tests and the web may lower them)."""

    seconds: float = 120.0
    memory: int = 2 << 30  # bytes of address space one document may add
    html_chars: int = 1_000_000  # 10x the longest shipped document; far below libxml2's
    # 10 MB text-node limit, so the parser never truncates text


LIMITS = Limits()

class _Timeout(BaseException):
    """Raised by the timer; a BaseException so that no library swallows it."""


def check_markup(markup: str, template: str) -> None:
    """Refuse HTML that is too long to render whole, or carries characters no file can hold."""
    if len(markup) > LIMITS.html_chars:
        raise TemplateError(
            f"{template} renders to {len(markup) / 1e6:.1f} million characters (limit "
            f"{LIMITS.html_chars / 1e6:.0f} million): a profile value or the template is far "
            "too long; shorten it")
    found = UNCARRIABLE.search(markup)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise TemplateError(
            f"{template}: the text contains the character {code}, which a document cannot "
            "carry; remove it from the profile or the template")


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def bounded(what: str, limits: Limits | None = None) -> Iterator[None]:
    """Run a block within the time and memory bounds; on the main thread only."""
    limits = limits or LIMITS
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous_handler = signal.getsignal(signal.SIGALRM)
    previous_timer = signal.getitimer(signal.ITIMER_REAL)
    previous_as = resource.getrlimit(resource.RLIMIT_AS)

    def alarm(signum: int, frame: object) -> None:
        raise _Timeout

    try:
        wanted = _address_space() + limits.memory
        soft, hard = previous_as
        if (soft == resource.RLIM_INFINITY or wanted < soft) and (
                hard == resource.RLIM_INFINITY or wanted < hard):
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (OSError, ValueError):
        pass
    outer, started = previous_timer[0], time.monotonic()
    if not outer or outer > limits.seconds:
        signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    try:
        yield
    except _Timeout:
        raise TemplateError(f"{what}: rendering took longer than {limits.seconds:g} s; "
                            "simplify the template (a loop too long?)") from None
    except MemoryError:
        raise TemplateError(f"{what}: rendering needed more than "
                            f"{limits.memory >> 20} MiB; simplify the template") from None
    finally:
        if not outer or outer > limits.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if outer:
                left = outer - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
        with suppress(OSError, ValueError):
            resource.setrlimit(resource.RLIMIT_AS, previous_as)
