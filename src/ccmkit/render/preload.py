"""Imported once by the batch's forkserver, so every worker forks with the renderers loaded.

Imports, the shipped State data, the compiled shipped templates and the parsed style sheet
are set up here once; every worker then starts warm. No thread is left running (fork-safe).
Warming is best effort: a worker redoes whatever failed here, and reports it properly.
"""

from __future__ import annotations

from contextlib import suppress

import weasyprint.text.fonts  # noqa: F401

import ccmkit.api
import ccmkit.batch
import ccmkit.package
import ccmkit.render.docx
import ccmkit.render.pdf
import ccmkit.render.pipeline


def warm() -> None:
    """Load what every State needs: the State data, fonts and CSS, compiled templates."""
    from ccmkit.languages import registry
    from ccmkit.render.html import make_environment
    from ccmkit.resources import templates_dir

    ccmkit.batch._registry(None, None)
    ccmkit.render.pdf.warm()
    for lang in registry():
        env = make_environment(lang)
        for path in sorted(templates_dir().glob(f"*/{lang}.html.j2")):
            env.get_template(path.relative_to(templates_dir()).as_posix())


with suppress(Exception):  # best effort; a worker reports real problems itself
    warm()
