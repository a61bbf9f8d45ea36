"""The messaging lines (short, per barrier, citing the articles they rest on) and the framing
note, for use without naming or isolating any State: laid out here, read from the content
room (``ccmkit.content.messaging``: ``templates/internal/messaging/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccmkit.content.messaging import Framing, LanguageText, language_text, line_refs
from ccmkit.data.states import Registry
from ccmkit.i18n import N_, gettext_for
from ccmkit.labels import BARRIER as BARRIER_LABELS
from ccmkit.vocab import BARRIERS
from ccmkit.workbench.render import BaseContext, base_context, render_internal

TITLE = N_("Universalization messaging lines")


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


def messages(lang: str, barriers: tuple[str, ...] = BARRIERS,
             template_dir: Path | None = None) -> list[BarrierMessages]:
    """The engagement message and the lines of each barrier, in `lang`."""
    text = language_text(lang, template_dir)
    structure = line_refs(template_dir)
    _ = gettext_for(lang)
    out = []
    for barrier in barriers:
        words = text.barriers[barrier]
        lines = tuple(
            Line(ref.id, words.lines[ref.id], tuple(ref.articles),
                 cite(ref.articles, text))
            for ref in structure[barrier])
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
    return language_text(lang, template_dir).framing


class MessagingContext(BaseContext):
    """The context of internal/messaging.html.j2 (see ``BaseContext``)."""

    parties: int  # the number of States Parties (as of the status table)
    framing: Framing  # the framing note: its title and sections
    barriers: list[BarrierMessages]  # the lines per barrier (label, engagement, lines,
    # citation)


def context(registry: Registry, lang: str, generated: date,
            template_dir: Path | None = None) -> MessagingContext:
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
