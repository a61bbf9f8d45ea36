"""The messaging lines (short, per barrier, citing the articles they rest on) and the framing
note, for use without naming or isolating any State.

The lines' ids and articles are in ``templates/internal/messaging/lines.yaml`` (once, for every
language); their words in ``<lang>.yaml`` beside it, validated when loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import field_validator

from ccmkit.data.schema import Strict, Text, read_yaml, validate
from ccmkit.data.states import Registry
from ccmkit.errors import DataError
from ccmkit.i18n import N_, gettext_for
from ccmkit.labels import BARRIER as BARRIER_LABELS
from ccmkit.resources import templates_dir
from ccmkit.vocab import BARRIERS
from ccmkit.workbench.render import base_context, render_internal

TITLE = N_("Universalization messaging lines")
_ARTICLE = re.compile(r"^\d{1,2}(\(\d{1,2}\))?$")


class LineRef(Strict):
    id: Text
    articles: list[Text]

    @field_validator("articles")
    @classmethod
    def _articles(cls, value: list[str]) -> list[str]:
        for article in value:
            if not _ARTICLE.match(article) or not 1 <= int(article.split("(")[0]) <= 23:
                raise ValueError(f"{article!r} is not an article of the Convention (1-23)")
        return value


class BarrierText(Strict):
    engagement: Text
    lines: dict[str, Text]


class Section(Strict):
    heading: Text
    paragraphs: list[Text] = []
    points: list[Text] = []


class Framing(Strict):
    title: Text
    sections: list[Section]


class LanguageText(Strict):
    cite: Text
    first_article: Text
    barriers: dict[str, BarrierText]
    framing: Framing


@dataclass(frozen=True)
class Line:
    """One messaging line: its id, its words and the articles it rests on, cited."""

    id: str
    text: str
    articles: tuple[str, ...]
    citation: str


@dataclass(frozen=True)
class BarrierMessages:
    barrier: str
    label: str
    engagement: str
    lines: tuple[Line, ...]
    citation: str  # every article the lines rest on, cited once


def _folder(template_dir: Path | None) -> Path:
    user = template_dir / "internal" / "messaging" if template_dir else None
    return user if user is not None and user.is_dir() else templates_dir() / "internal" / \
        "messaging"


@cache
def _structure(folder: Path) -> dict[str, list[LineRef]]:
    path = folder / "lines.yaml"
    raw = read_yaml(path, trusted=folder.is_relative_to(templates_dir()))
    if not isinstance(raw, dict) or set(raw) != set(BARRIERS):
        raise DataError(f"{path}: expected one entry per barrier: {', '.join(BARRIERS)}")
    return {b: [validate(LineRef, r, str(path), f"{b}, line {i + 1}")
                for i, r in enumerate(raw[b] or [])] for b in BARRIERS}


@cache
def _text(folder: Path, lang: str) -> LanguageText:
    path = folder / f"{lang}.yaml"
    if not path.is_file():
        raise DataError(f"{path}: no messaging lines in {lang!r}; add the file")
    text = validate(LanguageText, read_yaml(path, trusted=folder.is_relative_to(
        templates_dir())), str(path))
    structure = _structure(folder)
    for barrier in BARRIERS:
        if barrier not in text.barriers:
            raise DataError(f"{path}: barrier {barrier!r} missing; add its engagement and lines")
        wanted = [r.id for r in structure[barrier]]
        have = text.barriers[barrier].lines
        lacking = [i for i in wanted if i not in have]
        extra = [i for i in have if i not in wanted]
        if lacking or extra:
            raise DataError(f"{path}: barrier {barrier!r}: "
                            + (f"line {lacking[0]!r} missing" if lacking
                               else f"line {extra[0]!r} is not in lines.yaml"))
    unknown = [b for b in text.barriers if b not in BARRIERS]
    if unknown:
        raise DataError(f"{path}: unknown barrier {unknown[0]!r}; expected {', '.join(BARRIERS)}")
    return text


def messages(lang: str, barriers: tuple[str, ...] = BARRIERS,
             template_dir: Path | None = None) -> list[BarrierMessages]:
    """The engagement message and the lines of each barrier, in `lang`."""
    folder = _folder(template_dir)
    text = _text(folder, lang)
    _ = gettext_for(lang)
    out = []
    for barrier in barriers:
        words = text.barriers[barrier]
        lines = tuple(
            Line(ref.id, words.lines[ref.id], tuple(ref.articles),
                 cite(ref.articles, text))
            for ref in _structure(folder)[barrier])
        every = sorted({a for line in lines for a in line.articles}, key=_article_order)
        out.append(BarrierMessages(barrier, _(BARRIER_LABELS[barrier]), words.engagement,
                                   lines, cite(every, text)))
    return out


def _article_order(article: str) -> tuple[int, int]:
    number, _, rest = article.partition("(")
    return int(number), int(rest.rstrip(")") or 0)


def cite(articles: list[str], text: LanguageText) -> str:
    """``Art. 21(3), 21(4)`` in the language's form (French ``art. 1er``)."""
    shown = [text.first_article + a[1:] if re.match(r"^1(\(|$)", a) else a for a in articles]
    return text.cite.format(articles=", ".join(shown))


def framing(lang: str, template_dir: Path | None = None) -> Framing:
    return _text(_folder(template_dir), lang).framing


def context(registry: Registry, lang: str, generated: date,
            template_dir: Path | None = None) -> dict[str, Any]:
    """The messaging document's context: the framing note, then the lines per barrier."""
    return {**base_context(registry, lang, generated),
            "parties": registry.counts()["state_party"],
            "framing": framing(lang, template_dir),
            "barriers": messages(lang, template_dir=template_dir)}


def render(registry: Registry, lang: str, formats: tuple[str, ...], generated: date,
           template_dir: Path | None = None) -> dict[str, bytes]:
    """The messaging lines and framing note in `lang`: {format: bytes}."""
    _ = gettext_for(lang)
    return render_internal("messaging", lang, context(registry, lang, generated, template_dir),
                           formats, title=_(TITLE), scope=_("all States not yet party"),
                           generated=generated, template_dir=template_dir)
