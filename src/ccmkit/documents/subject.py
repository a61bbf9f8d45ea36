"""What every document is about: the State (with its profile merged) and the user's options.

Every access to the State's facts goes through the small methods of `Subject` (`fact_value`,
`may_have`, `conditions`), so a change in the facts model is made here only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypedDict

from markupsafe import Markup

from ccmkit import rules
from ccmkit.data.profile import Profile
from ccmkit.data.regional import RegionalFraming, regional_framing
from ccmkit.data.schema import NameForms
from ccmkit.data.states import Registry, State
from ccmkit.documents.options import Options
from ccmkit.i18n import N_
from ccmkit.languages import Locale
from ccmkit.output import generation_time
from ccmkit.render.html import blank
from ccmkit.rules import Choice
from ccmkit.treaty import ADOPTION_DATE, Route, Timeline, route_for, timeline
from ccmkit.vocab import CONDITION_KEYS, Status


def _(message: str) -> str:  # marks messages for extraction; translated at render time
    return message


DEFAULT_ISSUER = N_("Implementation Support Unit of the Convention on Cluster Munitions")
# The cover note's default addressee: "%(of)s" is the State's "of" form (names.<lang>.of).
DEFAULT_ADDRESSEE = N_("The Minister for Foreign Affairs %(of)s")
# The blank left for the signing authority's exact title, naming the office chosen (a category
# is never printed as if it were the title: the instrument carries the office's exact title).
TITLE_BLANKS = {
    "minister_for_foreign_affairs": N_("exact title of the Minister for Foreign Affairs"),
    "head_of_state": N_("exact title of the Head of State"),
    "head_of_government": N_("exact title of the Head of Government"),
}
# The facts content conditions may test (besides the Convention status).
CONDITION_FACTS = tuple(key for key in CONDITION_KEYS if key != "status")


@dataclass(frozen=True)
class Subject:
    """A State, its profile and the options: everything a document is built from."""

    state: State
    registry: Registry
    profile: Profile = field(default_factory=Profile)
    options: Options = field(default_factory=Options)

    @property
    def route(self) -> Route:
        preferred = self.options.instrument or self.profile.instrument
        return route_for(self.state.status, preferred)

    @property
    def provisional_application(self) -> bool:
        chosen = self.options.provisional_application
        return self.profile.provisional_application if chosen is None else chosen

    @property
    def deposit_date(self) -> date | None:
        return self.options.deposit_date or self.profile.planned_deposit_date

    @property
    def barrier_choices(self) -> list[Choice]:
        """The barriers the package addresses: given (options, profile) or inferred from the
        facts (rules in ccmkit.rules)."""
        if self.options.barriers:
            return rules.barriers(self.state, self.registry, self.options.barriers, "options")
        return rules.barriers(self.state, self.registry, self.profile.barriers, "profile")

    @property
    def barriers(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.barrier_choices)

    @property
    def concerns(self) -> tuple[str, ...]:
        """The State's stated concerns (sourced, or as a reviewer's override records them)."""
        return rules.concerns(self.state)

    def legislation_choice(self) -> Choice:
        """Minimum credible implementation or the full model law, with the reason."""
        return rules.legislation_variant(self.state, self.options.legislation)

    def drafting_choice(self) -> Choice:
        """Common-law or civil-law drafting, with the reason."""
        return rules.drafting_style(self.state, self.options.drafting)

    def choices(self) -> list[Choice]:
        """Every fact-driven choice made for the package, with its reason (internal)."""
        return [*self.barrier_choices, self.legislation_choice(), self.drafting_choice(),
                rules.treaty_part(self.state, "stockpiles"),
                rules.treaty_part(self.state, "contamination")]

    @property
    def generated_at(self) -> datetime:
        return generation_time(self.options.generated)

    def fact_value(self, name: str) -> str:
        """The value of one of the State's facts ("yes", "no", "unknown", "civil_law", ...)."""
        return self.state.value(name)

    def known(self, name: str, value: str) -> bool:
        """True when the State's fact is established to be `value`."""
        return self.fact_value(name) == value

    def may_have(self, fact: str) -> bool:
        """True unless the State is known NOT to have stockpiles/contamination."""
        return not self.known(fact, "no")

    def conditions(self) -> dict[str, str]:
        """The State attributes content conditions may test (status and facts)."""
        return {"status": self.state.status,
                **{name: self.fact_value(name) for name in CONDITION_FACTS}}

    @property
    def workshop_group(self) -> str | None:
        """The workshop's grouping, when the State is one of its members."""
        group = self.options.group
        if group and self.state.iso3 in self.registry.members(group):
            return self.registry.grouping(group).key
        return None

    def regional_framing(self, lang: str) -> RegionalFraming:
        """Counts for the workshop's grouping (else the State's M49 region), with as-of."""
        return regional_framing(self.registry, self.state, self.workshop_group, lang)

    def issuer(self, locale: Locale) -> str:
        """Who sends the package (author metadata, running header, cover note)."""
        return self.options.issuer or locale.gettext(DEFAULT_ISSUER)

    def addressee(self, locale: Locale) -> str:
        """To whom the cover note is addressed: the option, the profile, else the Minister for
        Foreign Affairs of the State in `lang`'s usual form."""
        chosen = self.options.addressee or self.profile.addressee
        if chosen:
            return chosen
        return locale.gettext(DEFAULT_ADDRESSEE) % {"of": self.state.names[locale.lang].of}

    def timeline(self) -> Timeline | None:
        """Deadlines from the deposit date, if one is known."""
        if self.deposit_date is None:
            return None
        return timeline(
            self.deposit_date,
            stockpiles=self.may_have("stockpiles"),
            contamination=self.may_have("contamination"),
        )


