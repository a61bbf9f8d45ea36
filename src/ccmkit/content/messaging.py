"""The messaging lines' content: short lines per barrier, each citing the articles it rests
on, and the framing note (schemas and loading; the workbench lays them out).

The lines' ids and articles are in ``internal/messaging/lines.yaml`` (once, for every
language); their words in ``internal/messaging/<lang>.yaml``. A --template-dir may replace
either file; both are read through the content libraries' loader (the one guarded YAML
loader, a user's file bounded and without anchors or aliases) and checked against each other.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import field_validator

from ccmkit.content.library import library_file, load_yaml, validated
from ccmkit.data.schema import Strict, validate
from ccmkit.data.text import Text
from ccmkit.errors import DataError
from ccmkit.vocab import BARRIERS

FOLDER = "internal/messaging"
_ARTICLE = re.compile(r"^\d{1,2}(\(\d{1,2}\))?$")


class LineRef(Strict):
    """A line's id and the articles of the Convention it rests on."""

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
    """The words of one language: the citation pattern, each barrier's lines, the framing."""

    cite: Text
    first_article: Text
    barriers: dict[str, BarrierText]
    framing: Framing


def line_refs(template_dir: Path | None = None) -> dict[str, list[LineRef]]:
    """Each barrier's lines (ids and articles), in order."""
    relpath = f"{FOLDER}/lines.yaml"
    path = library_file(relpath, template_dir)
    raw = load_yaml(relpath, template_dir)
    if not isinstance(raw, dict) or set(raw) != set(BARRIERS):
        raise DataError(f"{path}: expected one entry per barrier: {', '.join(BARRIERS)}")
    return {b: [validate(LineRef, r, str(path), f"{b}, line {i + 1}")
                for i, r in enumerate(raw[b] or [])] for b in BARRIERS}


def language_text(lang: str, template_dir: Path | None = None) -> LanguageText:
    """The words in `lang`, checked against the lines of ``lines.yaml``."""
    relpath = f"{FOLDER}/{lang}.yaml"
    path = library_file(relpath, template_dir)
    if not path.is_file():
        raise DataError(f"{path}: no messaging lines in {lang!r}; add the file")
    text = validated(LanguageText, relpath, template_dir, DataError)
    structure = line_refs(template_dir)
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
