"""Model full powers (UN Treaty Handbook, annex 3), for a signing authority other than the
Head of State, the Head of Government or the Minister for Foreign Affairs."""

from __future__ import annotations

from ccmkit.documents.choices import Choice
from ccmkit.documents.instrument import route_choice
from ccmkit.documents.subject import CommonContext, Subject, common_context
from ccmkit.languages import Locale


class FullPowersContext(CommonContext):
    """The context of full_powers/<lang>.html.j2 (see ``CommonContext``)."""

    choices: list[Choice]  # internal (English reasons for the ISU): never print in a template


def build(subject: Subject, locale: Locale) -> FullPowersContext:
    """Context for templates/full_powers/<lang>.html.j2."""
    return {**common_context(subject, locale), "choices": [route_choice(subject)]}
