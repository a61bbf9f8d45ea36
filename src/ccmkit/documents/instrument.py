"""Model instrument of ratification, acceptance, approval or accession (Arts. 16, 18, 19)."""

from __future__ import annotations

from typing import Any

from ccmkit.documents.subject import Subject, common_context


def build(subject: Subject, lang: str) -> dict[str, Any]:
    """Context for templates/instrument/<lang>.html.j2."""
    membership = subject.state.membership
    return {
        **common_context(subject, lang),
        "signature_date": membership.signature_date if subject.route != "accession" else None,
        "provisional_application": subject.provisional_application,
        "withdrawn": subject.state.status == "withdrawn",
    }
