"""The options of each document kind: one pydantic model per kind.

Each field carries an :class:`Opt` (its help, its label, the vocabulary it takes, the State
setting it overrides and the front ends that offer it). The CLI options (``ccmkit package``
and ``ccmkit batch``), the web form fields and the batch CSV columns are made from these
fields, so a new option is one field here plus the templates that use it.

:class:`Options` is every kind's options together: what a package's documents are built with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ccmkit import labels
from ccmkit.data.text import Text
from ccmkit.i18n import N_
from ccmkit.treaty import ADOPTION_DATE
from ccmkit.vocab import (
    BARRIERS,
    DRAFTING_STYLES,
    LEGISLATION_VARIANTS,
    QA_LENGTHS,
    SIGNATORY_ROUTES,
    Barrier,
    Drafting,
    Legislation,
    QaLength,
    SignatoryRoute,
)

Front = Literal["cli", "web", "settings", "csv"]



@dataclass(frozen=True)
class Opt:
    """How an option appears in the front ends.

    ``setting`` is the key of the State's settings (profile) the option overrides: the web
    shows it in the State's settings too, and a batch CSV column of it is a setting for that
    row. ``auto`` is the web label of "not chosen"; ``preset`` the value it stands for (left
    out of the listed choices).
    """

    help: str
    label: str = ""
    fronts: tuple[Front, ...] = ("cli", "web", "csv")
    flag: str = ""
    choices: tuple[str, ...] = ()
    words: Mapping[str, str] | None = None  # the labels of the choices (ccmkit.labels)
    setting: str = ""
    auto: str = ""
    preset: str = ""
    statuses: tuple[str, ...] = ()  # the Convention statuses it applies to (default: all)

    def applies_to(self, status: str) -> bool:
        return not self.statuses or status in self.statuses


def issued(day: date) -> date:
    """A generation date the documents can carry (adoption to 10 years ahead; a Word file
    cannot hold a date after 2107)."""
    today = date.today()
    if not ADOPTION_DATE <= day <= today.replace(year=today.year + 10, day=min(today.day, 28)):
        raise ValueError(f"{day} is before the Convention was adopted (30 May 2008) or more "
                         "than 10 years ahead; give the date the documents are issued")
    return day


class OptionModel(BaseModel):
    """Options are frozen and refuse unknown names."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CommonOptions(OptionModel):
    """Options of every document."""

    issuer: Annotated[Text | None, Opt(
        "Who sends the package (author and header) [default: the Implementation Support "
        "Unit, in each language].",
        N_("Issuer, as it will be printed (optional; default: the Implementation Support "
           "Unit)"))] = None
    generated: Annotated[date, AfterValidator(issued), Opt(
        "Generation date printed in the documents (default: today).", fronts=("cli",),
        flag="--date")] = Field(default_factory=date.today)
    template_dir: Annotated[Path | None, Opt(
        "Folder with your own base.docx, style.css or <doc>/<lang>.html.j2.",
        fronts=("cli",))] = None


class InstrumentOptions(OptionModel):
    """Options of the model instrument (and the route every document names)."""

    instrument: Annotated[SignatoryRoute | None, Opt(
        "For a signatory: the form of consent (default ratification).",
        N_("Form of consent to be bound (for a signatory)"), ("cli", "web", "settings", "csv"),
        choices=SIGNATORY_ROUTES, words=labels.ROUTE, setting="instrument",
        auto=N_("Ratification"), preset="ratification", statuses=("signatory",))] = None
    provisional_application: Annotated[bool | None, Opt(
        "Include the Article 18 declaration in the instrument.",
        N_("Include the Article 18 declaration (provisional application)"),
        ("cli", "web", "settings", "csv"), setting="provisional_application")] = None


class CoverNoteOptions(OptionModel):
    """Options of the cover note."""

    addressee: Annotated[Text | None, Opt(
        "Addressee of the cover note, as it will be printed [default: the Minister for "
        "Foreign Affairs of the State, in each language].",
        N_("Addressee of the cover note, as it will be printed (optional; default: the "
           "Minister for Foreign Affairs of the State)"), ("cli", "web", "settings", "csv"),
        setting="addressee")] = None


class StepsOptions(OptionModel):
    """Options of the steps note (its calendar dates)."""

    deposit_date: Annotated[date | None, Opt(
        "Planned date of deposit: the notes then give calendar dates.",
        N_("Planned date of deposit"), ("cli", "web", "settings", "csv"),
        setting="planned_deposit_date")] = None
    historical: Annotated[bool, Opt(
        "Accept a past deposit date (a worked example of a past deposit).",
        fronts=("cli",))] = False


