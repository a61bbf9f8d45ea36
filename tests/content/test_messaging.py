"""The messaging lines are content (``ccmkit.content.messaging``): a --template-dir replaces
one file at a time, read through the one guarded YAML loader; the workbench lays them out."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ccmkit.errors import DataError
from ccmkit.resources import templates_dir
from ccmkit.workbench import messaging


def _user_words(tmp_path: Path) -> tuple[Path, dict]:
    target = tmp_path / "internal" / "messaging" / "en.yaml"
    target.parent.mkdir(parents=True)
    shipped = templates_dir() / "internal" / "messaging" / "en.yaml"
    return target, yaml.safe_load(shipped.read_text(encoding="utf-8"))


def test_a_user_file_of_words_alone_is_laid_over_the_shipped_lines(tmp_path: Path) -> None:
    target, data = _user_words(tmp_path)
    data["barriers"]["awareness"]["engagement"] = "Our own engagement message."
    data["framing"]["title"] = "Our own framing note"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    by_barrier = {m.barrier: m for m in messaging.messages("en", template_dir=tmp_path)}
    assert by_barrier["awareness"].engagement == "Our own engagement message."
    assert messaging.framing("en", template_dir=tmp_path).title == "Our own framing note"
    shipped = {m.barrier: m for m in messaging.messages("en")}
    # the ids and articles still come from the shipped lines.yaml
    assert [line.articles for line in by_barrier["legal_technical"].lines] == \
        [line.articles for line in shipped["legal_technical"].lines]
    assert shipped["awareness"].engagement != "Our own engagement message."


def test_a_user_file_with_aliases_is_refused(tmp_path: Path) -> None:
    target, _ = _user_words(tmp_path)
    shipped = (templates_dir() / "internal" / "messaging" / "en.yaml").read_text(
        encoding="utf-8")
    target.write_text(shipped.replace('cite: "Art. {articles}"', 'cite: &c "Art. {articles}"')
                      .replace('first_article: "1"', "first_article: *c"), encoding="utf-8")
    with pytest.raises(DataError, match="anchors and aliases are not allowed"):
        messaging.messages("en", template_dir=tmp_path)


def test_a_wrong_article_names_the_barrier_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "internal" / "messaging"
    folder.mkdir(parents=True)
    lines = yaml.safe_load((templates_dir() / "internal" / "messaging" / "lines.yaml")
                           .read_text(encoding="utf-8"))
    lines["awareness"][0]["articles"] = ["24"]
    (folder / "lines.yaml").write_text(yaml.safe_dump(lines), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        messaging.messages("en", template_dir=tmp_path)
    assert str(caught.value) == (f"{folder / 'lines.yaml'}, awareness, line 1: key 'articles': "
                                 "'24' is not an article of the Convention (1-23)")
