"""The workbench in a real Chromium (Debian's), driven by Playwright, against `ccmkit serve`."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccmkit.package import download_name
from ccmkit.vocab import DOC_KINDS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USER, PASSWORD = "coordinator", "a-long-test-password"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="chromium not installed: run "
                       "scripts/setup.sh"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """`ccmkit serve` on a free local port, with a fresh database and one editor."""
    tmp = tmp_path_factory.mktemp("serve")
    ccmkit = str(Path(sys.executable).with_name("ccmkit"))
    env = {**os.environ, "CCMKIT_DB": str(tmp / "log.sqlite3"),
           "CCMKIT_WEB_OUTPUT": str(tmp / "jobs"), "CCMKIT_SECRET_KEY": "browser-test"}
    subprocess.run([ccmkit, "users", "add", USER, "--role", "editor"], env=env, check=True,
                   input=f"{PASSWORD}\n{PASSWORD}\n", text=True, capture_output=True)
    port = free_port()
    log = (tmp / "serve.log").open("w")
    process = subprocess.Popen([ccmkit, "serve", "--port", str(port), "--workers", "2"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            break
        except OSError:
            assert process.poll() is None, (tmp / "serve.log").read_text()
            assert time.monotonic() < deadline, "ccmkit serve did not start"
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    profile = tmp_path / "chromium-profile"  # a fresh user data dir for each test
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS,
            accept_downloads=True, viewport={"width": 1280, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def in_french(page) -> None:
    """Switch the interface to French (the form in the page header)."""
    page.select_option("#ui-lang", "fr")
    page.click("text=Changer" if page.locator("text=Changer").count() else "text=Change")


def sign_in(page, base: str, path: str = "/states") -> None:
    page.goto(base + path)
    assert "/login" in page.url
    page.fill("#name", USER)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    assert page.url == base + path, page.url


def test_coordinator_flow(server: str, page, tmp_path) -> None:
    base = server
    sign_in(page, base)

    # search "DR Congo" and open the State
    page.fill("#q", "DR Congo")
    page.click("#search")
    assert page.url == base + "/states/COD"
    assert "Democratic Republic of the Congo" in page.inner_text("h1")
    assert page.locator("table.facts tbody tr").count() >= 8

    # generate a French package with the Art. 18 declaration; download the ZIP
    page.click("text=Prepare a package for this State")
    assert "Democratic Republic of the Congo" in page.inner_text("h1")
    assert page.locator("select[name=instrument]").count() == 1  # a signatory
    page.check("#languages input[value=fr]")
    page.check("#provisional_application")
    page.check("#brief")  # also the internal brief, which must stay out of the package
    page.click("#generate")
    page.wait_for_selector("#progress[data-state=done]", timeout=180_000)
    assert page.locator("iframe").count() == len(DOC_KINDS)  # one PDF preview per document
    with page.expect_download() as download:
        page.click("#download-zip")
    target = tmp_path / "package.zip"
    download.value.save_as(target)
    assert download.value.suggested_filename == "COD.zip"
    names = set(zipfile.ZipFile(target).namelist())  # the documents only, ready to send
    assert names == {download_name("COD", "fr", kind, fmt) for kind in DOC_KINDS
                     for fmt in ("docx", "pdf")}
    from docx import Document

    instrument = Document(io.BytesIO(zipfile.ZipFile(target).read(
        download_name("COD", "fr", "instrument", "docx"))))
    text = "\n".join(p.text for p in instrument.paragraphs)
    assert "Conformément à l'article 18 de la Convention" in text

    # the internal brief: its own INTERNAL download, not in the ZIP (checked just above)
    brief = page.locator("#internal-brief")
    assert "INTERNAL" in brief.inner_text() and "not in the ZIP" in brief.inner_text()
    with page.expect_download() as download:
        brief.locator("a.brief-file", has_text="PDF").click()
    assert download.value.suggested_filename == "internal-COD-brief-fr.pdf"
    target = tmp_path / "brief.pdf"
    download.value.save_as(target)
    from tests.readers import pdf_text

    assert pdf_text(target).startswith("USAGE INTERNE")
    assert not any("brief" in name or "internal" in name for name in names)

    # the targets page: a criterion with its fact, points and source
    page.click("nav >> text=Targets")
    assert page.url == base + "/targets"
    page.select_option("#group", "AU")
    page.click("#filter")
    row = page.locator("#target-COD tr[data-criterion=mine_ban_treaty]")
    cells = [row.locator("td").nth(i).inner_text() for i in range(7)]
    assert cells[0] == "Party to the Mine Ban Convention" and cells[2] == "+15"
    assert cells[5] == "2022-11-17" and "Landmine Monitor" in cells[6]
    assert row.locator("td >> nth=6 >> a").get_attribute("href").startswith("https://")
    assert "score 75" in page.inner_text("#target-COD h2")

    # add a log entry and see it in the report
    page.click("nav >> text=Log")
    page.click("text=Record a contact")
    page.fill("#state", "République démocratique du Congo")
    page.fill("#date", "2026-11-20")
    page.select_option("#stage", "meeting-held")
    page.select_option("#channel", "geneva")
    page.fill("#lead", "Norway")
    page.fill("#with_whom", "First Counsellor")
    page.fill("#next_step", "Send the French package")
    page.click("#add-record")
    assert page.url == base + "/log"
    assert "First Counsellor" in page.inner_text("#records")
    page.click("nav >> text=Report")
    assert "1 of the target of 10" in page.inner_text("#meetings")
    assert "Democratic Republic of the Congo" in page.inner_text("#meeting-list")

    # the interface in French
    in_french(page)
    assert "Journal de suivi" in page.inner_text("h1")

    # sign out, and be refused the log
    page.click("#sign-out")
    page.goto(base + "/log")
    assert page.url.startswith(base + "/login")
    assert "First Counsellor" not in page.content()
    response = page.request.get(base + "/log/report", max_redirects=0)
    assert response.status == 302


AXE_ENV = "CCMKIT_AXE_JS"
AXE_PATHS = (Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js",
             Path("/usr/lib/node_modules/axe-core/axe.min.js"))
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_js() -> Path:
    """axe-core's axe.min.js (npm package axe-core, installed by scripts/setup.sh)."""
    for path in (Path(os.environ.get(AXE_ENV, "/nonexistent")), *AXE_PATHS):
        if path.is_file():
            return path
    pytest.skip(f"axe-core not installed: run scripts/setup.sh (or set {AXE_ENV})")


