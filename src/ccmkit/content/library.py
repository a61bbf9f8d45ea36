"""Content libraries (Q&A entries, legislative clauses): typed, validated when loaded.

A library is `<name>/<metadata>.yaml` (language-independent: ids, tags, conditions) plus
`<name>/<lang>.yaml` (the texts). A --template-dir may replace either file. Every file is
checked against the schemas below when it is loaded, shipped or not: a missing entry, key or
clause gives one line naming the file, the entry and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    field_validator,
    model_validator,
)

from ccmkit.data.schema import invalid, read_yaml
from ccmkit.errors import CcmkitError
from ccmkit.resources import SearchPath, templates_dir
from ccmkit.vocab import (
    LEGAL_TRADITIONS,
    STATUSES,
    YES_NO,
    Barrier,
    ClauseLevel,
    Concern,
    ConditionKey,
    Drafting,
    LawPart,
    Legislation,
)

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CONDITION_VALUES: dict[str, tuple[str, ...]] = {
    "status": STATUSES,
    "stockpiles": YES_NO,
    "contamination": YES_NO,
    "producer": YES_NO,
    "used": YES_NO,
    "mine_ban_treaty": YES_NO,
    "legal_tradition": LEGAL_TRADITIONS,
}
_REF = re.compile(r"""\bref\(\s*(['"])(.*?)\1\s*\)""")


def _clean(text: str) -> str:
    """A content text: a small Jinja2 template rendered to HTML, so plain characters only."""
    if not text.strip():
        raise ValueError("empty text")
    for char in "<>&":
        if char in text:
            raise ValueError(f"contains {char!r} (texts are templates rendered to HTML)")
    if "\u2019" in text or "\u2018" in text:
        raise ValueError("use straight apostrophes (typography is applied when rendering)")
    if "\u00a0" in text or "\u202f" in text:
        raise ValueError("use ordinary spaces (non-breaking ones are added when rendering)")
    return text


Text = Annotated[str, AfterValidator(_clean)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Article = Annotated[int, Field(ge=1, le=23, strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_conditions(value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
    for key, allowed in (value or {}).items():
        if not allowed:
            raise ValueError(f"condition {key!r} lists no value")
        bad = [v for v in allowed if v not in CONDITION_VALUES[key]]
        if bad:
            raise ValueError(f"condition {key!r}: {bad[0]!r} is not one of "
                             f"{', '.join(CONDITION_VALUES[key])} (quote yes/no in YAML)")
    return value


Conditions = Annotated[dict[ConditionKey, list[str]] | None, AfterValidator(_check_conditions)]


def _ascending(articles: list[int]) -> list[int]:
    if articles != sorted(set(articles)):
        raise ValueError("articles must be ascending, without repeats")
    return articles


Articles = Annotated[list[Article], Field(min_length=1), AfterValidator(_ascending)]


# --------------------------------------------------------------------------- Q&A


def _stated(concerns: list[str]) -> list[str]:
    if "none_stated" in concerns:
        raise ValueError("'none_stated' is not a concern an entry can answer or contradict")
    if len(set(concerns)) != len(concerns):
        raise ValueError("a concern is listed twice")
    return concerns


Concerns = Annotated[list[Concern], AfterValidator(_stated)]


class QaEntry(_Strict):
    """One Q&A entry's metadata (qa/entries.yaml)."""

    id: Id
    barriers: list[Barrier] = Field(min_length=1)
    articles: Articles
    requires: Conditions = None
    brief_when: Conditions = None
    basic: bool = False  # always in the basic Q&A (when relevant to the State)
    concerns: Concerns = Field(default_factory=list)  # stated concerns it answers, main first
    contradicts: Concerns = Field(default_factory=list)  # concerns that rule the entry out

    @model_validator(mode="after")
    def _consistent(self) -> QaEntry:
        both = [c for c in self.concerns if c in self.contradicts]
        if both:
            raise ValueError(f"concern {both[0]!r} is both answered and contradicted")
        return self


class QaText(_Strict):
    """One Q&A entry's text in one language (qa/<lang>.yaml)."""

    question: Text
    answer: Text
    brief: Text | None = None

    @field_validator("answer")
    @classmethod
    def _paragraphs(cls, answer: str) -> str:
        if any("\n" in p or not p.strip() for p in answer.strip().split("\n\n")):
            raise ValueError("paragraphs must be single lines separated by one blank line")
        return answer


class QaEntries(RootModel[list[QaEntry]]):
    @model_validator(mode="after")
    def _unique(self) -> QaEntries:
        _no_repeats([e.id for e in self.root])
        return self


class QaTexts(RootModel[dict[str, QaText]]):
    pass


# --------------------------------------------------------------------------- legislation


class StyleText(_Strict):
    """A text in both drafting styles."""

    common_law: Text = Field(alias="common-law")
    civil_law: Text = Field(alias="civil-law")

    def get(self, style: str) -> str:
        return self.common_law if style == "common-law" else self.civil_law


class ItemsParagraph(_Strict):
    """A paragraph introducing lettered items."""

    text: Text
    items: list[Text] = Field(min_length=1)


Paragraph = Text | ItemsParagraph


class StyleParagraphs(_Strict):
    """A clause's paragraphs in both drafting styles."""

    common_law: list[Paragraph] = Field(alias="common-law", min_length=1)
    civil_law: list[Paragraph] = Field(alias="civil-law", min_length=1)

    def paragraphs(self, style: Drafting) -> list[Paragraph]:
        return self.common_law if style == "common-law" else self.civil_law


class ClauseText(_Strict):
    """One clause in one language: heading, text in each style, drafting note, and an
    optional shorter text (`short`) used in the minimal variant."""

    heading: Text | StyleText
    common_law: list[Paragraph] = Field(alias="common-law", min_length=1)
    civil_law: list[Paragraph] = Field(alias="civil-law", min_length=1)
    short: StyleParagraphs | None = None
    note: Text

    def heading_for(self, style: Drafting) -> str:
        return self.heading if isinstance(self.heading, str) else self.heading.get(style)

    def paragraphs(self, style: Drafting) -> list[Paragraph]:
        return self.common_law if style == "common-law" else self.civil_law

    def strings(self) -> list[str]:
        """Every text of the clause (for reference checks)."""
        out = [self.heading] if isinstance(self.heading, str) else [
            self.heading.common_law, self.heading.civil_law]
        short = [*self.short.common_law, *self.short.civil_law] if self.short else []
        for para in [*self.common_law, *self.civil_law, *short]:
            out.extend([para] if isinstance(para, str) else [para.text, *para.items])
        return [*out, self.note]


class Clause(_Strict):
    """One clause's metadata (legislation/clauses.yaml)."""

    id: Id
    variants: list[Legislation] = Field(min_length=1)
    include_when: Conditions = None
    articles: list[Article] = Field(default_factory=list)
    part: LawPart
    level: ClauseLevel

    @field_validator("articles")
    @classmethod
    def _sorted(cls, articles: list[int]) -> list[int]:
        return _ascending(articles)


class Clauses(RootModel[list[Clause]]):
    @model_validator(mode="after")
    def _order(self) -> Clauses:
        _no_repeats([c.id for c in self.root])
        runs = [c.part for i, c in enumerate(self.root)
                if i == 0 or self.root[i - 1].part != c.part]
        if len(runs) != len(set(runs)):
            raise ValueError(f"the clauses of a part must be contiguous (parts in order: {runs})")
        return self


class LegislationTexts(_Strict):
    """A legislation language file (legislation/<lang>.yaml)."""

    title: StyleText
    enacting_formula: StyleText
    parts: dict[LawPart, StyleText]
    clauses: dict[str, ClauseText]


def _no_repeats(ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"id {item!r} appears twice")
        seen.add(item)


# --------------------------------------------------------------------------- loading

Model = TypeVar("Model", bound=BaseModel)


def library_file(relpath: str, template_dir: Path | None = None) -> Path:
    """The user's copy of a content file if there is one (confined to the user's folder),
    else the shipped one."""
    return SearchPath.for_templates(template_dir).find(relpath) or templates_dir() / relpath


MAX_CONTENT_BYTES = 1_000_000  # a content file (the shipped ones are under 100 kB)


def load_yaml(relpath: str, template_dir: Path | None = None) -> Any:
    """Parse a content file, with a one-line error naming the file and line."""
    path = library_file(relpath, template_dir)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise CcmkitError(f"content file {path} not found") from None
    return _parse(path, mtime)


@lru_cache(maxsize=64)
def _parse(path: Path, mtime: int) -> Any:
    """Parsed once per file version (content files are read for every State of a batch),
    through the one guarded YAML loader: a user's file (``--template-dir``) is bounded in size
    and may not use anchors or aliases."""
    trusted = path.resolve().is_relative_to(templates_dir().resolve())
    return read_yaml(path, trusted=trusted, max_bytes=MAX_CONTENT_BYTES, what="content file")


def validated(model: type[Model], relpath: str, template_dir: Path | None,
              error: type[CcmkitError] = CcmkitError) -> Model:
    """Load a content file and check it against its schema, once per file version (a
    one-line `error` on failure, naming the file, the entry and the key)."""
    path = library_file(relpath, template_dir)
    raw = load_yaml(relpath, template_dir)
    return _checked(model, raw, str(path), path.stat().st_mtime_ns, error)


_CACHE: dict[tuple[type[BaseModel], str, int], BaseModel] = {}


def _checked(model: type[Model], raw: Any, where: str, mtime: int,
             error: type[CcmkitError]) -> Model:
    key = (model, where, mtime)
    if key not in _CACHE:
        try:
            _CACHE[key] = model.model_validate(raw)
        except ValidationError as exc:
            raise invalid(exc, where, model=model, entries=raw, error=error) from None
    return _CACHE[key]  # type: ignore[return-value]


def qa_library(lang: str, template_dir: Path | None = None) -> tuple[list[QaEntry],
                                                                    dict[str, QaText]]:
    """The Q&A entries and their texts in `lang`, checked against each other."""
    entries = validated(QaEntries, "qa/entries.yaml", template_dir).root
    relpath = f"qa/{lang}.yaml"
    texts = validated(QaTexts, relpath, template_dir).root
    where = library_file(relpath, template_dir)
    for entry in entries:
        text = texts.get(entry.id)
        if text is None:
            raise CcmkitError(f"{where}: entry {entry.id!r} missing (listed in entries.yaml)")
        if (text.brief is None) != (entry.brief_when is None):
            need = "needs" if entry.brief_when else "must not have"
            raise CcmkitError(f"the entry {need} a one-sentence brief (see brief_when in "
                              "entries.yaml)", path=str(where), entry=f"entry {entry.id!r}",
                              key="brief")
    for extra in sorted(set(texts) - {e.id for e in entries}):
        raise CcmkitError(f"{where}: entry {extra!r} is not in entries.yaml")
    return entries, texts


def clause_library(lang: str, template_dir: Path | None = None) -> tuple[list[Clause],
                                                                        LegislationTexts]:
    """The clauses and their texts in `lang`, checked against each other."""
    clauses = validated(Clauses, "legislation/clauses.yaml", template_dir).root
    relpath = f"legislation/{lang}.yaml"
    texts = validated(LegislationTexts, relpath, template_dir)
    where = library_file(relpath, template_dir)
    ids = {c.id for c in clauses}
    for clause in clauses:
        if clause.id not in texts.clauses:
            raise CcmkitError(f"{where}: clause {clause.id!r} missing (listed in clauses.yaml)")
        if clause.part not in texts.parts:
            raise CcmkitError(f"{where}: key 'parts.{clause.part}' missing")
        for string in texts.clauses[clause.id].strings():
            for _, target in _REF.findall(string):
                if target not in ids:
                    raise CcmkitError(f"{where}: clause {clause.id!r}: ref({target!r}) names "
                                      "no clause of clauses.yaml")
    for extra in sorted(set(texts.clauses) - ids):
        raise CcmkitError(f"{where}: clause {extra!r} is not in clauses.yaml")
    return clauses, texts


def matches(conditions: Mapping[ConditionKey, list[str]] | None, facts: Mapping[str, str]) -> bool:
    """True when every condition lists the State's value (an empty condition set matches)."""
    return all(facts.get(key) in allowed for key, allowed in (conditions or {}).items())

