"""Short cover note from the issuer introducing the package."""

from __future__ import annotations

from ccmkit.documents.choices import Choice
from ccmkit.documents.instrument import route_choice
from ccmkit.documents.subject import CommonContext, Subject, common_context
from ccmkit.languages import Locale


class CoverNoteContext(CommonContext):
    """The context of cover_note/<lang>.html.j2 (see ``CommonContext``)."""

    date_line: str  # the note's date, written out in the language ("1 October 2026")
    addressee: str  # to whom it is addressed (the option or profile, else the Minister for
    # Foreign Affairs of the State)
    addressee_is_default: bool  # True when no addressee was chosen (the default above)
    choices: list[Choice]  # internal (English reasons for the ISU): never print in a template


def build(subject: Subject, locale: Locale) -> CoverNoteContext:
    """Context for templates/cover_note/<lang>.html.j2."""
    issuer = Choice("issuer", subject.issuer(locale), "Chosen by the user." if
                    subject.options.issuer else "Default issuer.")
    chosen = subject.options.addressee or subject.profile.addressee
    addressee = Choice("addressee", subject.addressee(locale), "Chosen by the user." if chosen
                       else "Default: the Minister for Foreign Affairs of the State (confirm the "
                            "exact title before sending).")
    return {
        **common_context(subject, locale),
        "date_line": locale.long_date(subject.options.generated),
        "addressee": addressee.value,
        "addressee_is_default": not chosen,
        "choices": [issuer, addressee, route_choice(subject)],
    }