def axe_violations(page) -> list[tuple[str, list[str]]]:
    """axe-core's WCAG 2.1 A/AA violations on the page. axe is evaluated through the
    DevTools protocol, so the app's own CSP (no inline script) stays in force."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_js().read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           WCAG_TAGS)
    return [(v["id"], [n["target"][0] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_every_page_passes_axe_reflows_at_320px_and_handles_focus(server: str, page,
                                                                  tmp_path) -> None:
    """axe-core on every page in English and French (with a log record, a removed one, a
    refused form); at 320 px no page scrolls sideways and "Sign out" is visible; the skip
    link works; focus moves to the message of a refused field; the log's day in French."""
    base = server
    axe_js()
    page.context.set_default_timeout(30_000)
    sign_in(page, base, "/log")
    page.click("text=Record a contact")
    page.fill("#state", "Djibouti")
    page.fill("#date", "2026-11-20")
    page.select_option("#stage", "next-step-agreed")
    page.fill("#next_step", "Envoyer le dossier")
    page.fill("#due", "2026-11-25")
    page.click("#add-record")
    added = re.search(r"Record (\d+) added", page.inner_text(".flash"))
    assert added, page.inner_text(".flash")
    record = added.group(1)  # the server may hold records of earlier tests
    assert "overdue" in page.get_attribute(f"#records tr[data-record='{record}']", "class")
    pages = ["/states", "/states/DJI", "/package", "/package?state=DJI", "/workshop",
             "/targets", "/barrier-map", "/log", "/log/report", f"/log/{record}",
             f"/log/{record}/remove", "/log/calendar"]
    for lang in ("en", "fr"):
        page.goto(base + "/states")
        page.select_option("#ui-lang", lang)
        page.click("header form.inline button[type=submit]")
        for path in pages:
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(base + path)
            assert axe_violations(page) == [], (lang, path)
            page.set_viewport_size({"width": 320, "height": 640})
            page.goto(base + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (lang, path, width)
            box = page.locator("#sign-out").bounding_box()
            assert box and box["x"] + box["width"] <= 320, (lang, path, box)
    page.set_viewport_size({"width": 1280, "height": 900})

    # the skip link is the first Tab stop and moves to the content
    page.goto(base + "/states")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    outline = page.evaluate("getComputedStyle(document.querySelector('#q')).outlineStyle")
    page.focus("#q")
    assert outline is not None

    # a refused field: marked, described by its message, which gets the focus
    page.goto(base + "/log")
    page.click("summary")
    page.fill("#state", "Atlantide")
    page.click("#add-record")
    assert page.get_attribute("#state", "aria-invalid") == "true"
    assert page.get_attribute("#state", "aria-describedby") == "state-error"
    assert page.evaluate("document.activeElement.id") == "state-error"
    assert axe_violations(page) == []

    # remove (after a confirmation), restore; the report as PDF in French
    page.goto(base + f"/log/{record}")
    page.click("#remove-record")
    assert page.url == base + f"/log/{record}/remove"
    page.click("#confirm-remove")
    assert page.locator("#restore-record").count() == 1
    page.click("#restore-record")
    history = page.inner_text("#history")
    assert "retirée par coordinator" in history and "rétablie par coordinator" in history
    page.goto(base + "/log/report")
    with page.expect_download() as download:
        page.click("#report-pdf")
    target = tmp_path / "report.pdf"
    download.value.save_as(target)
    from tests.readers import pdf_text

    text = pdf_text(target)
    assert text.startswith("USAGE INTERNE") and "Résumé des activités" in text


def test_settings_package_email_and_log_in_french(server: str, page, tmp_path) -> None:
    """Djibouti's settings on its page, then its package: title and addressee in the
    instrument and the cover note, the e-mail draft, "package sent" in the log."""
    import email
    from email import policy

    from docx import Document

    base = server
    sign_in(page, base)
    in_french(page)
    page.goto(base + "/states/DJI")
    page.select_option("#signatory_title", "head_of_state")
    page.fill("#title_text", "Président de la République")
    page.fill("#addressee", "Son Excellence le Ministre des affaires étrangères")
    page.click("#save-settings")
    assert "Réglages enregistrés" in page.inner_text("#settings")
    page.click("text=Préparer un dossier pour cet État")
    assert page.input_value("#title_text") == "Président de la République"
    for kind in ("full_powers", "steps", "qa", "legislation"):
        page.uncheck(f"#documents input[value={kind}]")
    page.click("#preview")
    assert "Son Excellence le Ministre des affaires étrangères" in page.inner_text("#summary")
    page.click("#generate")
    page.wait_for_selector("#progress[data-state=done]", timeout=180_000)
    with page.expect_download() as download:
        page.click("#email-fr")
    target = tmp_path / "draft.eml"
    download.value.save_as(target)
    message = email.message_from_bytes(target.read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1"
    files = {p.get_filename(): p.get_content() for p in message.iter_attachments()}
    instrument = Document(io.BytesIO(files["DJI-fr-instrument.docx"]))
    assert "Président de la République, déclare" in "\n".join(
        p.text for p in instrument.paragraphs)
    cover = Document(io.BytesIO(files["DJI-fr-note-de-transmission.docx"]))
    assert "Son Excellence le Ministre des affaires étrangères" in "\n".join(
        p.text for p in cover.paragraphs)
    page.fill("#lead", "Norvège")
    page.click("#record-sent")
    assert "Consigné dans le journal" in page.inner_text("#sent")


def test_the_brief_alone_and_the_asean_workshop_in_french(server: str, page,
                                                           tmp_path) -> None:
    """The rest of the day in French: Djibouti's brief alone (in Spanish, as a PDF); the
    ASEAN workshop lists its States before generating, shows the regional picture, and every
    Q&A of the workshop answers the regional question with the grouping's numbers."""
    from docx import Document

    from tests.readers import pdf_text

    base = server
    sign_in(page, base)
    in_french(page)
    page.goto(base + "/states/DJI/brief")
    page.select_option("#lang", "es")
    page.select_option("#fmt", "pdf")
    with page.expect_download() as download:
        page.click("#make-brief")
    brief = tmp_path / download.value.suggested_filename
    download.value.save_as(brief)
    text = " ".join(pdf_text(brief).split())
    assert "USO INTERNO" in text and "Nota informativa – Djibouti" in text
    assert re.search(r"idiomas: (francés|inglés|árabe)", text), text  # the package's, by name
    page.goto(base + "/workshop")
    page.select_option("#selection", "group:ASEAN")
    page.click("#show-states")
    included = page.inner_text("#included")
    assert "9 États non parties à la Convention" in included
    for name in ("Viet Nam", "Thaïlande", "Myanmar", "Indonésie"):
        assert name in included
    page.click("#regional-link")
    question = page.inner_text("#regional-question")
    assert "Association des nations de l'Asie du Sud-Est" in question and "11" in question
    page.go_back()
    for kind in DOC_KINDS:
        if kind != "qa":
            page.uncheck(f"#documents input[value={kind}]")
    page.uncheck("#formats input[value=pdf]")
    page.click("#generate")
    page.wait_for_selector("#progress[data-state=done]", timeout=300_000)
    with page.expect_download() as download:
        page.click("#download-zip")
    target = tmp_path / "workshop.zip"
    download.value.save_as(target)
    archive = zipfile.ZipFile(target)
    qas = [n for n in archive.namelist() if n.endswith("-questions-answers.docx")]
    assert len(qas) == 9, archive.namelist()
    for name in qas:
        document = Document(io.BytesIO(archive.read(name)))
        words = " ".join(p.text for p in document.paragraphs)
        assert "How many States in our region have joined?" in words, name
        assert "Association of Southeast Asian Nations" in words, name
