"""Model instrument of ratification, acceptance, approval or accession (Arts. 16, 18, 19)."""

from __future__ import annotations

from datetime import date

from ccmkit.documents.choices import Choice
from ccmkit.documents.subject import CommonContext, Subject, common_context, title_chosen
from ccmkit.languages import Locale


def route_choice(subject: Subject) -> Choice:
    """The form of consent to be bound, and why."""
    chosen = subject.options.instrument or subject.profile.instrument
    status = subject.state.status
    if status == "signatory":
        why = (f"Signatory: {subject.route} chosen by the user or profile." if chosen
               else "Signatory: it ratifies (Art. 16(1)).")
    elif status == "withdrawn":
        why = "Withdrew under Art. 20: accession; confirm the form with the UN Treaty Section."
    else:
        why = "Has not signed: accession (Art. 16(2))."
    return Choice("route", subject.route, why)


def signatory_choices(subject: Subject) -> list[Choice]:
    """Who signs: the exact title only when the profile gives it."""
    signatory = subject.profile.signatory
    office = title_chosen(subject)
    if signatory.title_text:
        why = "Exact title from the profile or the State's settings."
    elif office:
        why = f"Office chosen ({office}) without its exact title: a highlighted blank naming it."
    else:
        why = "No exact title in the profile or settings: a highlighted blank."
    return [
        Choice("signatory.title", signatory.title_text or "blank", why),
        Choice("signatory.name", signatory.name or "blank", "From the profile."
               if signatory.name else "Not in the profile: a highlighted blank."),
    ]


class InstrumentContext(CommonContext):
    """The context of instrument/<lang>.html.j2 (see ``CommonContext``)."""

    signature_date: date | None  # when the State signed; None for an accession
    provisional_application: bool  # include the Article 18 declaration
    withdrawn: bool  # the State withdrew (Art. 20): the note on rejoining by accession
    choices: list[Choice]  # internal (English reasons for the ISU): never print in a template


def build(subject: Subject, locale: Locale) -> InstrumentContext:
    """Context for templates/instrument/<lang>.html.j2."""
    membership = subject.state.membership
    return {
        **common_context(subject, locale),
        "signature_date": membership.signature_date if subject.route != "accession" else None,
        "provisional_application": subject.provisional_application,
        "withdrawn": subject.state.status == "withdrawn",
        "choices": [route_choice(subject), *signatory_choices(subject),
                    Choice("instrument.article_18", str(subject.provisional_application).lower(),
                           "Article 18 declaration from the option or profile.")],
    }
