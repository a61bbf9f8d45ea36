"""The registry of the package's document kinds: title, context builder, eligibility, options."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ccmkit.documents import cover_note, full_powers, instrument, legislation, qa, steps
from ccmkit.documents.options import (
    CommonOptions,
    CoverNoteOptions,
    InstrumentOptions,
    LegislationOptions,
    OptionModel,
    Options,
    QAOptions,
    StepsOptions,
)
from ccmkit.documents.subject import Subject
from ccmkit.languages import Locale
from ccmkit.vocab import OUTSIDE_STATUSES, Status


def _(message: str) -> str:  # marks titles for extraction; translated at render time
    return message


@dataclass(frozen=True)
class DocumentKind:
    """A document: its name, its title per route (gettext messages), its context builder,
    and whether it carries the issuer's running header and page numbers (a document to be
    signed, such as the instrument, carries none)."""

    kind: str
    titles: Mapping[str, str]
    # its context builder: returns the kind's TypedDict (CommonContext and its own keys, in
    # the kind's module), the --template-dir contract of <kind>/<lang>.html.j2
    build: Callable[[Subject, Locale], Mapping[str, Any]]
    running_header: bool = True
    # The Convention statuses of the States this document is for (checked once, by the front
    # door, for the kinds requested): the package is for States outside the Convention.
    eligible: tuple[Status, ...] = OUTSIDE_STATUSES
    # Its options (a pydantic model, part of ccmkit.documents.options.Options): the CLI, the
    # web form and the batch CSV columns are made from them.
    options: type[OptionModel] = CommonOptions

    def own_options(self, options: Options) -> OptionModel:
        """This kind's options, taken from a package's options (the templates' `options`)."""
        return self.options.model_construct(**options.model_dump(
            include=set(self.options.model_fields)))

    def title(self, route: str) -> str:
        """The untranslated title for `route` (ratification, acceptance, approval, accession)."""
        return self.titles.get(route) or self.titles["*"]


DOCUMENTS: dict[str, DocumentKind] = {
    "cover_note": DocumentKind("cover_note", {"*": _("Cover note")}, cover_note.build,
                               options=CoverNoteOptions),
    "instrument": DocumentKind("instrument", {
        "ratification": _("Model instrument of ratification"),
        "acceptance": _("Model instrument of acceptance"),
        "approval": _("Model instrument of approval"),
        "accession": _("Model instrument of accession"),
    }, instrument.build, running_header=False, options=InstrumentOptions),
    "full_powers": DocumentKind("full_powers", {"*": _("Model full powers")}, full_powers.build,
                                running_header=False),
    "steps": DocumentKind("steps", {
        "ratification": _("Steps towards ratification"),
        "acceptance": _("Steps towards acceptance"),
        "approval": _("Steps towards approval"),
        "accession": _("Steps towards accession"),
    }, steps.build, options=StepsOptions),
    "qa": DocumentKind("qa", {"*": _("Questions and answers")}, qa.build, options=QAOptions),
    "legislation": DocumentKind("legislation", {"*": _("Model legislation")}, legislation.build,
                                options=LegislationOptions),
}

# Internal documents made for one State, with the statuses they are for.
INTERNAL_ELIGIBLE: dict[str, tuple[Status, ...]] = {"brief": OUTSIDE_STATUSES}


def kinds_for(status: str, kinds: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The outgoing kinds (of `kinds`, default all) made for a State of this status."""
    return tuple(k for k in (kinds or tuple(DOCUMENTS)) if status in eligible_statuses(k))


def eligible_statuses(kind: str) -> tuple[Status, ...]:
    """The Convention statuses a document kind (outgoing or internal) is made for."""
    return DOCUMENTS[kind].eligible if kind in DOCUMENTS else INTERNAL_ELIGIBLE[kind]
