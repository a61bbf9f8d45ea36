"""Typed text: the one rule for text entering ccmkit (profiles, data files, forms, the command
line, imports) and the characters no output can carry. Light: the command line imports it."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

MAX_TEXT = 2000  # longest text accepted in a data field (a quote, a note, a name)


# Characters no output can carry (not allowed in XML 1.0, so in no DOCX, PDF or XLSX):
# C0 controls other than TAB, LF and CR, surrogates and noncharacters.
UNCARRIABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)
# Bidirectional embeddings, overrides and isolates: they make a name read other than it is.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# what a typed value may not hold: the above, and CR (line ends are LF once read)
_REFUSED = re.compile(f"{UNCARRIABLE.pattern}|{BIDI_CONTROLS.pattern}|\r")


def refused_character(value: str) -> str | None:
    """Why `value` cannot be accepted as typed text (its first control character), or None.

    The one rule for text entering ccmkit: profiles, data files, the log (forms, command line,
    imports). Callers turn the reason into their own one-line message."""
    found = _REFUSED.search(value)
    if found is None:
        return None
    char = found.group()
    kind = ("a bidirectional control" if BIDI_CONTROLS.match(char) else "a control character")
    return f"U+{ord(char):04X} ({kind})"


def scrub(value: str) -> str:
    """`value` with every character no output can carry replaced by U+FFFD (for old data)."""
    return UNCARRIABLE.sub("\ufffd", value)


def _clean_text(value: str) -> str:
    reason = refused_character(value)
    if reason:
        raise ValueError(f"must be text without control characters; it holds {reason}: "
                         "remove it")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT),
    AfterValidator(_clean_text),
]
