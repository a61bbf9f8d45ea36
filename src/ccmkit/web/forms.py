"""The forms of the workbench, with their choices taken from the vocabularies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ccmkit.i18n import N_
from ccmkit.languages import registry as language_registry
from ccmkit.vocab import (
    BARRIERS,
    DOC_KINDS,
    DRAFTING_STYLES,
    FORMATS,
    GROUPINGS,
    LEGISLATION_VARIANTS,
    SIGNATORY_ROUTES,
    SIGNATORY_TITLES,
)
from ccmkit.web import labels
from ccmkit.web.i18n import _

LANGS = tuple(language_registry())


class Checkboxes(SelectMultipleField):
    """Several values as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def translated(mapping: Mapping[str, str], values: Iterable[str],
               group: str | None = None) -> list[SelectChoice]:
    """Choices with their labels in the interface language."""
    return [SelectChoice(v, _(mapping[v]), optgroup=group) for v in values]


class PackageForm(FlaskForm):
    """The options of `ccmkit package`."""

    state = StringField(N_("State (name in English, French or Spanish, or ISO code)"),
                        validators=[DataRequired(), Length(max=200)])
    languages = Checkboxes(N_("Languages of the documents (none ticked: the State's own)"))
    documents = Checkboxes(N_("Documents"), default=list(DOC_KINDS))
    formats = Checkboxes(N_("Formats"), default=list(FORMATS))
    deposit_date = DateField(N_("Planned date of deposit"), validators=[Optional()])
    instrument = SelectField(N_("Instrument (for a signatory)"))
    provisional_application = BooleanField(
        N_("Include the Article 18 declaration (provisional application)"))
    signatory_title = SelectField(N_("Title of the signing authority"))
    title_text = StringField(N_("Exact title, as it will be printed (optional)"),
                             validators=[Optional(), Length(max=200)])
    barriers = Checkboxes(N_("Barriers the Q&A answers first (none ticked: from the facts)"))
    legislation = SelectField(N_("Model law"))
    drafting = SelectField(N_("Drafting style of the model law"))

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


class WorkshopForm(FlaskForm):
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
