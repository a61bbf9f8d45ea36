"""The forms of the workbench, with their choices taken from the vocabularies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
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

from ccmkit import labels
from ccmkit.documents.options import Front, OptionField, option_fields
from ccmkit.i18n import N_
from ccmkit.labels import CONCERN as CONCERN_LABELS
from ccmkit.labels import ENGAGEMENT as ENGAGEMENT_LABELS
from ccmkit.languages import registry as language_registry
from ccmkit.vocab import (
    CHANNELS,
    CONCERNS,
    DOC_KINDS,
    ENGAGEMENTS,
    FORMATS,
    GROUPINGS,
    SIGNATORY_TITLES,
    STAGES,
    STATUS_SELECTORS,
)
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
    return [SelectChoice(v, _first_upper(_(mapping[v])), optgroup=group) for v in values]


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def one_line(form: object, field: Any) -> None:
    """Refuse a line break in a value printed on one line (a title, an e-mail header)."""
    from wtforms.validators import ValidationError

    if field.data and ("\r" in field.data or "\n" in field.data):
        raise ValidationError(_("Write it on one line."))


def option_field(field: OptionField) -> Any:
    """The form field of a document option (ccmkit.documents.options), by its type."""
    label = field.opt.label
    if field.multiple:
        return Checkboxes(label)
    if field.opt.choices:
        return SelectField(label, default="")
    if field.kind is date:
        return DateField(label, validators=[Optional()])
    if field.kind is bool:
        return BooleanField(label)
    return StringField(label, validators=[Optional(), Length(max=200), one_line])


def option_choices(field: OptionField) -> list[SelectChoice]:
    """A choice option's choices in the interface language: "not chosen" (its `auto`
    label) first, for a single choice, then the vocabulary's values but the preset."""
    words = field.opt.words or {}
    values = [v for v in field.opt.choices if v != field.opt.preset]
    listed = translated(words, values)
    return listed if field.multiple else [SelectChoice("", _(field.opt.auto)), *listed]


class OptionForm(Form):
    """A form with document options as fields: `FRONT`'s options of ccmkit.documents.options
    are added to each subclass (see `with_options`)."""

    FRONT: Front = "web"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.option_specs():
            if field.opt.choices:
                self[field.name].choices = option_choices(field)

    @classmethod
    def option_specs(cls) -> list[OptionField]:
        return [f for f in option_fields(cls.FRONT) if hasattr(cls, f.name)]

    def for_state(self, status: str, kinds: Iterable[str] = DOC_KINDS) -> None:
        """Keep only the options that apply to a State of this status (e.g. the form of
        consent, for a signatory) and, if the form has them, the documents made for it."""
        for field in self.option_specs():
            if field.name in self and not field.opt.applies_to(status):
                del self[field.name]
        if "documents" in self:
            documents = self["documents"]
            documents.choices = [c for c in documents.choices if c.value in kinds]
            if not self.is_submitted():  # the defaults; a submitted value is validated
                documents.data = [k for k in documents.data or () if k in kinds]

    def options(self) -> list[Any]:
        """The option fields present (a field that does not apply may have been removed)."""
        return [self[f.name] for f in self.option_specs() if f.name in self]

    def option_values(self) -> dict[str, Any]:
        """The options as typed values: None when not given (blank, unticked list)."""
        values: dict[str, Any] = {}
        for field in self.option_specs():
            data = self[field.name].data if field.name in self else None
            if isinstance(data, str):
                data = data.strip()
            values[field.name] = data if data not in ("", [], ()) else None
        return values


def with_options(form: type[OptionForm], front: Front,
                 keep: Callable[[OptionField], bool] = lambda f: True) -> type[OptionForm]:
    """`form` with a field for each of `front`'s options that `keep` accepts."""
    for field in option_fields(front):
        if keep(field):
            setattr(form, field.name, option_field(field))
    return form


def option_defaults(saved: Mapping[str, Any]) -> dict[str, Any]:
    """The setting-backed options' form values from a State's saved settings."""
    values: dict[str, Any] = {}
    for field in option_fields("settings"):
        value = saved.get(field.opt.setting)
        if field.kind is date:
            values[field.name] = date.fromisoformat(value) if value else None
        elif field.kind is bool:
            values[field.name] = bool(value)
        elif field.multiple:
            values[field.name] = list(value or ())
        else:
            values[field.name] = value or ""
    return values


def form_defaults(saved: dict[str, Any]) -> dict[str, Any]:
    """The package form's (and the settings form's) values from a State's settings."""
    signatory = saved.get("signatory") or {}
    return {"signatory_title": signatory.get("title", ""),
            "title_text": signatory.get("title_text", ""),
            "languages": list(saved.get("languages") or ()), **option_defaults(saved)}


