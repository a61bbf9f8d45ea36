"""The grammar of State names in running text (EN, FR, ES), in one place.

No template glues a preposition to a name's article itself (« à {{ S.with_article }} »); it
calls these helpers, registered once as Jinja filters (``render.html.make_environment``) and
usable from Python with the language given:

- ``S|subject``: the name as the subject, or after a preposition that never contracts (par,
  pour, para, en, by, for): le Maroc, les Îles Marshall, Cuba; las Islas Marshall; the Bahamas.
- ``S|of``: du Maroc, des Îles Marshall, de la Türkiye, de l'Angola, d'Haïti; del Perú, de las
  Islas Marshall, de Marruecos; of the Bahamas.
- ``S|dative``: the à/a form: au Maroc, aux Îles Marshall, à la Türkiye, à l'Angola, à Cuba;
  al Perú, a las Islas Marshall, a Marruecos; to the Bahamas.
- ``S|agree("participe", "participent")`` (number) or ``S|agree("lié", "liée", "liés",
  "liées")`` (gender and number): the verb or adjective that follows the subject form.
  English treats a State's name as singular ("the Bahamas is"), so EN takes the singular.

The data: each name's ``gender`` and ``number`` (states.yaml, FR and ES, checked against its
article when loaded); each language's articles, preposition and contractions (languages.yaml,
``grammar``), so a new language needs no code.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ccmkit.data.schema import NameForms
from ccmkit.errors import TemplateError
from ccmkit.languages import Language, get_language


def subject(forms: NameForms) -> str:
    """The name with its article, as the subject of a sentence (le Maroc, las Islas Marshall)."""
    return forms.with_article


def of(forms: NameForms) -> str:
    """The name after "of": du Maroc, des Îles Marshall, d'Haïti, del Perú (from the data)."""
    return forms.of


def dative(forms: NameForms, language: Language | str) -> str:
    """The name after à/a/to, contracted: au Maroc, aux Îles Marshall, à l'Angola, al Perú."""
    if isinstance(language, str):
        language = get_language(language)
    if not language.dative:
        raise TemplateError(f"S|dative: languages.yaml gives no grammar.dative for "
                            f"{language.code!r}; "
                            "add the preposition (and its contractions)")
    article = language.article_of(forms.with_article)
    if article in language.contractions:
        rest = forms.with_article[len(article):].lstrip()
        return f"{language.contractions[article]} {rest}"
    return f"{language.dative} {forms.with_article}"


def agree(forms: NameForms, *variants: str) -> str:
    """The form of the following verb or adjective that agrees with the name.

    Two variants: (singular, plural). Four: (masculine, feminine, masculine plural, feminine
    plural). A name without gender or number (English) takes the (masculine) singular.
    """
    if len(variants) not in (2, 4):
        raise TypeError("agree takes (singular, plural) or (masculine, feminine, "
                        "masculine plural, feminine plural)")
    plural = forms.number == "plural"
    if len(variants) == 2:
        return variants[plural]
    return variants[2 * plural + (forms.gender == "feminine")]


def filters(language: Language) -> dict[str, Callable[..., str]]:
    """The helpers as Jinja filters for a document in `language`."""
    return {"subject": subject, "of": of, "dative": partial(dative, language=language),
            "agree": agree}
