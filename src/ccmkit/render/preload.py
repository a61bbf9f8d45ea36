"""Imported once by the batch's forkserver, so every worker forks with the renderers loaded.

Only imports and pure-Python set-up happen here: no threads are started (fork-safe).
"""

from __future__ import annotations

import weasyprint
import weasyprint.text.fonts  # noqa: F401

import ccmkit.api
import ccmkit.batch
import ccmkit.package
import ccmkit.render.docx
import ccmkit.render.pdf
import ccmkit.render.pipeline  # noqa: F401
