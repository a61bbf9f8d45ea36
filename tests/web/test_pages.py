"""Pages: labels for every vocabulary value, every page in EN/FR/ES, States search and lists."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from ccmkit import labels, vocab
from ccmkit.languages import registry
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

PAGES = ("/states", "/states/COD", "/package", "/workshop", "/targets", "/barrier-map",
         "/log", "/log/report")
# A few interface words per language that must show, and English ones that must not.
WORDS = {"en": ("Sign out", "States"), "fr": ("Se déconnecter", "États"),
         "es": ("Cerrar sesión", "Estados")}


@pytest.mark.parametrize("mapping, values", [
    (labels.STATUS, vocab.STATUS_SELECTORS), (labels.ROUTE, vocab.ROUTES),
    (labels.BARRIER, vocab.BARRIERS), (labels.DOC_KIND, vocab.DOC_KINDS),
    (labels.FORMAT, vocab.FORMATS), (labels.LEGISLATION, vocab.LEGISLATION_VARIANTS),
    (labels.QA_LENGTH, vocab.QA_LENGTHS), (labels.DRAFTING, vocab.DRAFTING_STYLES),
    (labels.SIGNATORY_TITLE, vocab.SIGNATORY_TITLES), (labels.ROLE, vocab.ROLES),
    (labels.STAGE, vocab.STAGES), (labels.CHANNEL, vocab.CHANNELS),
    (labels.LANGUAGE, tuple(registry())), (labels.FACT, vocab.FACT_NAMES),
    (labels.VALUE, tuple({v for vs in vocab.TOKEN_FACTS.values() for v in vs})),
])
def test_every_vocabulary_value_has_a_label(mapping: dict, values: tuple) -> None:
    assert set(values) <= set(mapping), sorted(set(values) - set(mapping))


@pytest.mark.parametrize("lang", list(WORDS))
def test_every_page_in_the_interface_language(editor: FlaskClient, lang: str) -> None:
    editor.post("/language", data={"lang": lang, "csrf_token": csrf_token(editor, "/states")})
    for path in PAGES:
        response = editor.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in page
        for word in WORDS[lang]:
            assert word in page, (lang, path, word)
        if lang != "en":
            visible = re.sub(r"<[^>]+>", " ", page)
            for english in ("Sign out", "Interface language", "Internal workbench"):
                assert english not in visible, (lang, path, english)


def test_search_any_name_in_three_languages(editor: FlaskClient) -> None:
    for query, code in (("DR Congo", "COD"), ("République démocratique du Congo", "COD"),
                        ("Filipinas", "PHL"), ("cote d'ivoire", "CIV"), ("ken", "KEN")):
        response = editor.get("/states", query_string={"q": query})
        assert response.headers.get("Location") == f"/states/{code}", query
    page = editor.get("/states", query_string={"q": "Kenia Republik"}).get_data(as_text=True)
    assert "No State matches" in page


def test_lists_filter_by_status_region_and_grouping(editor: FlaskClient) -> None:
    page = editor.get("/states", query_string={"group": "AMU"}).get_data(as_text=True)
    codes = re.findall(r'href="/states/([A-Z]{3})"', page)
    assert sorted(codes) == ["DZA", "LBY", "MAR"]
    signatories = editor.get("/states", query_string={"status": "signatory"}).get_data(
        as_text=True)
    assert "States shown: 12" in signatories
    africa = editor.get("/states", query_string={"status": "state_party", "region": "Africa"})
    assert "Cameroon" in africa.get_data(as_text=True)
    assert editor.get("/states", query_string={"status": "member"}).status_code == 400
    assert editor.get("/states", query_string={"group": "NATO"}).status_code == 400


def test_state_page_shows_sources_dates_and_stale_facts(editor: FlaskClient) -> None:
    page = editor.get("/states/cod", follow_redirects=True).get_data(as_text=True)
    assert "Signatory" in page and "18 Mar 2009" in page
    assert "Cluster Munition Monitor" in page and 'rel="noopener noreferrer"' in page
    assert "stale-badge" in page
    assert editor.get("/states/XXX").status_code == 404
    assert editor.get("/states/toolong").status_code == 404


def _english_messages(lang: str) -> tuple[set[str], list[re.Pattern]]:
    """The catalog's English messages that ``lang`` translates differently: plain ones, and
    those with %(name)s values as patterns."""
    from babel.messages.pofile import read_po

    from ccmkit.resources import locales_dir

    plain: set[str] = set()
    patterns: list[re.Pattern] = []
    with (locales_dir() / lang / "LC_MESSAGES" / "ccmkit.po").open("rb") as handle:
        for m in read_po(handle):
            if not m.id or not isinstance(m.id, str) or m.string == m.id or len(m.id) < 4:
                continue
            if "%(" in m.id:
                parts = re.split(r"%\(\w+\)s", m.id)
                if sum(len(p.strip()) for p in parts) >= 12:
                    patterns.append(re.compile(".+?".join(re.escape(p) for p in parts)))
            elif "{" not in m.id:
                plain.add(m.id)
    return plain, patterns


VOID = {"br", "img", "input", "link", "meta", "hr", "source", "wbr"}


class _Text(HTMLParser):
    """Visible text and the attributes a user meets (title, aria-label, placeholder), less
    what is marked as another language (lang="en" on a source's words, the language names)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.chunks: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    @property
    def skip(self) -> bool:
        return any(skipping for _tag, skipping in self.stack)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        other = dict(attrs).get("lang") not in (None, self.lang)
        if tag not in VOID:
            self.stack.append((tag, tag in ("script", "style", "code") or other))
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "data-pause", "data-resume") \
                    and value:
                self.chunks.append(value)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.chunks.append(" ".join(data.split()))


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_no_english_interface_string_on_any_page(editor: FlaskClient, lang: str) -> None:
    """Every page, with data, signed in as an editor, in French and Spanish: no English
    message of the catalog shows (user data and sources stay as they were written)."""
    token = csrf_token(editor, "/log")
    editor.post("/language", data={"lang": lang, "csrf_token": token})
    for state, day in (("COD", "2026-11-20"), ("KEN", "2026-11-25")):
        editor.post("/log", data={"state": state, "date": day, "stage": "meeting-held",
                                  "channel": "geneva", "lead": "Norway", "next_step": "Call",
                                  "due": "2026-11-30", "csrf_token": token})
    editor.post("/log/2/remove", data={"csrf_token": token})
    plain, patterns = _english_messages(lang)
    pages = (*PAGES, "/states/KEN", "/states/VNM", "/states/DJI", "/log/1", "/log/2",
             "/log/1/remove", "/log/calendar", "/states?status=signatory",
             "/package?state=DJI")
    for path in pages:
        response = editor.get(path)
        assert response.status_code == 200, path
        parser = _Text(lang)
        parser.feed(response.get_data(as_text=True))
        text = "\n".join(parser.chunks)
        found = [c for c in parser.chunks if c in plain or c.rstrip(":.") in plain]
        found += [p.pattern for p in patterns if p.search(text)]
        assert not found, (lang, path, found)
