"""Template → semantic HTML, the single source both writers consume.

Vocabulary (see README): h1–h3, p (classes subtitle, center, signature, meta, recital,
question, clause-heading), ol/ul/li, table/tr/th/td, strong/em, br, span.blank (text the user
must complete), aside.note (drafting note: a Word comment in DOCX, omitted in PDF).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
)
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from ccmkit.errors import CcmkitError
from ccmkit.i18n import translations
from ccmkit.languages import Language, get_language
from ccmkit.resources import templates_dir


def blank(label: str) -> Markup:
    """A highlighted blank the user must complete: [label]."""
    return Markup('<span class="blank">[{}]</span>').format(label)


def alt(*choices: str) -> Markup:
    """Highlighted alternatives for the user to choose from: [A / B / C]."""
    return Markup('<span class="blank">[{}]</span>').format(" / ".join(choices))


def email(address: str) -> Markup:
    """An e-mail address that is never hyphenated in the PDF."""
    return Markup('<a class="email" href="mailto:{0}">{0}</a>').format(address)


@pass_context
def snippet(context: Context, source: str) -> Markup:
    """Render a content-library text (itself a small template) with the document's values."""
    template = _compiled(context.environment, source)
    return Markup(template.render(context.get_all()))


_SNIPPETS: WeakKeyDictionary[Environment, dict[str, Template]] = WeakKeyDictionary()


def _compiled(env: Environment, source: str) -> Template:
    """Content snippets compiled once per environment."""
    cache = _SNIPPETS.setdefault(env, {})
    if source not in cache:
        cache[source] = env.from_string(source)
    return cache[source]


@lru_cache(maxsize=32)
def make_environment(lang: str, template_dir: Path | None = None) -> SandboxedEnvironment:
    """A sandboxed, strict, autoescaping Jinja2 environment for one language.

    Every template, shipped or user-supplied (`template_dir` searched first), renders in the
    sandbox; a missing variable is an error, values are HTML-escaped.
    """
    language = get_language(lang)
    dirs = [FileSystemLoader(str(template_dir))] if template_dir else []
    env = SandboxedEnvironment(
        loader=ChoiceLoader([*dirs, FileSystemLoader(str(templates_dir()))]),
        undefined=StrictUndefined,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(blank=blank, alt=alt, email=email, snippet=snippet, lang=lang)
    env.filters["longdate"] = language.long_date
    env.filters["monthyear"] = language.month_year
    env.filters["capfirst"] = lambda text: text[:1].upper() + text[1:]
    env.filters["paragraphs"] = paragraphs
    return env


def paragraphs(text: str) -> list[Markup]:
    """Split rendered content on blank lines into paragraphs."""
    parts = re.split(r"\n\s*\n", str(text).strip())
    return [Markup(p.strip()) for p in parts if p.strip()]


def render_html(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    """Render a document template; template errors become one-line user errors."""
    try:
        return env.get_template(name).render(**context)
    except TemplateNotFound as exc:
        raise CcmkitError(f"template {exc.name} not found in the template folders") from None
    except TemplateSyntaxError as exc:
        raise CcmkitError(
            f"{exc.filename or name}, line {exc.lineno}: template syntax error: {exc.message}"
        ) from None
    except (UndefinedError, SecurityError) as exc:
        raise CcmkitError(f"{name}{_template_line(exc)}: {_describe(exc)}") from None
    except TemplateError as exc:
        raise CcmkitError(f"{name}: {_describe(exc)}") from None


def _template_line(exc: BaseException) -> str:
    """The template file and line from a Jinja2 runtime error's traceback."""
    tb = exc.__traceback__
    found = ""
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".j2") or code.co_filename == "<template>":
            found = f" ({Path(code.co_filename).name}, line {tb.tb_lineno})"
        tb = tb.tb_next
    return found


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UndefinedError):
        return f"undefined template variable: {exc.message}"
    if isinstance(exc, SecurityError):
        return f"template tried to reach Python internals ({exc}); this is not allowed"
    return f"template error: {exc}"


def to_tree(markup: str, language: Language) -> etree._Element:
    """Parse rendered HTML and apply the language's typography to every text node."""
    root = lxml_html.document_fromstring(markup)
    for node in root.iter():
        if node.tag in ("style", "script") or not isinstance(node.tag, str):
            continue
        if node.text:
            node.text = language.typeset(node.text)
        if node.tail:
            node.tail = language.typeset(node.tail)
    return root


def to_string(root: etree._Element) -> str:
    """Serialise a tree back to an HTML document."""
    return "<!DOCTYPE html>\n" + lxml_html.tostring(root, encoding="unicode")
