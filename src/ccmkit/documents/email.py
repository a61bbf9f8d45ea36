"""The package as an e-mail draft (.eml): the cover note as the body, the documents attached.

The draft is marked unsent (``X-Unsent: 1``), so Outlook and Thunderbird open it as a message to
edit and send; ccmkit never sends mail. The body is the cover note in the package language: a
plain-text part made from the cover note's HTML (the HTML its PDF is made from, drafting notes
left out) and that HTML as the alternative. The addressee's name (from the State's settings, or
the default) is the ``To`` header's display name, as an empty group for the user to add the
address to. A value with a line break never reaches a header.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from email.headerregistry import Group
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ccmkit.errors import CcmkitError

BLOCKS = ("h1", "h2", "h3", "p", "li")


@dataclass(frozen=True)
class Letter:
    """The e-mail's words: subject line, addressee's name, plain text and HTML bodies."""

    subject: str
    to: str
    text: str
    html: str
    lang: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def one_line(value: str, what: str) -> str:
    """A header value: refused when it holds a line break (header injection)."""
    if "\r" in value or "\n" in value:
        raise CcmkitError(f"{what}: a line break is not allowed in an e-mail header; "
                          "write it on one line")
    return value.strip()


def _body(markup: bytes | str) -> etree._Element:
    """The document's <body>, without its drafting notes (never sent) and styles."""
    root = lxml_html.document_fromstring(markup)
    for node in root.xpath("//aside | //style | //head"):
        node.getparent().remove(node)
    body = root.find("body")
    if body is None:
        raise CcmkitError("the cover note has no body; check templates/cover_note")
    return body


def _text_of(node: etree._Element) -> str:
    """A block's text, with <br> as a line break and spaces collapsed."""
    node = copy.deepcopy(node)
    node.tail = None
    for br in node.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = "".join(node.itertext()).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def plain_text(body: etree._Element) -> str:
    """The body as plain text: one paragraph per block, list items as "- "."""
    blocks = []
    for node in body.iter(*BLOCKS):
        text = _text_of(node)
        if text:
            blocks.append(f"- {text}" if node.tag == "li" else text)
    return "\n\n".join(blocks) + "\n"


def letter_from_html(markup: bytes | str, to: str, lang: str) -> Letter:
    """The e-mail's words from the cover note's HTML."""
    body = _body(markup)
    title = " ".join(body.findtext(".//h1", "").split())
    subtitle = body.find(".//p[@class='subtitle']")
    line = f"{title} – {_text_of(subtitle)}" if subtitle is not None else title
    html = "".join(lxml_html.tostring(child, encoding="unicode") for child in body)
    page = f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"></head>' \
           f"<body>{html}</body></html>"
    return Letter(one_line(line, "subject"), one_line(to, "addressee"), plain_text(body),
                  page, lang)


def draft(letter: Letter | dict[str, Any], attachments: Sequence[tuple[str, bytes]]) -> bytes:
    """The .eml draft: unsent, body in two alternatives, the documents attached."""
    from ccmkit.render.pipeline import WRITERS

    if isinstance(letter, dict):
        letter = Letter(**letter)
    message = EmailMessage(policy=SMTP)
    message["X-Unsent"] = "1"
    message["Subject"] = one_line(letter.subject, "subject")
    message["To"] = Group(one_line(letter.to, "addressee"), ())
    message["Content-Language"] = letter.lang
    message.set_content(letter.text, subtype="plain", charset="utf-8")
    message.add_alternative(letter.html, subtype="html", charset="utf-8")
    types = {fmt: writer.media_type for fmt, writer in WRITERS.items()}
    for name, data in attachments:
        fmt = name.rpartition(".")[2]
        maintype, _slash, subtype = types.get(fmt, "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype,
                               filename=one_line(name, "file name"))
    return message.as_bytes()
