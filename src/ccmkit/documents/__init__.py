"""Documents of the package: each builds its template context from a Subject and language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ccmkit.documents import instrument, legislation, qa, steps
from ccmkit.documents.subject import Subject


@dataclass(frozen=True)
class DocumentKind:
    """A document: its name, its title (a gettext message) and its context builder."""

    kind: str
    title: str
    build: Callable[[Subject, str], dict[str, Any]]


def _(message: str) -> str:  # marks titles for extraction; translated at render time
    return message


DOCUMENTS: dict[str, DocumentKind] = {
    "instrument": DocumentKind("instrument", _("Model instrument"), instrument.build),
    "steps": DocumentKind("steps", _("Ratification steps"), steps.build),
    "qa": DocumentKind("qa", _("Questions and answers"), qa.build),
    "legislation": DocumentKind("legislation", _("Model legislation"), legislation.build),
}
