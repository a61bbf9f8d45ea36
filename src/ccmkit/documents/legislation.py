"""Placeholder."""

from __future__ import annotations

from typing import Any

from ccmkit.documents.subject import Subject, common_context


def build(subject: Subject, lang: str) -> dict[str, Any]:
    return common_context(subject, lang)
