"""The typed document contexts are the --template-dir contract: each kind's builder returns
exactly the keys its TypedDict documents, and a user's template receives every one of them;
the internal documents' contexts likewise."""

from __future__ import annotations

from typing import Any, get_type_hints

import pytest

from ccmkit.documents import legislation, qa
from ccmkit.documents.kinds import DOCUMENTS
from ccmkit.documents.subject import CommonContext, common_context
from ccmkit.languages import get_locale
from ccmkit.package import PackageContext, document_context
from ccmkit.render.pipeline import PipelineContext
from ccmkit.workbench.render import BaseContext
from tests.conftest import GENERATED, NON_SIGNATORY, SIGNATORY, make_subject

WITHDRAWN = "LTU"
STATES = (SIGNATORY, NON_SIGNATORY, WITHDRAWN)


def keys(typed: Any) -> set[str]:
    """Every key a TypedDict documents (its own and those it inherits)."""
    return set(typed.__required_keys__ | typed.__optional_keys__)


def context_type(kind: str) -> Any:
    """The TypedDict the kind's builder declares it returns."""
    return get_type_hints(DOCUMENTS[kind].build)["return"]


def test_every_kind_declares_a_context_extending_the_common_one() -> None:
    for kind in DOCUMENTS:
        typed = context_type(kind)
        assert typed.__name__.endswith("Context"), kind
        assert keys(CommonContext) < keys(typed), kind


@pytest.mark.parametrize("code", STATES)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_common_context_keys(registry, code: str, lang: str) -> None:
    subject = make_subject(registry, code)
    assert set(common_context(subject, get_locale(lang))) == keys(CommonContext)


@pytest.mark.parametrize("code", STATES)
@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_built_context_keys_equal_the_documented_keys(registry, kind: str, code: str) -> None:
    subject = make_subject(registry, code)
    built = DOCUMENTS[kind].build(subject, get_locale("en"))
    assert set(built) == keys(context_type(kind))
    # the package adds the kind's options, and nothing else
    full = document_context(subject, kind, get_locale("en"))
    assert set(full) == keys(context_type(kind)) | keys(PackageContext)


@pytest.mark.parametrize("code", STATES)
def test_nested_qa_and_legislation_shapes(registry, code: str) -> None:
    """The rows a template loops over have the documented keys too."""
    subject = make_subject(registry, code, legislation="full")
    locale = get_locale("es")
    built_qa = DOCUMENTS["qa"].build(subject, locale)
    assert built_qa["entries"]
    for entry in built_qa["entries"]:
        assert set(entry) == keys(qa.QaEntryContext)
    assert set(built_qa["region"]) == keys(qa.RegionContext)
    law = DOCUMENTS["legislation"].build(subject, locale)
    assert law["parts"] and law["checklist"]
    for part in law["parts"]:
        assert set(part) == keys(legislation.PartContext)
        for clause in part["clauses"]:
            assert set(clause) == keys(legislation.ClauseContext)
            for para in clause["paragraphs"]:
                assert set(para) == keys(legislation.ParagraphContext)
                for item in para["items"]:
                    assert set(item) == keys(legislation.ItemContext)
    items = [i for p in law["parts"] for c in p["clauses"] for para in c["paragraphs"]
             for i in para["items"]]
    assert items  # the loop above checked some lettered items
    for row in law["checklist"]:
        assert set(row) == keys(legislation.ChecklistRow)


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_a_user_template_receives_every_documented_key(registry, tmp_path, kind: str) -> None:
    """Through the real pipeline: a user's <doc>/<lang>.html.j2 in --template-dir sees each
    key of the kind's TypedDict, of PackageContext and of PipelineContext."""
    documented = sorted(keys(context_type(kind)) | keys(PackageContext) | keys(PipelineContext))
    lines = "".join(f"<p>{k}={{{{ {k} is defined }}}}</p>\n" for k in documented)
    (tmp_path / kind).mkdir()
    (tmp_path / kind / "en.html.j2").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ doc_title }}'
        f"</title></head><body>\n{lines}<p>probe-{{{{ probe is defined }}}}</p></body></html>",
        encoding="utf-8")
    from ccmkit.package import document_page

    subject = make_subject(registry, SIGNATORY, template_dir=tmp_path)
    page = document_page(subject, kind, "en")
    found = [p.text for p in page.tree.iter("p")]
    assert found[:-1] == [f"{k}=True" for k in documented]
    assert found[-1] == "probe-False"  # the check can fail: an undocumented name is undefined


# ----------------------------------------------------------------- internal documents


@pytest.fixture(scope="module")
def ranking(registry):
    from ccmkit.workbench.targets import rank

    return rank(registry, registry.select(("outside",)))


@pytest.mark.parametrize("code", STATES)
def test_brief_context_keys(registry, ranking, code: str) -> None:
    from ccmkit.workbench import brief

    built = brief.context(make_subject(registry, code), "fr", ranking)
    assert set(built) == keys(brief.BriefContext)
    assert keys(BaseContext) < keys(brief.BriefContext)


def test_other_internal_context_keys(registry, ranking) -> None:
    from ccmkit.workbench import barrier_map, export, messaging

    outside = registry.select(("outside",))
    built = barrier_map.context(registry, outside, "en", GENERATED, "all")
    assert set(built) == keys(barrier_map.BarrierMapContext)
    assert built["rows"]
    for row in built["rows"]:
        assert set(row) == keys(barrier_map.BarrierRow)
    assert set(messaging.context(registry, "es", GENERATED)) == keys(messaging.MessagingContext)
    targets = export.document_context(registry, ranking, 10, "en", GENERATED, "all")
    assert set(targets) == keys(export.TargetsContext)
    for typed in (barrier_map.BarrierMapContext, messaging.MessagingContext,
                  export.TargetsContext):
        assert keys(BaseContext) < keys(typed)
