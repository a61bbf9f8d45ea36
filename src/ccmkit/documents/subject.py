"""What every document is about: the State (with its profile merged) and the user's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from ccmkit import rules
from ccmkit.data.profile import Profile
from ccmkit.data.states import Registry, State
from ccmkit.i18n import gettext_for
from ccmkit.languages import get_language
from ccmkit.render.html import blank
from ccmkit.rules import Choice
from ccmkit.treaty import ADOPTION_DATE, Route, Timeline, route_for, timeline


def _(message: str) -> str:  # marks messages for extraction; translated at render time
    return message


REGIONS = (_("Africa"), _("Americas"), _("Asia"), _("Europe"), _("Oceania"))


@dataclass(frozen=True)
class Options:
    """Choices from the command line; None means "take it from the profile or data"."""

    deposit_date: date | None = None
    instrument: str | None = None
    provisional_application: bool | None = None
    barriers: tuple[str, ...] | None = None
    legislation: str | None = None
    drafting: str | None = None
    generated: date = field(default_factory=date.today)
    template_dir: Path | None = None


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
        return route_for(self.state.status, preferred)  # type: ignore[arg-type]

    @property
    def provisional_application(self) -> bool:
        chosen = self.options.provisional_application
        return self.profile.provisional_application if chosen is None else chosen

    @property
    def deposit_date(self) -> date | None:
        return self.options.deposit_date or self.profile.planned_deposit_date

    @property
    def barrier_choices(self) -> list[Choice]:
        """The barriers the package addresses, given (option, profile) or inferred."""
        if self.options.barriers:
            return rules.barriers(self.state, self.registry, self.options.barriers, "options")
        return rules.barriers(self.state, self.registry, self.profile.barriers, "profile")

    @property
    def barriers(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.barrier_choices)

    def fact_value(self, name: str) -> str:
        """The canonical value of a fact about the State (``yes``, ``no``, ``unknown``…)."""
        return self.state.value(name)

    def legislation_choice(self) -> Choice:
        return rules.legislation_variant(self.state, self.options.legislation)

    def drafting_choice(self) -> Choice:
        return rules.drafting_style(self.state, self.options.drafting)

    def choices(self) -> list[Choice]:
        """Every choice made for the package, with its reason (for the internal brief)."""
        return [*self.barrier_choices, self.legislation_choice(), self.drafting_choice(),
                rules.treaty_part(self.state, "stockpiles"),
                rules.treaty_part(self.state, "contamination")]

    @property
    def generated_at(self) -> datetime:
        return datetime.combine(self.options.generated, time(12), tzinfo=UTC)

    def may_have(self, fact: str) -> bool:
        """True unless the State is known NOT to have stockpiles/contamination."""
        return self.fact_value(fact) != "no"

    def timeline(self) -> Timeline | None:
        """Deadlines from the deposit date, if one is known."""
        if self.deposit_date is None:
            return None
        return timeline(
            self.deposit_date,
            stockpiles=self.may_have("stockpiles"),
            contamination=self.may_have("contamination"),
        )


def format_as_of(registry: Registry, lang: str) -> str:
    """The status table's as-of date in `lang` ("September 2025" or "1 October 2026")."""
    language = get_language(lang)
    day = registry.status.as_of_date()
    return language.month_year(day) if registry.status.month_only else language.long_date(day)


def common_context(subject: Subject, lang: str) -> dict[str, Any]:
    """Values every template may use."""
    _ = gettext_for(lang)
    language = get_language(lang)
    state = subject.state
    signatory = subject.profile.signatory
    status_as_of = format_as_of(subject.registry, lang)
    if subject.registry.status.month_only:
        status_line = _("Convention status as of {month}").format(month=status_as_of)
    else:
        status_line = _("Convention status as of {date}").format(date=status_as_of)
    titles = {
        "minister_for_foreign_affairs": _("Minister for Foreign Affairs"),
        "head_of_state": _("Head of State"),
        "head_of_government": _("Head of Government"),
    }
    return {
        "lang": lang,
        "lang_tag": language.babel_locale.replace("_", "-"),
        "S": state.names[lang],
        "state": state,
        "route": subject.route,
        "status": state.status,
        "convention": _("Convention on Cluster Munitions"),
        "adoption_date": ADOPTION_DATE,
        "generated": subject.options.generated,
        "status_as_of": status_as_of,
        "meta_line": _("Model text prepared with ccmkit on {date}").format(
            date=language.long_date(subject.options.generated))
        + " – " + status_line,
        "signatory_title": titles[signatory.title],
        "signatory_name": signatory.name or blank(_("name")),
        "place": signatory.place or blank(_("place")),
        "today_blank": blank(_("date")),
        "profile_notes": subject.profile.notes,
    }
