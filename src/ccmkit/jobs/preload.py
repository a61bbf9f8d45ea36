"""Imported once by the workers' forkserver (ccmkit.jobs.run.PRELOAD): every worker forks warm.

Imports, the shipped State data and the parsed style sheet are set up here once; every
worker then starts warm. No thread is left running (fork-safe).
Warming is best effort: a worker redoes whatever failed here, and reports it properly.
"""

from __future__ import annotations

import gc
from contextlib import suppress

import weasyprint.text.fonts  # noqa: F401

import ccmkit.api
import ccmkit.cli  # a worker re-runs the `ccmkit` script as its main module: make it free
import ccmkit.jobs.handouts
import ccmkit.jobs.run
import ccmkit.package
import ccmkit.render.docx
import ccmkit.render.pdf
import ccmkit.render.pipeline


def warm() -> None:
    """Load what every State needs: the State data, fonts and CSS."""
    ccmkit.jobs.run.registry_for(None, None)
    ccmkit.render.pdf.warm()


with suppress(Exception):  # best effort; a worker reports real problems itself
    warm()
# everything loaded so far lives as long as the workers: keep it out of the garbage
# collector's scans (and its pages shared between the workers, copy-on-write)
gc.freeze()