class QAOptions(OptionModel):
    """Options of the questions and answers."""

    qa: Annotated[QaLength | None, Opt(
        "Q&A: basic (6-10 questions for the State, the default) or full.",
        N_("Questions and answers"), choices=QA_LENGTHS, words=labels.QA_LENGTH,
        auto=N_("Basic (6 to 8 questions chosen for the State)"), preset="basic")] = None
    barriers: Annotated[tuple[Barrier, ...] | None, Opt(
        "Barrier(s) the Q&A answers first (overrides the profile).",
        N_("Barriers the Q&A answers first (none ticked: from the facts)"), flag="--barrier",
        choices=BARRIERS, words=labels.BARRIER, setting="barriers")] = None
    group: Annotated[str | None, Opt(
        "The workshop's grouping (ASEAN, AU…): the Q&A's regional frame.", fronts=())] = None


class LegislationOptions(OptionModel):
    """Options of the model legislation."""

    legislation: Annotated[Legislation | None, Opt(
        "Model law: minimal (minimum credible implementation, the default) or full.",
        N_("Model law"), choices=LEGISLATION_VARIANTS, words=labels.LEGISLATION,
        auto=N_("Chosen from the State's facts"))] = None
    drafting: Annotated[Drafting | None, Opt(
        "Drafting style of the model law (default from legal tradition).",
        N_("Drafting style of the model law"), choices=DRAFTING_STYLES, words=labels.DRAFTING,
        auto=N_("Chosen from the State's facts"))] = None


class Options(CommonOptions, LegislationOptions, QAOptions, StepsOptions, CoverNoteOptions,
              InstrumentOptions):
    """Every document kind's options: what a package is built with (None: take it from the
    State's settings or facts)."""


@dataclass(frozen=True)
class OptionField:
    """One option as the front ends see it."""

    name: str
    opt: Opt
    annotation: Any
    metadata: tuple[Any, ...]

    @property
    def multiple(self) -> bool:
        return _base_type(self.annotation) is tuple

    @property
    def kind(self) -> type:
        """date, bool, Path, str or tuple."""
        return _base_type(self.annotation)

    def parse(self, value: Any) -> Any:
        """The value, validated as the model does (ValueError with a one-line reason)."""
        try:
            return _adapter(self.annotation, self.metadata).validate_python(value)
        except ValidationError as exc:
            raise ValueError(_reason(exc.errors()[0])) from None


def _reason(error: Any) -> str:
    """A pydantic error's message, without pydantic's "Value error, " prefix."""
    return str(error["msg"]).removeprefix("Value error, ")


@cache
def _adapter(annotation: Any, metadata: tuple[Any, ...]) -> TypeAdapter[Any]:
    """A validator of one field's type with its rules (e.g. the generation date's range)."""
    typed: Any = annotation
    if metadata:
        typed = Annotated.__class_getitem__((annotation, *metadata))  # type: ignore[attr-defined]
    return TypeAdapter(typed)


def _base_type(annotation: Any) -> type:
    """The type under Optional/Annotated/Literal: date, bool, Path, str or tuple."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    origin = get_origin(annotation)
    if origin is tuple:
        return tuple
    if origin is Literal:
        return str
    if origin is Annotated or (origin is not None and args):
        return _base_type(args[0])
    return annotation if isinstance(annotation, type) else str


@cache
def option_fields(front: Front | None = None, model: type[BaseModel] = Options
                  ) -> tuple[OptionField, ...]:
    """The options of `model` (all kinds by default) that `front` offers, in a stable order."""
    found = []
    for name, info in model.model_fields.items():
        opt = next((m for m in info.metadata if isinstance(m, Opt)), None)
        if opt is None or (front is not None and front not in opt.fronts):
            continue
        rules = tuple(m for m in info.metadata if not isinstance(m, Opt))
        found.append(OptionField(name, opt, info.annotation, rules))
    return tuple(found)


def make_options(values: Mapping[str, Any], base: Options | None = None) -> Options:
    """Options from front-end values (None, "" and () mean "not given"), over `base`;
    ValueError naming the option on a bad value."""
    given = {k: v for k, v in values.items() if v not in (None, "", ())}
    try:
        return Options.model_validate({**(base.model_dump() if base else {}), **given})
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "options"
        raise ValueError(f"{name}: {_reason(error)}") from None
