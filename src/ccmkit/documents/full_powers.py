"""Model full powers (UN Treaty Handbook, annex 3), for a signing authority other than the
Head of State, the Head of Government or the Minister for Foreign Affairs."""

from __future__ import annotations

from typing import Any

from ccmkit.documents.instrument import route_choice
from ccmkit.documents.subject import Subject, common_context
from ccmkit.languages import Locale


def build(subject: Subject, locale: Locale) -> dict[str, Any]:
    """Context for templates/full_powers/<lang>.html.j2."""
    return {**common_context(subject, locale), "choices": [route_choice(subject)]}
