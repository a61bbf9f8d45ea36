"""Template → semantic HTML, the single source both writers consume.

The vocabulary (see README and ``ccmkit.vocab``) is checked in ``render.pipeline``. Templates
are untrusted: they render in a bounded sandbox and are read only from inside the template
folders (a symlink that leads out of them is refused).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
)
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from ccmkit import grammar
from ccmkit.errors import TemplateError as BadTemplate
from ccmkit.languages import Language, Locale
from ccmkit.resources import SearchPath, confined

MAX_TEMPLATE_BYTES = 1 << 20  # one template file
MAX_REPEAT = 100_000  # longest string or list a template may build with * or **


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


class ConfinedLoader(BaseLoader):
    """Loads templates only from regular files inside the given folders (first match wins)."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        self.folders = folders

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        relpath = "/".join(split_template_path(template))  # refuses '..'
        for folder in self.folders:
            if not (folder / relpath).exists() and not (folder / relpath).is_symlink():
                continue
            path = confined(folder, relpath)
            if path is None:
                raise BadTemplate(f"template {template} in {folder} is a link or special file "
                                  "leading outside the template folder; copy the file in")
            if path.stat().st_size > MAX_TEMPLATE_BYTES:
                raise BadTemplate(f"template {template} is larger than 1 MiB; split it")
            source = path.read_text(encoding="utf-8")
            mtime = path.stat().st_mtime
            return source, str(path), lambda p=path, m=mtime: p.stat().st_mtime == m
        raise TemplateNotFound(template)


class TooLarge(SecurityError):
    """A template tried to build a value beyond the sandbox's bounds."""


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, plus: no template can build a huge string or number with * or **, nor
    change a list, dict or set it was given (later documents of the run read the same data)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int) and abs(right) > 64:
                raise TooLarge("an exponent above 64")
            return left**right
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(times, int) and (
                    len(seq) * times > MAX_REPEAT):
                raise TooLarge(f"a repetition longer than {MAX_REPEAT} items")
        return left * right


def template_folders(template_dir: Path | None) -> tuple[Path, ...]:
    """The template search path: the user's folder first, then the shipped one."""
    return SearchPath.for_templates(template_dir).folders


@lru_cache(maxsize=32)
def make_environment(locale: Locale, template_dir: Path | None = None
                     ) -> SandboxedEnvironment:
    """A sandboxed, strict, autoescaping Jinja2 environment for one language.

    Every template, shipped or user-supplied (`template_dir` searched first), renders in the
    sandbox; a missing variable is an error, values are HTML-escaped.
    """
    lang, language = locale.lang, locale.language
    env = BoundedSandbox(
        loader=ConfinedLoader(template_folders(template_dir)),
        undefined=StrictUndefined,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(locale.catalog, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(blank=blank, alt=alt, email=email, snippet=snippet, lang=lang)
    env.filters["longdate"] = language.long_date
    env.filters["monthyear"] = language.month_year
    env.filters["capfirst"] = lambda text: text[:1].upper() + text[1:]
    env.filters["paragraphs"] = paragraphs
    env.filters.update(grammar.filters(language))  # subject, of, dative, agree (State names)
    return env


def paragraphs(text: str) -> list[Markup]:
    """Split rendered content on blank lines into paragraphs."""
    parts = re.split(r"\n\s*\n", str(text).strip())
    return [Markup(p.strip()) for p in parts if p.strip()]


def render_html(env: SandboxedEnvironment, name: str, context: Mapping[str, Any]) -> str:
    """Render a document template; template errors become one-line user errors."""
    try:
        return env.get_template(name).render(**context)
    except TemplateNotFound as exc:
        raise BadTemplate(f"template {exc.name} not found in the template folders") from None
    except TemplateSyntaxError as exc:
        raise BadTemplate(
            f"{exc.filename or name}, line {exc.lineno}: template syntax error: {exc.message}"
        ) from None
    except UnicodeDecodeError:
        raise BadTemplate(f"{name}: a template is not UTF-8 text; save it as UTF-8") from None
    except (UndefinedError, SecurityError) as exc:
        raise BadTemplate(f"{name}{_template_line(exc)}: {_describe(exc)}") from None
    except TemplateError as exc:
        raise BadTemplate(f"{name}: {_describe(exc)}") from None
    except RecursionError:
        raise BadTemplate(f"{name}: template recursion too deep (a macro calling itself?)"
                          ) from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
        # an expression of the template failed ({{ 1/0 }}, {{ "x" + 1 }}, range(10**9))
        raise BadTemplate(f"{name}{_template_line(exc)}: template expression failed "
                          f"({type(exc).__name__}: {str(exc)[:120]}); correct the template"
                          ) from None


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
    if isinstance(exc, TooLarge):
        return f"template tried to build {exc}; this is not allowed"
    if isinstance(exc, SecurityError):
        return (f"template tried to reach Python internals or change the data it was given "
                f"({exc}); this is not allowed")
    return f"template error: {exc}"


def to_tree(markup: str, language: Language) -> etree._Element:
    """Parse rendered HTML and apply the language's typography to every text node.

    The caller bounds the markup's size (``pipeline.MAX_HTML_CHARS``) well below libxml2's
    text-node limit, so no text is ever truncated by the parser.
    """
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