def signing_profile(form: Any) -> dict[str, Any]:
    """The profile keys of the signing fields (the settings form and the package form)."""
    signatory = {}
    if form.signatory_title.data:
        signatory["title"] = form.signatory_title.data
    if (form.title_text.data or "").strip():
        signatory["title_text"] = form.title_text.data.strip()
    return {"signatory": signatory} if signatory else {}


TITLE_HINT = N_("The instrument prints only an exact title: with an office chosen and no exact "
                "title, it leaves a highlighted blank naming that office, e.g. [exact title of "
                "the Head of State].")


class SigningFields(OptionForm):
    """Who signs the instrument, and the options kept as the State's settings (package form
    and settings form)."""

    FRONT: Front = "settings"
    signatory_title = SelectField(N_("Office of the signing authority"), default="")
    title_text = StringField(N_("Exact title, as it will be printed (e.g. President of the "
                                "Republic)"),
                             validators=[Optional(), Length(max=200), one_line])
    languages = Checkboxes(N_("Languages of the documents (none ticked: the State's own)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.signatory_title.choices = [SelectChoice("", _("Not chosen")),
                                        *translated(labels.SIGNATORY_TITLE, SIGNATORY_TITLES)]
        self.languages.choices = translated(labels.LANGUAGE, LANGS)


with_options(SigningFields, "settings")


class PackageForm(SigningFields):
    """The options of `ccmkit package`, for one State (only the options that apply to it)."""

    FRONT: Front = "web"
    state = StringField(N_("State (name in English, French or Spanish, or ISO code)"),
                        validators=[DataRequired(), Length(max=200)])
    documents = Checkboxes(N_("Documents"), default=list(DOC_KINDS))
    formats = Checkboxes(N_("Formats"), default=list(FORMATS))
    brief = BooleanField(N_("Also prepare the internal brief on this State (INTERNAL: for the "
                            "ISU and the coordinators, kept apart from the package)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.documents.choices = translated(labels.DOC_KIND, DOC_KINDS)
        self.formats.choices = translated(labels.FORMAT, FORMATS)


with_options(PackageForm, "web", lambda f: "settings" not in f.opt.fronts)


class SettingsForm(SigningFields):
    """A State's own settings, kept in the database (ccmkit.log.settings)."""

    concerns = Checkboxes(N_("Concerns (ticked: replace those classified from the sources)"))
    concerns_reason = StringField(N_("Why the concerns are replaced (required to replace them)"),
                                  validators=[Optional(), Length(max=1000), one_line])
    engagement = Checkboxes(N_("Engagement (ticked: replace the one classified from the "
                               "sources)"))
    engagement_reason = StringField(N_("Why the engagement is replaced (required to replace "
                                       "it)"),
                                    validators=[Optional(), Length(max=1000), one_line])
    notes = TextAreaField(N_("Notes"), validators=[Optional(), Length(max=4000)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.concerns.choices = translated(CONCERN_LABELS, CONCERNS)
        self.engagement.choices = translated(ENGAGEMENT_LABELS, ENGAGEMENTS)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for values, reason in ((self.concerns, self.concerns_reason),
                               (self.engagement, self.engagement_reason)):
            if values.data and not (reason.data or "").strip():
                reason.errors = [*reason.errors, _("Say why, for the brief and the history.")]
                ok = False
        return ok


class BriefForm(Form):
    """The internal brief on one State, alone: one language, one format."""

    lang = SelectField(N_("Language of the brief"), validators=[DataRequired()])
    fmt = SelectField(N_("Format"), validators=[DataRequired()], default="pdf")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.lang.choices = translated(labels.LANGUAGE, LANGS)
        self.fmt.choices = translated(labels.FORMAT, FORMATS)


class SentForm(Form):
    """Record in the log that this package was sent (one step, from the results page)."""

    date = DateField(N_("Date"), validators=[DataRequired()])
    stage = SelectField(N_("Stage"), validators=[DataRequired()], default="contacted")
    channel = SelectField(N_("Channel"), default="")
    lead = StringField(N_("Lead (e.g. Norway, Costa Rica, Presidency)"),
                       validators=[Optional(), Length(max=4000)])
    with_whom = StringField(N_("With whom"), validators=[Optional(), Length(max=4000)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.stage.choices = translated(labels.STAGE, STAGES)
        self.channel.choices = [SelectChoice("", "–"), *translated(labels.CHANNEL, CHANNELS)]


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