def format_as_of(registry: Registry, locale: Locale) -> str:
    """The status table's as-of date in `locale` ("September 2025" or "1 October 2026")."""
    day = registry.status.as_of_date()
    return locale.month_year(day) if registry.status.month_only else locale.long_date(day)


def title_chosen(subject: Subject) -> str | None:
    """The signing authority's office when the profile or settings chose one (else None)."""
    signatory = subject.profile.signatory
    return signatory.title if "title" in signatory.model_fields_set else None


def title_blank(subject: Subject, _: Any) -> str:
    """The label of the blank for the exact title: the office chosen, else a generic one."""
    chosen = title_chosen(subject)
    return _(TITLE_BLANKS[chosen]) if chosen else _("title of the signing authority")


class CommonContext(TypedDict):
    """The values every outgoing document's template may use (``common_context``): part of
    the ``--template-dir`` contract of ``<doc>/<lang>.html.j2``, which each document's context
    (``CoverNoteContext``, ``InstrumentContext``, ...) extends. Nothing internal: no facts'
    sources, no options. Besides these, the pipeline adds ``doc_title`` and ``generated_at``
    (``ccmkit.render.pipeline.PipelineContext``) and the package the kind's ``options``
    (``ccmkit.package.PackageContext``)."""

    lang: str  # the document's language code ("en", "fr", "es")
    lang_tag: str  # its BCP 47 tag, for <html lang="...">
    S: NameForms  # the State's name in the document's language: S.short, S.with_article,
    # S.of, S.to, S.formal, S.formal_of (use the grammar filters to combine it with words)
    state: State  # the State record (state.iso3, state.membership, ...)
    route: Route  # ratification, acceptance, approval or accession
    status: Status  # the State's Convention status: signatory, not_signed, withdrawn, ...
    convention: str  # "Convention on Cluster Munitions", in the document's language
    adoption_date: date  # the Convention's adoption (Dublin, 30 May 2008): |longdate
    generated: date  # the package's date (the --generated option, else today)
    status_as_of: str  # the status table's as-of date, formatted in the language
    issuer: str  # who sends the package (the --issuer option, else the ISU)
    signatory_title: str | Markup  # the signing authority's exact title, else a blank
    signatory_name: str | Markup  # the signing authority's name, else a blank
    place: str | Markup  # where the instrument is signed, else a blank
    today_blank: Markup  # a highlighted blank for the date of signature


def common_context(subject: Subject, locale: Locale) -> CommonContext:
    """Values every template may use (nothing internal: no facts' sources, no options)."""
    _ = locale.gettext
    lang = locale.lang
    state = subject.state
    signatory = subject.profile.signatory
    return {
        "lang": lang,
        "lang_tag": locale.tag,
        "S": state.names[lang],
        "state": state,
        "route": subject.route,
        "status": state.status,
        "convention": _("Convention on Cluster Munitions"),
        "adoption_date": ADOPTION_DATE,
        "generated": subject.options.generated,
        "status_as_of": format_as_of(subject.registry, locale),
        "issuer": subject.issuer(locale),
        "signatory_title": signatory.title_text or blank(title_blank(subject, _)),
        "signatory_name": signatory.name or blank(_("name")),
        "place": signatory.place or blank(_("place")),
        "today_blank": blank(_("date")),
    }
