"""The forms of the workbench, with their choices taken from the vocabularies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ccmkit.i18n import N_
from ccmkit.languages import registry as language_registry
from ccmkit.vocab import (
    BARRIERS,
    CHANNELS,
    DOC_KINDS,
    DRAFTING_STYLES,
    FORMATS,
    GROUPINGS,
    LEGISLATION_VARIANTS,
    SIGNATORY_ROUTES,
    SIGNATORY_TITLES,
    STAGES,
    STATUS_SELECTORS,
)
from ccmkit.web import labels
from ccmkit.web.i18n import _, current_lang

LANGS = tuple(language_registry())
TARGET_STATUSES = ("outside", *(s for s in STATUS_SELECTORS if s not in ("outside", "state_party")))
MAX_TOP = 1000


class Form(FlaskForm):
    """A form whose own messages ("Not a valid choice", …) follow the interface language."""

    class Meta:
        def get_translations(self, form: object) -> object:
            return wtforms_translations(current_lang())


@cache
def wtforms_translations(lang: str) -> object:
    """WTForms' own catalogs for its validation messages."""
    from wtforms.i18n import get_translations

    return get_translations([lang])


class Checkboxes(SelectMultipleField):
    """Several values as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def translated(mapping: Mapping[str, str], values: Iterable[str],
               group: str | None = None) -> list[SelectChoice]:
    """Choices with their labels in the interface language."""
    return [SelectChoice(v, _(mapping[v]), optgroup=group) for v in values]


class PackageForm(Form):
    """The options of `ccmkit package`."""

    state = StringField(N_("State (name in English, French or Spanish, or ISO code)"),
                        validators=[DataRequired(), Length(max=200)])
    languages = Checkboxes(N_("Languages of the documents (none ticked: the State's own)"))
    documents = Checkboxes(N_("Documents"), default=list(DOC_KINDS))
    formats = Checkboxes(N_("Formats"), default=list(FORMATS))
    deposit_date = DateField(N_("Planned date of deposit"), validators=[Optional()])
    instrument = SelectField(N_("Instrument (for a signatory)"), default="")
    provisional_application = BooleanField(
        N_("Include the Article 18 declaration (provisional application)"))
    signatory_title = SelectField(N_("Title of the signing authority"),
                                  default=SIGNATORY_TITLES[0])
    title_text = StringField(N_("Exact title, as it will be printed (optional)"),
                             validators=[Optional(), Length(max=200)])
    addressee = StringField(N_("Addressee of the cover note, as it will be printed (optional; "
                               "default: the Minister for Foreign Affairs of the State)"),
                            validators=[Optional(), Length(max=200)])
    barriers = Checkboxes(N_("Barriers the Q&A answers first (none ticked: from the facts)"))
    legislation = SelectField(N_("Model law"), default="")
    drafting = SelectField(N_("Drafting style of the model law"), default="")
    brief = BooleanField(N_("Also prepare the internal brief on this State (INTERNAL: for the "
                            "ISU and the coordinators, kept apart from the package)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        auto = [SelectChoice("", _("Chosen from the State's facts"))]
        self.languages.choices = translated(labels.LANGUAGE, LANGS)
        self.documents.choices = translated(labels.DOC_KIND, DOC_KINDS)
        self.formats.choices = translated(labels.FORMAT, FORMATS)
        by_status = _("Ratification, or accession for a State that has not signed")
        self.instrument.choices = [SelectChoice("", by_status),
                                   *translated(labels.ROUTE, SIGNATORY_ROUTES)]
        self.signatory_title.choices = translated(labels.SIGNATORY_TITLE, SIGNATORY_TITLES)
        self.barriers.choices = translated(labels.BARRIER, BARRIERS)
        self.legislation.choices = [*auto, *translated(labels.LEGISLATION, LEGISLATION_VARIANTS)]
        self.drafting.choices = [*auto, *translated(labels.DRAFTING, DRAFTING_STYLES)]


class WorkshopForm(Form):
    """Every package for a grouping or a region."""

    selection = SelectField(N_("Grouping or region"), validators=[DataRequired()])
    also = Checkboxes(N_("Add a language for every State (e.g. an English working copy)"))
    documents = Checkboxes(N_("Documents"), default=list(DOC_KINDS))
    formats = Checkboxes(N_("Formats"), default=list(FORMATS))

    def __init__(self, *args: object, grouping_names: Mapping[str, str] | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        names = grouping_names or {}
        groupings, regions = _("Groupings"), _("Regions")
        self.selection.choices = [
            *(SelectChoice(f"group:{g}", names.get(g, g), optgroup=groupings) for g in GROUPINGS),
            *(SelectChoice(f"region:{r}", _(labels.REGION[r]), optgroup=regions)
              for r in labels.REGION),
        ]
        self.also.choices = translated(labels.LANGUAGE, LANGS)
        self.documents.choices = translated(labels.DOC_KIND, DOC_KINDS)
        self.formats.choices = translated(labels.FORMAT, FORMATS)


class LogForm(Form):
    """One record of the follow-up log (the fields of `ccmkit log add`)."""

    state = StringField(N_("State (name in English, French or Spanish, or ISO code)"),
                        validators=[DataRequired(), Length(max=200)])
    date = DateField(N_("Date"), validators=[DataRequired()])
    stage = SelectField(N_("Stage"), validators=[DataRequired()])
    channel = SelectField(N_("Channel"), default="")
    lead = StringField(N_("Lead (e.g. Norway, Costa Rica, Presidency)"),
                       validators=[Optional(), Length(max=4000)])
    with_whom = StringField(N_("With whom"), validators=[Optional(), Length(max=4000)])
    note = TextAreaField(N_("Note"), validators=[Optional(), Length(max=4000)])
    next_step = StringField(N_("Next step"), validators=[Optional(), Length(max=4000)])
    due = DateField(N_("Next step due on"), validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.stage.choices = translated(labels.STAGE, STAGES)
        self.channel.choices = [SelectChoice("", "–"), *translated(labels.CHANNEL, CHANNELS)]


def _grouping_choices(names: Mapping[str, str]) -> list[SelectChoice]:
    return [SelectChoice("", _("All")), *(SelectChoice(g, names.get(g, g)) for g in GROUPINGS)]


class TargetsFilter(Form):
    """Which States the engagement list ranks, and how many it shows (the page's GET form)."""

    top = IntegerField(N_("How many States"), default=15,
                       validators=[Optional(), NumberRange(1, MAX_TOP)])
    status = SelectField(N_("Status"), default="outside")
    group = SelectField(N_("Grouping"), default="")
    region = SelectField(N_("Region"), default="")

    def __init__(self, *args: object, grouping_names: Mapping[str, str] | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = translated(labels.STATUS, TARGET_STATUSES)
        self.group.choices = _grouping_choices(grouping_names or {})
        self.region.choices = [SelectChoice("", _("All")),
                               *translated(labels.REGION, labels.REGION)]


class TargetsDocumentForm(TargetsFilter):
    """The one-page engagement list as a document, in a chosen language."""

    lang = SelectField(N_("Language of the document"), validators=[DataRequired()])
    formats = Checkboxes(N_("Formats"), default=list(FORMATS))

    def __init__(self, *args: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang.choices = translated(labels.LANGUAGE, LANGS)
        self.formats.choices = translated(labels.FORMAT, FORMATS)


class BarrierMapForm(Form):
    """The one-page barrier map (and the messaging lines) as documents."""

    group = SelectField(N_("Grouping"), default="")
    lang = SelectField(N_("Language of the documents"), validators=[DataRequired()])
    formats = Checkboxes(N_("Formats"), default=list(FORMATS))
    messaging = BooleanField(N_("Also the messaging lines and the framing note"), default=True)

    def __init__(self, *args: object, grouping_names: Mapping[str, str] | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.group.choices = _grouping_choices(grouping_names or {})
        self.lang.choices = translated(labels.LANGUAGE, LANGS)
        self.formats.choices = translated(labels.FORMAT, FORMATS)
